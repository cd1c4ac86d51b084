"""The core keys on ticket kinds and channel capabilities, never on a channel's key."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment
from jinja2 import nodes as jinja_nodes

from helpdesk.channels.fields import IDENTIFIER_TYPES
from helpdesk.plugin_api.manager import build_registry, installed_plugins
from helpdesk.plugin_api.types import TICKET_KINDS
from helpdesk.volunteers.vocabulary import PROFILE_STATUSES

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "helpdesk"
# Demo data and the bulk seed are not the product: they name the channels whose story
# they tell, and no core module imports them (tests/unit/test_devdata_boundary.py).
DEVDATA = CORE / "devdata"
# A literal the rule allows, by file and the name it is assigned to, each with its reason.
ALLOWED_ASSIGNMENTS = {
    # The robots' trap on the public forms only looks like a channel's key.
    ("helpdesk/web/forms.py", "HONEYPOT_FIELD"),
}
# Words of the core's own vocabularies that a channel's key may share: a ticket kind
# ("volunteering"), a volunteer status ("interview"), a contact's identifier ("phone").
# They are refused only where they stand for a channel.
CORE_WORDS = set(TICKET_KINDS) | set(PROFILE_STATUSES) | set(IDENTIFIER_TYPES)


def channel_keys() -> set[str]:
    registry = build_registry(installed_plugins().items())
    assert not registry.failures, registry.failures
    return set(registry.channels)


KEYS = channel_keys()
SHARED = KEYS & CORE_WORDS
OWN = KEYS - CORE_WORDS
# "channel_website.submit", "channels/website/…": a key inside a channel's name or path.
INSIDE = re.compile(r"\bchannels?[_/](" + "|".join(sorted(KEYS)) + r")\b")


def _mentions_channel(node: ast.AST) -> bool:
    return "channel" in ast.unparse(node).lower()


def _callee(func: ast.AST) -> str:
    """The called function's own name: ``get_channel`` and ``registry.channel`` name a
    channel, ``ticket.channel_data.get`` does not."""
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """The string literals of a value: itself, or the items of a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for item in node.elts:
            yield from _strings(item)


def _standing_for_a_channel(tree: ast.AST) -> set[int]:
    """Ids of the literals used as a channel: assigned to, passed as or compared with
    something named for a channel, or given to a function named for one."""
    found: set[int] = set()
    for node in ast.walk(tree):
        values: list[ast.AST] = []
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(_mentions_channel(t) for t in targets):
                values.append(node.value)
        elif isinstance(node, ast.keyword) and node.arg and "channel" in node.arg.lower():
            values.append(node.value)
        elif isinstance(node, ast.Call) and "channel" in _callee(node.func).lower():
            values.extend(node.args)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_mentions_channel(side) for side in sides
                   if not isinstance(side, ast.Constant | ast.Tuple | ast.List | ast.Set)):
                values.extend(sides)
        for value in values:
            found.update(id(literal) for literal in _strings(value))
    return found


def _allowed(tree: ast.AST, relative: str) -> set[int]:
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
            if any((relative, name) in ALLOWED_ASSIGNMENTS for name in names):
                allowed.update(id(literal) for literal in _strings(node.value))
    return allowed


def python_offences(source: str, relative: str) -> list[str]:
    tree = ast.parse(source, filename=relative)
    as_channel = _standing_for_a_channel(tree)
    allowed = _allowed(tree, relative)
    offences = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in allowed:
            continue
        value = node.value
        if value in OWN or (value in SHARED and id(node) in as_channel) \
                or INSIDE.search(value):
            offences.append(f"{relative}:{node.lineno} {value!r}")
    return offences


def _jinja_names(node: jinja_nodes.Node) -> str:
    names = [n.name for n in node.find_all(jinja_nodes.Name)]
    names += [n.attr for n in node.find_all(jinja_nodes.Getattr)]
    if isinstance(node, jinja_nodes.Name):
        names.append(node.name)
    if isinstance(node, jinja_nodes.Getattr):
        names.append(node.attr)
    return " ".join(names).lower()


def template_offences(source: str, relative: str) -> list[str]:
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do",
                                          "jinja2.ext.loopcontrols"])
    tree = environment.parse(source)
    as_channel: set[int] = set()
    for compare in tree.find_all(jinja_nodes.Compare):
        sides = [compare.expr, *(operand.expr for operand in compare.ops)]
        if any("channel" in _jinja_names(side) for side in sides):
            as_channel.update(id(const) for side in sides
                              for const in [side, *side.find_all(jinja_nodes.Const)]
                              if isinstance(const, jinja_nodes.Const))
    offences = []
    for const in tree.find_all(jinja_nodes.Const):
        value = const.value
        if not isinstance(value, str):
            continue
        if value in OWN or (value in SHARED and id(const) in as_channel) \
                or INSIDE.search(value):
            offences.append(f"{relative}:{const.lineno} {value!r}")
    return offences


def _core_files(pattern: str) -> list[Path]:
    return [path for path in sorted(CORE.rglob(pattern))
            if DEVDATA not in path.parents]


def test_the_built_in_channels_are_the_ones_the_rule_looks_for():
    assert KEYS == {"interview", "phone", "social", "letters", "help_requests",
                    "volunteering", "website", "branch_visits"}


def test_no_core_module_names_a_channel():
    offences = []
    for path in _core_files("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        offences += python_offences(path.read_text(encoding="utf-8"), relative)
    assert not offences, "\n".join(offences)


def test_no_core_template_names_a_channel():
    offences = []
    for path in _core_files("*.html"):
        relative = path.relative_to(ROOT).as_posix()
        offences += template_offences(path.read_text(encoding="utf-8"), relative)
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("source", [
    'CHANNEL_KEY = "website"\n',
    'where = "letters"\n',
    'x = ("social", "branch_visits")\n',
    'endpoint = "channel_website.submit"\n',
    'CHANNEL = "volunteering"\n',
    'if ticket.channel_key == "phone":\n    pass\n',
    'if ticket.channel_key in ("interview", "other"):\n    pass\n',
    'is_channel_active("volunteering")\n',
    'registry.channel("interview")\n',
    'open_ticket(channel_key="phone", kind="inquiry")\n',
])
def test_the_rule_sees_a_channel_named_in_python(source):
    assert python_offences(source, "helpdesk/sample.py")


@pytest.mark.parametrize("source", [
    'if ticket.kind == "volunteering":\n    pass\n',
    'if profile.status == "interview":\n    pass\n',
    'values = {"phone": contact.phone}\n',
    'field = find(answers, "phone")\n',
    'phone = (ticket.channel_data or {}).get("phone")\n',
    'HONEYPOT_FIELD = "website"\n',
])
def test_the_rule_leaves_the_cores_own_words_alone(source):
    assert not python_offences(source, "helpdesk/web/forms.py")


@pytest.mark.parametrize("source", [
    '{% if ticket.channel_key == "website" %}x{% endif %}',
    '{% if key in ("letters", "social") %}x{% endif %}',
    '{% if ticket.channel_key == "phone" %}x{% endif %}',
    '{{ url_for("channel_branch_visits.submit") }}',
])
def test_the_rule_sees_a_channel_named_in_a_template(source):
    assert template_offences(source, "helpdesk/templates/sample.html")


def test_the_rule_leaves_a_kind_alone_in_a_template():
    source = '{% if kind.key == "volunteering" %}x{% endif %}{% if f.type == "phone" %}{% endif %}'
    assert not template_offences(source, "helpdesk/templates/sample.html")
