"""Outgoing webhooks: ticket events sent, signed, to the systems an administrator subscribed."""

# Installs the session hooks that turn a transaction's new timeline events into deliveries
# (written in the same transaction) and queue them after commit; done here so that any app
# that loads the models has them, whichever service wrote the events.
from helpdesk.webhooks import dispatch  # noqa: F401
