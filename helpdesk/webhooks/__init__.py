"""Outgoing webhooks: ticket events sent, signed, to the systems an administrator subscribed."""
