"""Tickets: every contact from every channel, its lifecycle and its timeline."""
