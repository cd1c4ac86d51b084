"""Removing the metadata a photo carries (EXIF: the place it was taken, the camera, the
time; XMP; IPTC) from JPEG, PNG and WebP files, without decoding the image itself.

Pure byte surgery on the container: the picture's data is left exactly as it was. A file
whose structure is not what its type promises is returned unchanged (the type check has
already accepted it by its first bytes; it is served as uploaded, and never run)."""

from __future__ import annotations

import struct

# JPEG application segments that hold metadata: APP1 (EXIF, XMP), APP13 (IPTC/Photoshop).
# APP0 (JFIF), APP2 (the colour profile) and APP14 (Adobe colour transform) stay: the
# picture's colours depend on them.
_JPEG_METADATA = {0xE1, 0xED}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}   # TEM, RST0-7: markers without a length
# PNG chunks that hold metadata: EXIF, and text (comments, the software, XMP in iTXt).
_PNG_METADATA = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}
_WEBP_METADATA = {b"EXIF", b"XMP "}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def strip_metadata(data: bytes, content_type: str) -> bytes:
    try:
        if content_type == "image/jpeg":
            return _strip_jpeg(data)
        if content_type == "image/png":
            return _strip_png(data)
        if content_type == "image/webp":
            return _strip_webp(data)
    except (IndexError, struct.error, ValueError):
        return data
    return data


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    out = bytearray(b"\xff\xd8")
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ValueError("lost in the JPEG's segments")
        marker = data[position + 1]
        if marker == 0xFF:              # fill byte before a marker
            position += 1
            continue
        if marker in _JPEG_STANDALONE:
            out += data[position:position + 2]
            position += 2
            continue
        if marker in (0xDA, 0xD9):      # start of scan (the image data) or the end: keep all
            out += data[position:]
            return bytes(out)
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise ValueError("a JPEG segment runs past the end")
        if marker not in _JPEG_METADATA:
            out += data[position:end]
        position = end
    return bytes(out)


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    position = 8
    while position < len(data):
        length = struct.unpack(">I", data[position:position + 4])[0]
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("a PNG chunk runs past the end")
        if kind not in _PNG_METADATA:
            out += data[position:end]
        position = end
        if kind == b"IEND":
            break
    return bytes(out)


def _strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks = bytearray()
    position = 12
    while position + 8 <= len(data):
        kind = data[position:position + 4]
        size = struct.unpack("<I", data[position + 4:position + 8])[0]
        end = position + 8 + size + (size & 1)     # chunks are padded to an even size
        if end > len(data) + 1:
            raise ValueError("a WebP chunk runs past the end")
        chunk = bytearray(data[position:min(end, len(data))])
        if kind == b"VP8X" and len(chunk) > 8:
            chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
        if kind not in _WEBP_METADATA:
            chunks += chunk
        position = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)
