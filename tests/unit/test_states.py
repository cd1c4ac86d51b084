"""The lifecycle table: one test per row, and the table's own invariants."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpdesk.accounts.roles import PERMISSIONS
from helpdesk.tickets import errors, states
from helpdesk.tickets.errors import InvalidTransition
from helpdesk.tickets.states import (
    ACTIONS,
    EVERY_KIND,
    FULL_PATH,
    SHORT_PATH,
    STATUSES,
    TRANSITIONS,
    allowed_actions,
    next_status,
)
from helpdesk.tickets.vocabulary import ACTIONS as ACTION_LABELS
from helpdesk.tickets.vocabulary import KINDS
from helpdesk.tickets.vocabulary import STATUSES as STATUS_LABELS


def _row_id(row: states.Transition) -> str:
    return f"{row.from_status}-{row.action}-{row.to_status}"


@pytest.mark.parametrize("row", TRANSITIONS, ids=_row_id)
def test_each_row_moves_every_kind_it_names_and_no_other(row):
    for kind in sorted(EVERY_KIND):
        if kind in row.kinds:
            assert next_status(kind, row.from_status, row.action) == row.to_status
        elif not any(other.from_status == row.from_status and other.action == row.action
                     and kind in other.kinds for other in TRANSITIONS):
            with pytest.raises(InvalidTransition):
                next_status(kind, row.from_status, row.action)


@pytest.mark.parametrize("row", TRANSITIONS, ids=_row_id)
def test_each_row_is_offered_only_to_holders_of_its_permission(row):
    kind = sorted(row.kinds)[0]
    assert row.action in allowed_actions(kind, row.from_status, {row.permission})
    assert row.action not in allowed_actions(kind, row.from_status, set())


def test_no_two_rows_claim_the_same_kind_status_and_action():
    seen = set()
    for row in TRANSITIONS:
        for kind in row.kinds:
            key = (kind, row.from_status, row.action)
            assert key not in seen, key
            seen.add(key)


def test_the_table_speaks_only_of_known_statuses_actions_kinds_and_permissions():
    granted = set().union(*PERMISSIONS.values())
    for row in TRANSITIONS:
        assert row.from_status in STATUSES and row.to_status in STATUSES
        assert row.action in ACTIONS
        assert row.kinds and row.kinds <= set(KINDS)
        assert row.permission in granted, f"no role holds {row.permission}"


def test_every_status_action_and_kind_has_a_label():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert set(ACTION_LABELS) == set(ACTIONS)
    assert EVERY_KIND == set(KINDS)


def test_the_short_path_runs_from_new_to_closed():
    status = "new"
    for action in ("start", "resolve", "close"):
        status = next_status("complaint", status, action)
    assert status == "closed"


def test_the_full_path_runs_through_the_committee_to_closed():
    status = "new"
    for action in ("request_information", "information_received", "refer", "return_referral",
                   "send_to_committee", "defer", "approve", "register", "deliver", "close"):
        status = next_status("support_request", status, action)
    assert status == "closed"


def test_a_volunteer_is_accepted_then_the_application_closed():
    status = next_status("volunteering", "in_progress", "approve")
    assert status == "approved"
    assert next_status("volunteering", status, "close") == "closed"


@pytest.mark.parametrize("kind", sorted(SHORT_PATH))
def test_short_path_kinds_never_reach_the_committee(kind):
    with pytest.raises(InvalidTransition):
        next_status(kind, "in_progress", "send_to_committee")


@pytest.mark.parametrize("kind", sorted(FULL_PATH))
def test_support_requests_are_not_resolved_without_the_committee(kind):
    with pytest.raises(InvalidTransition):
        next_status(kind, "in_progress", "resolve")


def test_a_closed_ticket_can_only_be_reopened():
    for kind in EVERY_KIND:
        assert allowed_actions(kind, "closed", set().union(*PERMISSIONS.values())) \
            == ("reopen",)


def test_a_cancelled_ticket_is_final():
    for kind in EVERY_KIND:
        assert allowed_actions(kind, "cancelled", set().union(*PERMISSIONS.values())) == ()


def test_an_unknown_action_is_an_invalid_transition_naming_what_was_asked():
    with pytest.raises(InvalidTransition) as caught:
        next_status("inquiry", "new", "teleport")
    assert (caught.value.kind, caught.value.status, caught.value.action) == \
        ("inquiry", "new", "teleport")


def test_a_committee_member_is_offered_only_the_committee_decisions():
    offered = allowed_actions("support_request", "committee", PERMISSIONS["committee_member"])
    assert offered == ("approve", "reject", "defer")
    assert allowed_actions("support_request", "in_progress",
                           PERMISSIONS["committee_member"]) == ()


@pytest.mark.parametrize("module", [states, errors], ids=lambda m: m.__name__)
def test_the_table_and_its_error_import_neither_flask_nor_the_database(module):
    source = Path(module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    # Only top-level imports count: a message is translated when read, inside a function.
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported
                if name.split(".")[0] in {"flask", "flask_babel", "sqlalchemy"}
                or name.startswith("helpdesk.extensions")}, imported
