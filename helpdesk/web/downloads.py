"""Sending a stored file (a ticket's attachment) safely, to staff or to the person.

The file is always named by the person's original name (RFC 5987 for Arabic) and comes as
a download unless it is an image or a PDF asked for inline; it is never cached, never
sniffed into another type, and an inline file runs no script of ours.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from flask import Response

from helpdesk.tickets.attachments import AttachmentFile

# An inline file is shown alone: no scripts, no frames around it, nothing loaded from it.
INLINE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " \
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Images can also be sandboxed (a PDF viewer refuses to open in a sandbox).
IMAGE_POLICY = INLINE_POLICY + "; sandbox"
DOWNLOAD_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


def content_disposition(kind: str, name: str, fallback_stem: str) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…``: the plain name for old clients
    (ASCII letters, digits and a few signs, else ``fallback_stem`` and the extension),
    the exact name percent-encoded for the others."""
    suffix = PurePosixPath(name).suffix
    ascii_name = name if re.fullmatch(r"[A-Za-z0-9 ._()\-]+", name) else ""
    if not ascii_name.strip(" ."):
        clean_suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""
        ascii_name = fallback_stem + clean_suffix
    value = f'{kind}; filename="{ascii_name}"'
    if ascii_name != name:
        value += "; filename*=UTF-8''" + quote(name, safe="!#$&+-.^_`|~")
    return value


def send_attachment(file: AttachmentFile, *, inline: bool = False) -> Response:
    """The file's response: its stored type when it is an accepted document type (else
    application/octet-stream), as a download unless ``inline`` is asked for a type that
    may be shown (images and PDF)."""
    inline = inline and file.may_be_inline
    response = Response(file.data, mimetype=file.content_type)
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", file.download_name,
        f"attachment-{file.attachment.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    if not inline:
        policy = DOWNLOAD_POLICY
    elif file.content_type.startswith("image/"):
        policy = IMAGE_POLICY
    else:
        policy = INLINE_POLICY
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
