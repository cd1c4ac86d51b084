"""Storing uploaded files under generated names; the person's file name is kept for display."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage

# Recognised by their first bytes, not by the name or the browser's claim.
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"%PDF-": ("application/pdf", ".pdf"),
}
WEBP = ("image/webp", ".webp")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    display_name: str
    content_type: str
    size: int
    sha256: str


class UploadRejected(ValueError):
    """The file's type or size is not accepted; ``reason`` is 'type', 'size' or 'empty'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sniff_type(head: bytes) -> tuple[str, str] | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def upload_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    extension: str
    display_name: str


def check_upload(file: FileStorage, *, allowed_types: set[str], max_bytes: int
                 ) -> CheckedUpload:
    """Read and check an upload without storing it; raises UploadRejected."""
    data = file.read(max_bytes + 1)
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("size")
    kind = sniff_type(data[:16])
    if kind is None or kind[0] not in allowed_types:
        raise UploadRejected("type")
    display = (file.filename or "file").replace("/", "_").replace("\\", "_")[:255]
    return CheckedUpload(data, kind[0], kind[1], display)


def check_field(file: FileStorage | None, errors: dict[str, str], field: str, *,
                allowed_types: set[str], max_bytes: int, type_message: str
                ) -> CheckedUpload | None:
    """The form's file checked (None when none was chosen); a refusal goes to
    ``errors[field]`` in the person's language."""
    if file is None or not file.filename:
        return None
    try:
        return check_upload(file, allowed_types=allowed_types, max_bytes=max_bytes)
    except UploadRejected as rejected:
        if rejected.reason == "size":
            megabytes = max(1, max_bytes // (1024 * 1024))
            errors[field] = ngettext(
                "The file is too large: at most %(num)d megabyte.",
                "The file is too large: at most %(num)d megabytes.", megabytes)
        elif rejected.reason == "empty":
            errors[field] = _("The file is empty.")
        else:
            errors[field] = type_message
    return None


def store_checked(upload: CheckedUpload) -> StoredFile:
    stored_name = secrets.token_hex(16) + upload.extension
    (upload_dir() / stored_name).write_bytes(upload.data)
    return StoredFile(stored_name, upload.display_name, upload.content_type, len(upload.data),
                      hashlib.sha256(upload.data).hexdigest())


def stored_path(stored_name: str) -> Path | None:
    path = upload_dir() / stored_name
    if path.parent != upload_dir() or not path.is_file():
        return None
    return path


def strip_jpeg_metadata(data: bytes) -> bytes:
    """A JPEG without its APP1 (EXIF, with any GPS position, and XMP) and comment segments;
    the picture itself is untouched. Anything that is not a well-formed JPEG is returned
    as it came."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return data
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows to the end
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if length < 2 or i + 2 + length > len(data):
            return data
        if marker not in (0xE1, 0xFE):  # keep everything but APP1 and COM
            out += data[i:i + 2 + length]
        i += 2 + length
    return data
