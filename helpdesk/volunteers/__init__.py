"""Volunteering: volunteer profiles, the coordinator's queue, needs, matches and hours."""
