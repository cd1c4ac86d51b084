"""Start-up errors that end the process with one clear line instead of a traceback."""


class StartupError(Exception):
    """Configuration or environment that makes it unsafe or impossible to start."""
