"""The contact registry shared by every channel: one person, one history."""
