"""Telling staff what needs them: notifications, their preferences, and the periodic tick."""
