"""The API's one error shape, raised by the views and the token check."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """An answer in the one error shape: ``{"error": {"code", "message", "fields"}}``."""

    def __init__(self, status: int, code: str, message: str,
                 fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = dict(fields or {})
