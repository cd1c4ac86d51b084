"""The outbox: every message the association sends, written with the change that caused it."""
