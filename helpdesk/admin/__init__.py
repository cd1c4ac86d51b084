"""Administration: the association's profile, users, channels and the audit log."""
