"""Channels: the registry of installed channel plugins, their configuration and intake."""
