"""Serves the pinned front-end libraries straight from node_modules (never copied in), and
the app's own static files: gzip-compressed when the browser accepts it, cached for a year
when the URL carries the file's version, and icons inlined as SVG where a page must stay
light (the portal)."""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, send_from_directory
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.security import safe_join

from helpdesk.config import PROJECT_ROOT

bp = Blueprint("assets", __name__)

# Only these folders of the installed packages are reachable.
VENDOR_FOLDERS = {
    "htmx": "htmx.org/dist",
    "bootstrap": "bootstrap/dist",
    "bootstrap-icons": "bootstrap-icons/font",
    "chartjs": "chart.js/dist",
    "noto-sans-arabic": "@fontsource/noto-sans-arabic",
}
# The npm package each vendor folder belongs to: its version goes into the URL.
VENDOR_PACKAGES = {"htmx": "htmx.org", "bootstrap": "bootstrap",
                   "bootstrap-icons": "bootstrap-icons", "chartjs": "chart.js",
                   "noto-sans-arabic": "@fontsource/noto-sans-arabic"}
NODE_MODULES = PROJECT_ROOT / "node_modules"
ICONS = NODE_MODULES / "bootstrap-icons" / "icons"
ONE_YEAR = 365 * 24 * 3600
# Text formats worth compressing; fonts (woff2) and images are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_COMPRESS_BYTES = 1024
ICON_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ---------------------------------------------------------------------------------------
# Compressed once, kept in memory

@dataclass(frozen=True)
class _Compressed:
    data: bytes
    etag: str


_compressed_cache: dict[tuple[str, int, int], _Compressed] = {}
_cache_lock = threading.Lock()


def _compressed(path: Path) -> _Compressed:
    """The gzip form of a file, compressed once per (path, modification time, size)."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        found = _compressed_cache.get(key)
    if found is not None:
        return found
    raw = path.read_bytes()
    # mtime=0: the same bytes for the same file, so the ETag stays meaningful.
    made = _Compressed(gzip.compress(raw, compresslevel=9, mtime=0),
                       hashlib.sha256(raw).hexdigest()[:32] + "-gz")
    with _cache_lock:
        for stale in [k for k in _compressed_cache if k[0] == key[0]]:
            del _compressed_cache[stale]
        _compressed_cache[key] = made
    return made


def _is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and mimetype.startswith(COMPRESSIBLE)


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def send_asset(folder: Path | str, filename: str, *, max_age: int,
               immutable: bool = False) -> Response:
    """One file of ``folder``: gzip when the client accepts it (same ETag scheme, correct
    length, Vary: Accept-Encoding), else the file as it is."""
    found = safe_join(str(folder), filename)
    if found is None or not Path(found).is_file():
        abort(404)
    path = Path(found)
    mimetype = mimetypes.guess_type(path.name)[0]
    compressible = _is_compressible(mimetype)
    if compressible and path.stat().st_size >= MIN_COMPRESS_BYTES and _accepts_gzip():
        packed = _compressed(path)
        if mimetype.startswith("text/"):
            mimetype += "; charset=utf-8"
        response = Response(packed.data, content_type=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(packed.etag)
        response.last_modified = int(path.stat().st_mtime)
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        if not max_age:
            response.cache_control.no_cache = True
        response.make_conditional(request)
    else:
        response = send_from_directory(str(folder), filename, max_age=max_age)
    if immutable and max_age:
        response.cache_control.immutable = True
    if compressible:
        response.vary.add("Accept-Encoding")
    return response


# ---------------------------------------------------------------------------------------
# Versioned URLs: a year in the browser's cache, a new URL when the file changes

@lru_cache(maxsize=32)
def package_version(package: str) -> str:
    try:
        return str(json.loads((NODE_MODULES / package / "package.json").read_text())
                   ["version"])
    except (OSError, ValueError, KeyError):
        return ""


_static_versions: dict[tuple[str, int], str] = {}


def static_version(app: Flask, filename: str) -> str:
    """A short hash of a static file's content ('' when there is no such file)."""
    found = safe_join(str(app.static_folder), filename)
    if found is None or not Path(found).is_file():
        return ""
    path = Path(found)
    key = (str(path), path.stat().st_mtime_ns)
    version = _static_versions.get(key)
    if version is None:
        version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        _static_versions[key] = version
    return version


@bp.app_url_defaults
def add_asset_versions(endpoint: str, values: dict) -> None:
    if "v" in values:
        return
    if endpoint == "static" and values.get("filename"):
        version = static_version(current_app, values["filename"])
    elif endpoint == "assets.vendor" and values.get("package") in VENDOR_PACKAGES:
        version = package_version(VENDOR_PACKAGES[values["package"]])
    else:
        return
    if version:
        values["v"] = version


def _cache_age(expected_version: str) -> int:
    """A year for a URL that names the current version; else revalidate every time."""
    if current_app.debug or not expected_version:
        return 0
    return ONE_YEAR if request.args.get("v") == expected_version else 0


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> ResponseReturnValue:
    folder = VENDOR_FOLDERS.get(package)
    if folder is None:
        abort(404)
    max_age = _cache_age(package_version(VENDOR_PACKAGES[package]))
    return send_asset(NODE_MODULES / folder, filename, max_age=max_age, immutable=True)


def static_file(filename: str) -> Response:
    """The app's static files, served like the vendor files (replaces Flask's own view)."""
    app = current_app._get_current_object()
    max_age = _cache_age(static_version(app, filename))
    return send_asset(str(app.static_folder), filename, max_age=max_age, immutable=True)


@bp.record_once
def _serve_static_files(state) -> None:
    if state.app.static_folder and "static" in state.app.view_functions:
        state.app.view_functions["static"] = static_file


# ---------------------------------------------------------------------------------------
# Inline icons

@lru_cache(maxsize=256)
def _icon_svg(name: str) -> str:
    if not ICON_NAME.match(name):
        return ""
    try:
        svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return ""
    svg = re.sub(r'\s(?:class|width|height)="[^"]*"', "", svg, count=3)
    return svg.replace("<svg ", '<svg class="sila-icon" width="1em" height="1em" '
                                'aria-hidden="true" focusable="false" ', 1).strip()


@bp.app_template_global("inline_icon")
def inline_icon(name: str) -> Markup:
    """A Bootstrap icon as inline SVG (decorative: hidden from screen readers), for pages
    that must not load the icon font; nothing when the icon is unknown."""
    return Markup(_icon_svg(str(name)))
