"""Front-end files travel light: compressed when the browser accepts it, cached for a year
under a versioned URL, revalidated otherwise; icons inline as SVG for the portal."""

from __future__ import annotations

import gzip
import re

from flask import url_for

from helpdesk.config import PROJECT_ROOT
from helpdesk.web.assets import inline_icon

BOOTSTRAP_RTL = PROJECT_ROOT / "node_modules/bootstrap/dist/css/bootstrap.rtl.min.css"
SILA_CSS = PROJECT_ROOT / "helpdesk/static/css/sila.css"


def versioned(app, endpoint: str, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_a_stylesheet_is_sent_gzipped_to_a_browser_that_accepts_it(app, client):
    url = versioned(app, "assets.vendor", package="bootstrap",
                    filename="css/bootstrap.rtl.min.css")
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/css")
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == BOOTSTRAP_RTL.read_bytes()
    assert len(body) < BOOTSTRAP_RTL.stat().st_size / 4


def test_the_same_file_goes_uncompressed_to_a_client_that_does_not_accept_gzip(app, client):
    url = versioned(app, "assets.vendor", package="bootstrap",
                    filename="css/bootstrap.rtl.min.css")
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0"}):
        response = client.get(url, headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == BOOTSTRAP_RTL.read_bytes()
        assert "Accept-Encoding" in response.headers["Vary"]
        response.close()


def test_a_compressed_file_is_revalidated_with_its_etag(app, client):
    url = versioned(app, "static", filename="css/sila.css")
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.get_data()) == SILA_CSS.read_bytes()
    again = client.get(url, headers={"Accept-Encoding": "gzip",
                                     "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_versioned_urls_are_cached_for_a_year_and_others_are_revalidated(app, client):
    vendor = versioned(app, "assets.vendor", package="htmx", filename="htmx.min.js")
    static = versioned(app, "static", filename="css/sila.css")
    assert re.search(r"\?v=2\.\d+\.\d+$", vendor)
    assert re.search(r"\?v=[0-9a-f]{12}$", static)
    for url in (vendor, static):
        cached = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "max-age=31536000" in cached.headers["Cache-Control"]
        assert "immutable" in cached.headers["Cache-Control"]
        stale = client.get(url.split("?")[0] + "?v=old", headers={"Accept-Encoding": "gzip"})
        assert "max-age=31536000" not in stale.headers["Cache-Control"]
        assert "no-cache" in stale.headers["Cache-Control"] \
            or "max-age=0" in stale.headers["Cache-Control"]


def test_fonts_are_sent_as_they_are(client):
    response = client.get("/vendor/noto-sans-arabic/files/"
                          "noto-sans-arabic-arabic-400-normal.woff2",
                          headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    response.close()


def test_only_the_listed_packages_and_existing_files_are_reachable(client):
    assert client.get("/vendor/left-pad/index.js").status_code == 404
    assert client.get("/vendor/bootstrap/../package.json").status_code == 404
    assert client.get("/vendor/bootstrap/css/none.css",
                      headers={"Accept-Encoding": "gzip"}).status_code == 404
    assert client.get("/static/css/none.css").status_code == 404


def test_an_icon_is_inlined_as_decorative_svg_and_an_unknown_one_as_nothing(app):
    svg = str(inline_icon("globe2"))
    assert svg.startswith('<svg class="sila-icon"')
    assert 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    assert str(inline_icon("no-such-icon")) == ""
    assert str(inline_icon("../../package")) == ""


def test_portal_pages_load_no_icon_font(client):
    page = client.get("/portal").get_data(as_text=True)
    assert "bootstrap-icons" not in page
    assert '<svg class="sila-icon"' in page
