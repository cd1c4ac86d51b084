"""Arabic-aware text normalisation, so that a word matches however it was typed (pure)."""

from __future__ import annotations

import re

# Hamza forms of alef, wasla and the Persian/Urdu letters that keyboards produce for Arabic ones.
_LETTERS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ؤ": "و",
    "ک": "ك",
}
# Tashkeel (fathatan … sukun), superscript alef and tatweel carry no meaning for search.
_REMOVED = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670", "\u0640"]
_DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}

_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **dict.fromkeys(_REMOVED)})
_ASCII_DIGITS = str.maketrans(_DIGITS)
_SPACES = re.compile(r"\s+")
# Letters and digits only: both SQLite's unicode61 tokenizer and PostgreSQL's parser then see
# the same words, separated by single spaces.
_WORD = re.compile(r"[^\W_]+")
# The article and the particles glued to it; a word is also indexed without them.
_ARTICLE_PREFIXES = ("وال", "بال", "فال", "كال", "ال", "لل")
_PARTICLES = frozenset("وفبلك")
_MIN_STEM = 3
_SERVANT = "عبد"


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits to 0-9; nothing else changes."""
    return text.translate(_ASCII_DIGITS)


def normalise(text: str | None) -> str:
    """One spelling for search: alef, taa marbuta, alef maqsura, hamza seats, no diacritics
    or tatweel, Western digits, lower-case Latin, single spaces."""
    if not text:
        return ""
    return _SPACES.sub(" ", text.translate(_TABLE).lower()).strip()


def words(text: str | None) -> list[str]:
    """The normalised words of ``text`` (letters and digits), in order."""
    return _WORD.findall(normalise(text))


def without_prefix(word: str) -> str | None:
    """``word`` without what is glued to its front, when enough of it remains: the article
    (ال، وال، بال، فال، كال، لل) or a one-letter particle before an alef (لأسرة، بأن، وأحمد)."""
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            return word[len(prefix):]
    if len(word) > _MIN_STEM and word[0] in _PARTICLES and word[1] == "ا":
        return word[1:]
    return None


def _variants(word: str, following: str | None) -> list[str]:
    """Other spellings of ``word`` that a search may use."""
    extra: list[str] = []
    stem = without_prefix(word)
    if stem:
        extra.append(stem)
    # Compound names are written joined or apart: عبدالرحمن / عبد الرحمن.
    if word.startswith(_SERVANT + "ال") and len(word) > len(_SERVANT) + 2:
        rest = word[len(_SERVANT):]
        extra += [_SERVANT, rest, without_prefix(rest) or rest]
    elif word == _SERVANT and following and following.startswith("ال"):
        extra.append(word + following)
    return extra


def search_document(*parts: str | None) -> str:
    """The text an index stores: every word of every part, plus each word without its prefix
    (so that «سلة» finds «السلة» and «لأسرة» finds «أسرة») and compound names both joined
    and apart."""
    out: list[str] = []
    for part in parts:
        found = words(part)
        for position, word in enumerate(found):
            following = found[position + 1] if position + 1 < len(found) else None
            out.append(word)
            out.extend(variant for variant in _variants(word, following) if variant != word)
    return " ".join(out)
