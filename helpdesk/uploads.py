"""Storing uploaded files under generated names; the person's file name is kept for display."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage

from helpdesk.image_metadata import strip_metadata

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
    # A photo's EXIF (where it was taken, when, with what) is never kept.
    return CheckedUpload(strip_metadata(data, kind[0]), kind[0], kind[1], display)


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


# ---------------------------------------------------------------------------------------
# A signature drawn on the screen: a PNG sent as a data URL by the canvas

PNG_DATA_URL = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_SIDE = 4000


def _is_real_png(data: bytes) -> bool:
    """A PNG's frame is sound: its signature, a first IHDR chunk whose checksum matches
    and whose size is sane, and the IEND chunk closing the file."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 8 + 25 + 12:
        return False
    length = int.from_bytes(data[8:12], "big")
    chunk = data[12:16]
    if chunk != b"IHDR" or length != 13:
        return False
    body = data[16:29]
    crc = int.from_bytes(data[29:33], "big")
    if zlib.crc32(chunk + body) != crc:
        return False
    width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
    if not (0 < width <= MAX_SIGNATURE_SIDE and 0 < height <= MAX_SIGNATURE_SIDE):
        return False
    return data[-12:-4] == b"\x00\x00\x00\x00IEND"


def check_png_data_url(text: str | None, *, max_bytes: int, display_name: str
                       ) -> CheckedUpload:
    """The PNG a canvas sent as ``data:image/png;base64,…``, checked like an upload;
    raises UploadRejected ('empty', 'size' or 'type')."""
    text = (text or "").strip()
    if not text:
        raise UploadRejected("empty")
    if not text.startswith(PNG_DATA_URL):
        raise UploadRejected("type")
    encoded = text[len(PNG_DATA_URL):]
    # Base64 is 4/3 of the bytes: refuse an oversized one before decoding it.
    if len(encoded) > (max_bytes * 4) // 3 + 4:
        raise UploadRejected("size")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadRejected("type") from exc
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("size")
    if not _is_real_png(data):
        raise UploadRejected("type")
    return CheckedUpload(strip_metadata(data, "image/png"), "image/png", ".png", display_name)
