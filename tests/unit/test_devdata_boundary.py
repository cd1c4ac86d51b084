"""No module of the core imports the demo and seed package: it sits above every layer."""

from __future__ import annotations

import ast
from pathlib import Path

HELPDESK = Path(__file__).resolve().parents[2] / "helpdesk"
DEVDATA = HELPDESK / "devdata"
ALLOWED = {HELPDESK / "cli.py"}  # `flask helpdesk demo` and `seed`, the only way in


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in ``path`` (or ``source`` read as if there)."""
    text = source if source is not None else path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            package = path.parent
            for _ in range(node.level - 1):
                package = package.parent
            base = ".".join(package.relative_to(HELPDESK.parent).parts)
            module = f"{base}.{node.module}" if node.module else base
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def is_devdata(module: str) -> bool:
    return module == "helpdesk.devdata" or module.startswith("helpdesk.devdata.")


def test_no_module_of_the_core_imports_the_devdata_package():
    offenders = []
    for path in sorted(HELPDESK.rglob("*.py")):
        if path.is_relative_to(DEVDATA) or path in ALLOWED:
            continue
        for lineno, module in imported_modules(path):
            if is_devdata(module):
                offenders.append(f"{path.relative_to(HELPDESK.parent)}:{lineno} {module}")
    assert not offenders, offenders


def test_the_check_sees_every_spelling_of_an_import_of_devdata():
    probe = HELPDESK / "tickets" / "probe.py"  # never written: relative imports resolve here
    for line in ("import helpdesk.devdata.demo", "from helpdesk import devdata",
                 "from helpdesk.devdata.seed import seed", "from ..devdata import demo",
                 "from .. import devdata"):
        assert any(is_devdata(m) for _, m in imported_modules(probe, line)), line
    assert not any(is_devdata(m) for _, m in imported_modules(probe, "from . import demo"))


def test_the_demo_and_seed_modules_live_only_in_devdata():
    for old in ("demo.py", "demo_content.py", "seed.py", "volunteers/demo.py"):
        assert not (HELPDESK / old).exists(), old
