"""A photo's metadata (EXIF, XMP, IPTC, text) is removed; its picture is kept byte for byte."""

from __future__ import annotations

import io
import struct

from werkzeug.datastructures import FileStorage

from helpdesk.image_metadata import strip_metadata
from tests.support.png import _chunk, png

EXIF = b"Exif\x00\x00MM\x00*" + b"GPS 24.7136N 46.6753E"


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*segments: bytes) -> bytes:
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\x00\x56" + b"\xff\xd9"
    return b"\xff\xd8" + b"".join(segments) + scan


JFIF = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
PROFILE = segment(0xE2, b"ICC_PROFILE\x00colours")
TABLE = segment(0xDB, b"\x00" + bytes(range(64)))


def test_a_jpeg_loses_its_exif_and_iptc_and_keeps_its_picture_and_colours():
    photo = jpeg(JFIF, segment(0xE1, EXIF), PROFILE, segment(0xED, b"Photoshop 3.0\x00IPTC"),
                 TABLE)
    clean = strip_metadata(photo, "image/jpeg")
    assert b"Exif" not in clean and b"GPS" not in clean and b"IPTC" not in clean
    assert clean == jpeg(JFIF, PROFILE, TABLE)


def test_a_png_loses_its_exif_and_text_chunks():
    plain = png()
    tagged = plain[:33] + _chunk(b"eXIf", EXIF) + _chunk(b"tEXt", b"Author\x00someone") \
        + plain[33:]
    assert strip_metadata(tagged, "image/png") == plain


def riff(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def test_a_webp_loses_its_exif_and_xmp_and_says_so_in_its_header():
    header = bytearray(webp_chunk(b"VP8X", bytes([0x0C, 0, 0, 0]) + b"\x09\x00\x00\x09\x00\x00"))
    picture = webp_chunk(b"VP8 ", b"picture-bytes")
    photo = riff(bytes(header), picture, webp_chunk(b"EXIF", EXIF),
                 webp_chunk(b"XMP ", b"<x:xmpmeta/>"))
    clean = strip_metadata(photo, "image/webp")
    header[8] = 0
    assert clean == riff(bytes(header), picture)


def test_a_file_that_is_not_what_its_first_bytes_say_is_left_as_it_is():
    broken = b"\xff\xd8\xff\xe1\xff\xff short"
    assert strip_metadata(broken, "image/jpeg") == broken
    assert strip_metadata(b"%PDF-1.7 Exif", "application/pdf") == b"%PDF-1.7 Exif"


def test_every_checked_upload_is_stripped(app):
    from helpdesk.uploads import check_upload

    photo = jpeg(JFIF, segment(0xE1, EXIF), TABLE)
    checked = check_upload(FileStorage(io.BytesIO(photo), "صورة.jpg"),
                           allowed_types={"image/jpeg"}, max_bytes=10_000)
    assert b"Exif" not in checked.data and checked.display_name == "صورة.jpg"
