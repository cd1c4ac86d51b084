"""Delivery machinery shared by the outbox and outgoing webhooks (below both of them)."""
