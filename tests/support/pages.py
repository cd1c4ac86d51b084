"""Comparing two rendered pages: the parts that differ by design are masked first."""

from __future__ import annotations

import re

# A CSRF token carries its signing time: two pages rendered a second apart differ there.
CSRF_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")|("X-CSRFToken":\s*")[^"]+(")')


def without_csrf_tokens(html: str) -> str:
    return CSRF_TOKEN.sub(lambda m: f"{m.group(1) or m.group(3)}CSRF{m.group(2) or m.group(4)}",
                          html)
