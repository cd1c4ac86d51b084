"""Validation errors raised by services and shown by views next to each field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ValidationError(Exception):
    """Input that a service refuses; ``errors`` maps field names to translated messages."""

    def __init__(self, errors: Mapping[str, Any]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = {key: str(message) for key, message in errors.items()}
