"""Plugins import only helpdesk.plugin_api from the core."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
ALLOWED = ("helpdesk.plugin_api",)


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_plugins_import_nothing_from_the_core_but_the_plugin_api():
    offenders = []
    for path in sorted(PLUGINS.rglob("*.py")):
        for lineno, module in _imported_modules(path):
            if module == "helpdesk" or module.startswith("helpdesk."):
                if not module.startswith(ALLOWED):
                    offenders.append(f"{path.relative_to(PLUGINS.parent)}:{lineno} {module}")
    assert not offenders, offenders


def test_a_plugin_imports_no_other_plugin():
    offenders = []
    for path in sorted(PLUGINS.rglob("*.py")):
        own = path.relative_to(PLUGINS).parts[0]
        for lineno, module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "plugins" and len(parts) > 1 and parts[1] != own:
                offenders.append(f"{path.relative_to(PLUGINS.parent)}:{lineno} {module}")
    assert not offenders, offenders


def test_the_boundary_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from helpdesk.tickets.models import Ticket\n", encoding="utf-8")
    assert list(_imported_modules(sample)) == [(1, "helpdesk.tickets.models")]
