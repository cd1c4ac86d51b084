"""The outbox: every message the association sends, written with the change that caused it."""

# Installs the session hook that queues new messages for the worker after each commit; done
# here so that any app that loads the models has it, whichever service writes the rows.
from helpdesk.outbox import dispatch  # noqa: F401
