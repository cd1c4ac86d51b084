"""Sila's built-in channel plugins, declared as entry points like any third-party plugin."""
