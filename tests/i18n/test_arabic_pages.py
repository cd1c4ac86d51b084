"""Every page a person reaches, staff (each role) and public, reads in Arabic: no Latin-script
text outside names, numbers and codes. The pages come from the app's URL map, so a new page
is checked without touching this test."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask import Flask, url_for
from werkzeug.routing import Rule

from helpdesk.accounts.roles import ROLES
from tests.conftest import PASSWORD
from tests.i18n.association import Association, build_association
from tests.i18n.latin_text import english_on_page, latin_words, visible_texts
from tests.i18n.test_catalogs import ARABIC_PO, PLACEHOLDER

# Routes not read as pages, each with the reason.
EXCLUDED = {
    "static": "files (stylesheets, icons), not pages",
    "assets.vendor": "third-party files (htmx, Bootstrap, fonts), not pages",
    "home.logo": "the association's logo, an image",
    "health.healthz": "a JSON answer for the monitoring system",
    "api_docs.openapi_json": "the machine-readable OpenAPI document",
    "api_docs.docs": "the API reference for developers: its operations and schemas come from "
                     "the OpenAPI document, in English like the API's own field names and "
                     "codes (the page's headings and introduction are translated)",
    "tickets.export": "a CSV download; its headings are checked in tests/web/test_export.py",
    "reports.export": "a CSV or XLSX download of a report; checked in tests/web/test_reports.py",
    "tickets.attachment": "a stored file, sent as uploaded",
    "portal.attachment": "a stored file, sent as uploaded",
    "webhooks.verify_subscription": "the provider's subscription handshake (echoes its "
                                    "challenge as plain text)",
    "channel_branch_visits.visits_script": "the visit form's script (its words come from the "
                                           "page's translated attributes)",
    "channel_branch_visits.service_worker": "the service worker's script",
    "channel_branch_visits.lookup": "a JSON answer for the visit form's script",
    "notifications.open_one": "marks a notification read and redirects to its ticket's page",
}
# The JSON API answers in the client's language (tests/web/test_api.py): not a page.
EXCLUDED_PREFIXES = ("api.",)

# Which of the association's values fills a URL variable: by variable name, or for a name
# that means different things on different routes, by endpoint and name.
VALUES_BY_ENDPOINT = {
    ("admin.channel_settings", "key"): "channel_key",
    ("services_catalog.edit", "key"): "service_key",
}
SAMPLES_PER_VARIABLE = 20
# Pages that draw something else for each value of a query argument: argument -> values.
QUERY_VARIANTS = {
    "intake.new": {"channel": "channel_key"},       # the staff form of each channel
    "tickets.queue": {"view": "queue_view"},        # the saved views, some empty
}


def _page_rules(app: Flask) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in EXCLUDED
                   and not rule.endpoint.startswith(EXCLUDED_PREFIXES)),
                  key=lambda rule: rule.rule)


def _urls(app: Flask, world: Association) -> Iterator[str]:
    """Each page's URL, once per value the association has for its variables."""
    unknown = []
    for rule in _page_rules(app):
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices = []
        for name in names:
            values = world.url_values.get(VALUES_BY_ENDPOINT.get((rule.endpoint, name), name))
            if not values:
                unknown.append(f"{rule.endpoint} ({rule.rule}): no value for <{name}>")
            choices.append((values or [])[:SAMPLES_PER_VARIABLE])
        for combination in itertools.product(*choices):
            values = dict(zip(names, combination, strict=True))
            yield url_for(rule.endpoint, **values)
            for argument, source in QUERY_VARIANTS.get(rule.endpoint, {}).items():
                for value in world.url_values[source]:
                    yield url_for(rule.endpoint, **values, **{argument: value})
    assert not unknown, (
        "Give tests/i18n/association.py a value for these URL variables (or, for a route "
        "that is not a page, add it to EXCLUDED with the reason):\n" + "\n".join(unknown))


@pytest.fixture
def world(app: Flask) -> Association:
    return build_association(app)


HIJRI_SUFFIX = "هـ"


class _Times(HTMLParser):
    """Each <time> element's visible text and title."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "time":
            self._open.append([dict(attrs).get("title") or "", ""])

    def handle_data(self, data):
        for item in self._open:
            item[1] += data

    def handle_endtag(self, tag):
        if tag == "time" and self._open:
            title, text = self._open.pop()
            self.found.append((title, " ".join(text.split())))


def dates_without_hijri(html: str) -> list[str]:
    """Dates a person reads (<time> elements) with no Hijri date in their text or title."""
    parser = _Times()
    parser.feed(html)
    return [text for title, text in parser.found
            if HIJRI_SUFFIX not in text and HIJRI_SUFFIX not in title]


def _visit(client, url: str, who: str, leaks: dict[str, set[str]], errors: list[str]) -> None:
    # Followed: a page may first make its draft (a new application form), or send a visitor
    # to sign in (where the message it flashes is read).
    response = client.get(url, headers={"Accept-Language": "ar"}, follow_redirects=True)
    if response.mimetype == "text/html":  # a page (a JSON or file answer is not read here)
        if response.status_code >= 500:
            errors.append(f"{url} as {who}: {response.status_code}")
        html = response.get_data(as_text=True)
        for leak in english_on_page(html):
            leaks[leak].add(f"{url} as {who}")
        for date in dates_without_hijri(html):
            leaks[f"a date without its Hijri twin: {date!r}"].add(f"{url} as {who}")
    response.close()


def test_every_page_for_every_role_and_for_a_visitor_reads_in_arabic(app, world):
    with app.test_request_context():
        urls = list(_urls(app, world))
    assert len(urls) > 40
    leaks: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    for role in [None, *ROLES]:
        client = app.test_client()
        if role is not None:
            user = world.users[role]
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
        for url in urls:
            _visit(client, url, role or "a visitor", leaks, errors)
    assert not errors, "\n".join(errors)
    report = [f"{leak}\n    on {', '.join(sorted(where)[:3])}"
              + (f" and {len(where) - 3} more" if len(where) > 3 else "")
              for leak, where in sorted(leaks.items())]
    assert not report, f"{len(report)} English texts on Arabic pages:\n" + "\n".join(report)


def test_a_date_without_its_hijri_twin_is_found():
    assert dates_without_hijri('<time datetime="x">2 ديسمبر 2026 · 2:16 ص</time>') == \
        ["2 ديسمبر 2026 · 2:16 ص"]
    assert dates_without_hijri('<time title="22 جمادى الآخرة 1448 هـ">قبل ساعة</time>') == []


def test_no_arabic_translation_keeps_an_english_word():
    """Also the messages no page shows until something goes wrong."""
    with ARABIC_PO.open("rb") as po_file:
        catalog = read_po(po_file)
    english = []
    for entry in catalog:
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for form in forms:
            words = latin_words(PLACEHOLDER.sub(" ", form or ""))
            if entry.id and words:
                english.append(f"{words} in {form!r}")
    assert not english, "\n".join(english)


# ---------------------------------------------------------------------------------------
# The detector itself


def test_the_detector_reads_text_and_the_attributes_people_read_but_not_scripts_or_codes():
    html = ("<html><head><title>Tickets</title><style>.x{}</style></head><body>"
            "<script>var a = 'Hidden';</script><p>طلب <b>Pending</b></p>"
            "<input placeholder='Search' value='typed'><img alt='Logo' src='/a.png'>"
            "<button aria-label='Close'>×</button><span title='Due'>١</span>"
            "<code>food_basket secret</code><button lang='en'>English</button></body></html>")
    assert visible_texts(html) == ["Tickets", "طلب", "Pending", "Search", "Logo", "Close",
                                   "×", "Due", "١"]


def test_names_numbers_and_codes_are_not_english_text():
    assert latin_words("التذكرة 2026-000123 من noura@example.org على https://example.org/t/x "
                       "للخدمة food_basket بالتوقيع sha256 والجوال +966551234567") == []
    assert latin_words("أرفق ملفًا بصيغة PDF أو PNG") == []
    assert latin_words("اشتراكات Webhook") == ["Webhook"]
    assert latin_words("(website)") == ["website"]
