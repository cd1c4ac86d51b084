"""The Arabic catalog covers every string in the code, in all six plural forms, correctly."""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import get_locale, ngettext

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
ARABIC_PO = TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po"
ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

# Babel's default for Arabic swaps forms 4 and 5 (Babel issue #816).
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5);"
)
CLDR_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

# The same keywords and skipped folders as `make extract` (see the Makefile).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
SKIPPED_FOLDERS = {"__pycache__", "node_modules"}

OPEN_TICKETS = ("%(count)s open ticket", "%(count)s open tickets")
FIELDS_TO_CORRECT = ("Please correct the field marked below.",
                     "Please correct the %(count)s fields marked below.")

PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<kind>.)", re.S
)


def _keep_folder(path: str) -> bool:
    # Babel's own default also skips folders starting with "_", which hides templates/_macros.
    name = os.path.basename(path)
    return not name.startswith(".") and name not in SKIPPED_FOLDERS


def _read(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


@pytest.fixture(scope="module")
def in_the_code() -> dict[tuple[str, str | None], tuple[tuple[str, ...], list[str]]]:
    """(msgid, context) -> (all ids, where they are used), extracted as `make extract` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    found: dict[tuple[str, str | None], tuple[tuple[str, ...], list[str]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=_keep_folder):
        ids = message if isinstance(message, tuple) else (message,)
        key = (ids[0], context)
        found.setdefault(key, (tuple(ids), []))[1].append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def arabic() -> Catalog:
    return _read(ARABIC_PO)


def _single_value_forms(catalog: Catalog) -> set[int]:
    """Forms chosen for exactly one count (Arabic 0, 1 and 2): they may spell the number out."""
    plural = gettext.c2py(catalog.plural_expr)
    uses: dict[int, int] = {}
    for n in range(1000):
        uses[plural(n)] = uses.get(plural(n), 0) + 1
    return {form for form, count in uses.items() if count == 1}


def _placeholders(text: str) -> set[tuple[str | None, str]]:
    return {(m["name"], m["kind"]) for m in PLACEHOLDER.finditer(text) if m["kind"] != "%"}


def _formats_cleanly(text: str, names: set[str | None]) -> str | None:
    """The error Python raises when formatting the translation as Flask-Babel does, if any."""
    values = {name: 7 for name in names if name is not None}
    try:
        text % (values or {"unused": 0})
    except (KeyError, TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def test_the_extraction_sees_lazy_labels_templates_macros_and_plurals(in_the_code):
    assert ("Inquiry", None) in in_the_code  # _l() at import time
    assert ("Sign in to Sila", None) in in_the_code  # a template
    assert ("Active", None) in in_the_code  # templates/_macros, which Babel skips by default
    assert in_the_code[(OPEN_TICKETS[0], None)][0] == OPEN_TICKETS  # {% trans count %}


def test_every_message_in_the_code_is_translated_into_arabic(in_the_code, arabic):
    problems = []
    for (msgid, context), (ids, used_in) in sorted(in_the_code.items()):
        where = ", ".join(used_in[:3])
        entry = arabic.get(msgid, context)
        if entry is None:
            problems.append(f"missing       {msgid!r}  ({where})")
        elif tuple(entry.id if entry.pluralizable else (entry.id,)) != ids:
            problems.append(f"out of date   {msgid!r}: the code now says {ids!r}  ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy         {msgid!r}  ({where})")
        elif entry.pluralizable:
            forms = entry.string
            if len(forms) != arabic.num_plurals or not all(forms):
                empty = [i for i in range(arabic.num_plurals) if i >= len(forms) or not forms[i]]
                problems.append(f"plural forms {empty} empty  {msgid!r}  ({where})")
        elif not entry.string:
            problems.append(f"untranslated  {msgid!r}  ({where})")
    assert not problems, (
        "Run `make update-catalogs`, then translate in translations/ar/LC_MESSAGES/messages.po:\n"
        + "\n".join(problems))


def test_the_arabic_catalog_has_no_fuzzy_header_or_entries(arabic):
    # pybabel compile skips a whole catalog whose header is fuzzy.
    assert not arabic.fuzzy
    assert [entry.id for entry in arabic if entry.id and entry.fuzzy] == []


def test_the_arabic_header_has_the_correct_plural_formula(arabic):
    assert arabic.plural_forms == ARABIC_PLURAL_FORMS


def test_the_arabic_plural_formula_agrees_with_cldr_for_every_count_up_to_a_thousand(arabic):
    plural = gettext.c2py(arabic.plural_expr)
    cldr = Locale("ar")
    wrong = [n for n in range(1001) if CLDR_CATEGORIES[plural(n)] != cldr.plural_form(n)]
    assert wrong == []


def test_translations_keep_the_python_format_placeholders_of_their_msgid(arabic):
    single_value_forms = _single_value_forms(arabic)
    problems = []
    for entry in arabic:
        if not entry.id:
            continue
        ids = entry.id if entry.pluralizable else (entry.id,)
        expected = set().union(*(_placeholders(msgid) for msgid in ids))
        if not expected and "python-format" not in entry.flags:
            continue
        forms = entry.string if entry.pluralizable else (entry.string,)
        for index, text in enumerate(forms):
            if not text:
                continue
            found = _placeholders(text)
            may_omit = entry.pluralizable and index in single_value_forms
            if found - expected or (not may_omit and found != expected):
                problems.append(f"{ids[0]!r} form {index}: {sorted(found, key=str)} "
                                f"instead of {sorted(expected, key=str)}")
            error = _formats_cleanly(text, {name for name, _kind in expected})
            if error:
                problems.append(f"{ids[0]!r} form {index}: {error}")
    assert not problems, "\n".join(problems)


def test_the_english_catalog_is_valid_and_falls_back_to_the_msgids():
    english = _read(ENGLISH_PO)
    assert str(english.locale) == "en"
    assert english.num_plurals == 2
    assert not english.fuzzy
    assert [entry.id for entry in english if entry.id and entry.fuzzy] == []


def test_open_ticket_counts_take_each_of_the_six_arabic_forms(in_locale):
    expected = {
        0: "لا توجد تذاكر مفتوحة",
        1: "تذكرة مفتوحة واحدة",
        2: "تذكرتان مفتوحتان",
        3: "3 تذاكر مفتوحة",
        11: "11 تذكرة مفتوحة",
        100: "100 تذكرة مفتوحة",
    }
    with in_locale("ar"):
        assert str(get_locale()) == "ar"
        said = {n: ngettext(*OPEN_TICKETS, n, count=n) for n in expected}
    assert said == expected


def test_fields_to_correct_tell_forms_four_and_five_apart(in_locale):
    # Forms 4 (11–99) and 5 (100 and up) differ here, so a swapped formula shows.
    expected = {
        0: "لا توجد حقول تحتاج إلى تصحيح.",
        1: "يُرجى تصحيح الحقل المحدد أدناه.",
        2: "يُرجى تصحيح الحقلين المحددين أدناه.",
        3: "يُرجى تصحيح 3 حقول محددة أدناه.",
        11: "يُرجى تصحيح 11 حقلًا محددًا أدناه.",
        100: "يُرجى تصحيح 100 حقل محدد أدناه.",
        102: "يُرجى تصحيح 102 حقل محدد أدناه.",
        111: "يُرجى تصحيح 111 حقلًا محددًا أدناه.",
    }
    with in_locale("ar"):
        said = {n: ngettext(*FIELDS_TO_CORRECT, n, count=n) for n in expected}
    assert said == expected


def test_english_counts_use_the_msgids(in_locale):
    with in_locale("en"):
        said = [ngettext(*OPEN_TICKETS, n, count=n) for n in (0, 1, 2)]
    assert said == ["0 open tickets", "1 open ticket", "2 open tickets"]


def test_the_home_page_counts_open_tickets_in_arabic_and_in_english(client, make_user, login):
    login(make_user("agent"))
    assert "لا توجد تذاكر مفتوحة" in client.get("/").get_data(as_text=True)
    client.post("/locale", data={"locale": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert "0 open tickets" in html
    assert "لا توجد تذاكر مفتوحة" not in html
