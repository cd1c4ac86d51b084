"""The core's imports follow the layer map: one way, no cycles, at the top of modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpdesk.layers import LAYERS, domain_of, layer_of

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "helpdesk"
# The application factory imports the parts it wires together inside its configure_* steps.
FUNCTION_IMPORTS_ALLOWED = {"helpdesk.app"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def _resolve(source: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _known_module(name: str, modules: set[str]) -> str | None:
    """The helpdesk module an imported name refers to (a module, or a name in a module)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports() -> list[Import]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in files}
    found: list[Import] = []
    for path in files:
        source = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                nested.update(id(sub) for sub in ast.walk(node)
                              if isinstance(sub, ast.Import | ast.ImportFrom))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = _resolve(source, node, path.name == "__init__.py")
                targets = [f"{module}.{alias.name}" for alias in node.names]
            for target in targets:
                known = _known_module(target, modules)
                if known and known != source:
                    found.append(Import(source, known, node.lineno, id(node) in nested))
    return found


IMPORTS = _imports()


def _describe(items: list[Import]) -> str:
    return "\n".join(f"  {i.source}:{i.line} imports {i.target} "
                     f"({layer_of(i.source)} -> {layer_of(i.target)})" for i in items)


def test_every_core_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        assert layer_of(_module_name(path)) in LAYERS


def test_no_module_imports_a_higher_layer():
    rank = {name: index for index, name in enumerate(LAYERS)}
    upward = [i for i in IMPORTS if rank[layer_of(i.target)] > rank[layer_of(i.source)]]
    assert not upward, "imports that point up the layer map:\n" + _describe(upward)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _describe_cycles(cycles: list[list[str]]) -> str:
    return "\n".join("  " + ", ".join(cycle) for cycle in cycles)


def test_no_two_modules_import_each_other_in_a_cycle():
    edges: dict[str, set[str]] = defaultdict(set)
    for item in IMPORTS:
        edges[item.source].add(item.target)
    cycles = _cycles(edges)
    assert not cycles, "modules in an import cycle:\n" + _describe_cycles(cycles)


def test_no_two_domains_depend_on_each_other_outside_their_web_modules():
    edges: dict[str, set[str]] = defaultdict(set)
    for item in IMPORTS:
        if layer_of(item.source) == "delivery" or layer_of(item.target) == "delivery":
            continue
        source, target = domain_of(item.source), domain_of(item.target)
        if source != target:
            edges[source].add(target)
    cycles = _cycles(edges)
    assert not cycles, "domains that depend on each other:\n" + _describe_cycles(cycles)


def test_imports_sit_at_the_top_of_modules():
    inside = sorted({(i.source, i.line) for i in IMPORTS
                     if i.in_function and i.source not in FUNCTION_IMPORTS_ALLOWED})
    assert not inside, "imports inside functions:\n" + "\n".join(
        f"  {source}:{line}" for source, line in inside)


@pytest.mark.parametrize("module, layer", [
    ("helpdesk.tickets.services", "tickets"),
    ("helpdesk.tickets.views", "delivery"),
    ("helpdesk.tickets.action_views", "delivery"),
    ("helpdesk.casework.services", "ticket_domains"),
    ("helpdesk.config", "foundation"),
])
def test_the_map_places_modules_by_domain_and_role(module, layer):
    assert layer_of(module) == layer
