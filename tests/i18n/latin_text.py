"""Latin-script words a person reads on a page, once names, numbers and codes are set aside."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# What a person reads besides text nodes: tooltips, placeholders, what a screen reader says,
# image descriptions, the confirmation htmx asks for, and the words on input buttons.
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "hx-confirm")
BUTTON_INPUTS = {"submit", "button", "reset"}
# Never shown as text; or, for a textarea, the value of a field (what a person typed).
HIDDEN_ELEMENTS = {"script", "style", "template", "textarea"}
# Codes shown as codes: keys, secrets, tokens.
CODE_ELEMENTS = {"code", "kbd", "samp"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}

# Names, numbers and codes: e-mail addresses, web addresses, file names, identifiers with
# digits or underscores (ticket numbers, service and field keys, signatures such as sha256).
CODES = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"          # e-mail
    r"|\S+\.(?:pdf|png|jpe?g|webp|gif|csv|txt|json|docx?|xlsx?)\b"   # file name
    r"|\b(?:https?|mailto|tel):(?://)?\S*"  # web address
    r"|\bwww\.\S+"
    r"|\b[\w-]*[\d_][\w-]*\b"               # keys and numbers: food_basket, sha256, 2026-000001
)
LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’-]*")

# Latin words an Arabic page uses on purpose: names of file formats, protocols and HTTP
# headers that have no Arabic name (a Saudi reader knows them in Latin), and the date-format
# pattern a form asks for. Anything else in Latin on an Arabic page is a missing translation.
TECHNICAL_TERMS = frozenset({
    "PDF", "JPEG", "JPG", "PNG", "WebP", "CSV", "JSON", "SMTP", "API", "HMAC", "SHA",
    "HTTP", "HTTPS", "Authorization", "Bearer", "Idempotency-Key", "X-Sila-Signature",
    "OpenAPI", "Graph", "YYYY-MM-DD", "XXXXXXXX",
})


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._stack: list[tuple[str, bool]] = []   # (tag, text inside is not read as UI)

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        skip = (self._skipping() or tag in HIDDEN_ELEMENTS or tag in CODE_ELEMENTS
                or bool(lang and not lang.startswith("ar")))
        if not skip:
            self.pieces.extend(value for name, value in attrs
                               if name in READ_ATTRIBUTES and value)
            if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS:
                self.pieces.append(values.get("value") or "")
        if tag not in VOID_ELEMENTS:
            self._stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Tolerate unclosed elements (<p>, <li>): unwind to the matching start tag.
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.pieces.append(data)


def visible_texts(html: str) -> list[str]:
    """The text nodes and read attributes of a page, outside scripts, styles and codes."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


def latin_words(text: str) -> list[str]:
    """The Latin-script words of ``text`` that are not codes or known technical terms."""
    without_codes = CODES.sub(" ", text)
    return [word for word in LATIN_WORD.findall(without_codes)
            if word.strip("'’-") not in TECHNICAL_TERMS]


def english_on_page(html: str) -> list[str]:
    """Each piece of visible text that still holds Latin words (its words, then the text)."""
    found = []
    for text in visible_texts(html):
        words = latin_words(text)
        if words:
            found.append(f"{' '.join(words)!r} in {text[:160]!r}")
    return found
