"""Per-area expectations for the authorization matrix, merged into one table."""

from __future__ import annotations

import importlib
import pkgutil

from tests.web.authz.rules import Rule


def all_expectations() -> dict[str, Rule]:
    merged: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "rules":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for endpoint, rule in module.EXPECTATIONS.items():
            if endpoint in merged:
                raise ValueError(f"{endpoint} is declared twice (again in {info.name})")
            merged[endpoint] = rule
    return merged
