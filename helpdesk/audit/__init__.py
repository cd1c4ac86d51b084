"""The audit log: who changed what outside tickets, and who looked at what is private."""
