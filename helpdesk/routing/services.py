"""Routing: the admin's ordered rules, applied at intake and when a ticket's kind or service
changes, and the sharing of a team's tickets among its members.

How rules combine: every enabled rule is tried in the admin's order; each rule that matches
applies its actions (a later rule's team, priority or person replaces an earlier one's,
tags add up) and, when it says "stop after this rule" (the default), no later rule is
tried. Rules never change a ticket's kind or service, the two changes that trigger routing,
so routing cannot trigger itself: no loops by construction.

The changes are the tickets domain's own (tickets/handling.py), so they appear on the
timeline as the same events a person's changes make ('team_changed', 'priority_changed',
'tag_added', 'assigned'), with the rule that made them in the event's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from helpdesk.accounts.models import ASSIGNMENT_MODES, Branch, Team, User
from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.channels.registry import registered_channels
from helpdesk.contacts.models import CONTACT_KINDS
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.normalise import normalise, without_prefix
from helpdesk.i18n.normalise import words as text_words
from helpdesk.routing.models import CONDITION_FIELDS, RoutingRule, TeamTurn
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.change import MAX_TAG, TicketChange
from helpdesk.tickets.events import TicketChanged, TicketOpened
from helpdesk.tickets.handling import (
    attach_tag,
    normalise_tag,
    repoint_assignee,
    repoint_team,
    reprioritise,
)
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.queries import TicketAccess, open_ticket_clause
from helpdesk.tickets.states import TERMINAL_STATUSES
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES
from helpdesk.validation import ValidationError

# The fields whose change sends a ticket through the rules again.
ROUTED_FIELDS = frozenset({"kind", "service_id"})
# The assign action: nobody named (the team's own mode applies), in turn inside the rule's
# team, or a named person (their id).
ASSIGN_TEAM = "team"
MAX_WORDS = 30
MAX_WORD = 60
MAX_NAME = 120
ROUTED_KEY = "helpdesk_routed"  # Session.info: (ticket, kind, service) already routed
# Endings a word may carry and still be the rule's word (normalised: taa marbuta is ه).
SUFFIXES = frozenset({"", "ه", "ان", "ين", "ون", "ات", "ي", "يه", "ها"})


# ---------------------------------------------------------------------------------------
# Matching (pure)


@dataclass
class Facts:
    """What rules look at on a ticket."""

    channel: str | None
    kind: str | None
    service_id: int | None
    branch_id: int | None
    contact_kind: str | None
    priority: str | None
    text: str = ""  # subject and first message
    _tokens: frozenset[str] | None = field(default=None, repr=False)
    _normalised: str | None = field(default=None, repr=False)

    @property
    def tokens(self) -> frozenset[str]:
        if self._tokens is None:
            found = text_words(self.text)
            self._tokens = frozenset(found) | frozenset(
                stem for stem in map(without_prefix, found) if stem)
        return self._tokens

    @property
    def normalised(self) -> str:
        if self._normalised is None:
            self._normalised = " " + " ".join(text_words(self.text)) + " "
        return self._normalised


def word_matches(word: str, facts: Facts) -> bool:
    """A rule's word (normalised) is in the text however it was typed: with or without the
    article or a glued particle ('الرياض' finds 'بالرياض' and 'رياض'), and with a
    feminine, dual or plural ending ('عاجل' finds 'عاجلة', 'عاجلين'); a phrase of several
    words matches those words in order."""
    parts = word.split()
    if len(parts) > 1:
        return f" {word} " in facts.normalised
    stems = {word, without_prefix(word) or word}
    return any(token.startswith(stem) and token[len(stem):] in SUFFIXES
               for token in facts.tokens for stem in stems)


def matches(conditions: Mapping[str, Any], facts: Facts) -> bool:
    """Every non-empty condition holds; a condition's list holds when any value matches."""
    checks = (("channels", facts.channel), ("kinds", facts.kind),
              ("service_ids", facts.service_id), ("branch_ids", facts.branch_id),
              ("contact_kinds", facts.contact_kind), ("priorities", facts.priority))
    for name, value in checks:
        accepted = conditions.get(name) or []
        if accepted and value not in accepted:
            return False
    wanted = conditions.get("words") or []
    return not wanted or any(word_matches(word, facts) for word in wanted)


def has_conditions(conditions: Mapping[str, Any]) -> bool:
    return any(conditions.get(name) for name in CONDITION_FIELDS)


# ---------------------------------------------------------------------------------------
# Reading a ticket's facts


def _first_body(ticket_id: int) -> str | None:
    return db.session.scalar(
        select(Event.body).where(Event.ticket_id == ticket_id,
                                 Event.type.in_(("created", "message_in")),
                                 Event.body.is_not(None))
        .order_by(Event.id).limit(1))


def ticket_facts(ticket: Ticket, body: str | None = None) -> Facts:
    """The ticket's facts; ``body`` is its first message when the caller has it at hand."""
    contact_kind = ticket.contact.kind if ticket.contact is not None else None
    body = body if body is not None else _first_body(ticket.id)
    return Facts(channel=ticket.channel_key, kind=ticket.kind, service_id=ticket.service_id,
                 branch_id=ticket.branch_id, contact_kind=contact_kind,
                 priority=ticket.priority, text=f"{ticket.subject or ''}\n{body or ''}")


def enabled_rules() -> list[RoutingRule]:
    return list(db.session.scalars(select(RoutingRule).where(RoutingRule.enabled)
                                   .order_by(RoutingRule.position, RoutingRule.id)))


# ---------------------------------------------------------------------------------------
# Sharing a team's tickets


def open_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Open tickets assigned to each of these people."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Ticket.assignee_id, func.count()).where(Ticket.assignee_id.in_(ids),
                                                       open_ticket_clause())
        .group_by(Ticket.assignee_id))
    return {user_id: count for user_id, count in rows}


def can_take_work(user: User) -> bool:
    """Active, not away, and works tickets (the limit is the team's, checked apart)."""
    return bool(user.active and not user.away and can(user, "tickets.work"))


def eligible_members(team: Team) -> list[User]:
    """The members automatic assignment may choose now, by id: active, not away, working
    tickets and under the team's per-person limit of open tickets."""
    members = sorted((m for m in team.members if can_take_work(m)), key=lambda m: m.id)
    limit = team.max_open_per_member
    if limit is None or not members:
        return members
    counts = open_counts(m.id for m in members)
    return [m for m in members if counts.get(m.id, 0) < limit]


def _lock_turn(team_id: int) -> TeamTurn:
    """The team's turn row, created if missing and locked until the commit: the INSERT takes
    SQLite's write lock, SELECT … FOR UPDATE PostgreSQL's row lock; either way a second
    intake for the same team waits here until the first one's commit."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(TeamTurn).values(team_id=team_id, turns=0)
                       .on_conflict_do_nothing(index_elements=["team_id"]))
    return db.session.execute(
        select(TeamTurn).where(TeamTurn.team_id == team_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def choose_member(team: Team, mode: str | None = None) -> User | None:
    """The member the team's mode gives the next ticket to (None: nobody eligible, or the
    team assigns by hand). Call inside the transaction that assigns: the turn stays locked."""
    mode = mode or team.assignment_mode
    if mode not in ("round_robin", "least_open") or not team.active:
        return None
    turn = _lock_turn(team.id)
    eligible = eligible_members(team)  # read after the lock: the previous commit is seen
    if not eligible:
        return None
    if mode == "least_open":
        counts = open_counts(m.id for m in eligible)
        chosen = min(eligible, key=lambda m: (counts.get(m.id, 0), m.id))
    else:
        last = turn.last_user_id or 0
        chosen = next((m for m in eligible if m.id > last), eligible[0])
    db.session.execute(update(TeamTurn).where(TeamTurn.team_id == team.id)
                       .values(last_user_id=chosen.id, turns=TeamTurn.turns + 1))
    return chosen


# ---------------------------------------------------------------------------------------
# Routing a ticket (the event handlers)


@dataclass
class Plan:
    team: Team | None = None
    team_rule: RoutingRule | None = None
    priority: str | None = None
    priority_rule: RoutingRule | None = None
    tags: list[tuple[str, RoutingRule]] = field(default_factory=list)
    assign: str | None = None  # ASSIGN_TEAM or a user id
    assign_rule: RoutingRule | None = None


def plan_for(ticket: Ticket, rules: Iterable[RoutingRule], body: str | None = None) -> Plan:
    plan = Plan()
    facts: Facts | None = None
    for rule in rules:
        if facts is None:
            facts = ticket_facts(ticket, body)
        if not matches(rule.conditions or {}, facts):
            continue
        if rule.team_id is not None and rule.team is not None:
            plan.team, plan.team_rule = rule.team, rule
        if rule.priority:
            plan.priority, plan.priority_rule = rule.priority, rule
            facts.priority = rule.priority  # later rules see the priority set
        if rule.tag:
            plan.tags.append((rule.tag, rule))
        if rule.assignee_id is not None:
            plan.assign, plan.assign_rule = str(rule.assignee_id), rule
        elif rule.assign_in_turn:
            plan.assign, plan.assign_rule = ASSIGN_TEAM, rule
        if rule.stop:
            break
    return plan


def _by_rule(event: Event | None, rule: RoutingRule | None, **extra: Any) -> None:
    if event is not None:
        event.data = {**(event.data or {}), **extra,
                      **({"rule": {"id": rule.id, "name": rule.name}} if rule else {})}


def _system_change(ticket: Ticket) -> TicketChange:
    """A change made by the association itself (no actor), within the current transaction."""
    return TicketChange(TicketAccess(ticket, True, False, False), None, utcnow())


def _routed_in_this_transaction(key: tuple) -> bool:
    """Whether the ticket was already routed, as it is now, in the current transaction (then
    once is enough); a later transaction routes it again."""
    transaction = db.session().get_transaction()
    state = db.session.info.get(ROUTED_KEY)
    if state is None or state[0] is not transaction:
        state = (transaction, set())  # holding the transaction: its identity stays unique
        db.session.info[ROUTED_KEY] = state
    if key in state[1]:
        return True
    state[1].add(key)
    return False


def route_ticket(ticket_id: int, body: str | None = None) -> None:
    """Apply the enabled rules to the ticket, then share it inside its team if unassigned
    (``body``: its first message, when known)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.status in TERMINAL_STATUSES:
        return
    if _routed_in_this_transaction((ticket.id, ticket.kind, ticket.service_id)):
        return
    rules = enabled_rules()
    plan = plan_for(ticket, rules, body) if rules else Plan()
    change = _system_change(ticket)
    if plan.team is not None:
        _by_rule(repoint_team(change, plan.team), plan.team_rule)
    if plan.priority:
        _by_rule(reprioritise(change, plan.priority), plan.priority_rule)
    for name, rule in plan.tags:
        _by_rule(attach_tag(change, name), rule)
    if plan.assign and plan.assign != ASSIGN_TEAM:
        person = db.session.get(User, int(plan.assign))
        team = db.session.get(Team, ticket.team_id) if ticket.team_id is not None else None
        if person is not None and can_take_work(person) and (
                team is None or team.max_open_per_member is None
                or open_counts([person.id]).get(person.id, 0) < team.max_open_per_member):
            _by_rule(repoint_assignee(change, person), plan.assign_rule)
            return
    share_in_team(change, plan.assign_rule if plan.assign == ASSIGN_TEAM else None)


def share_in_team(change: TicketChange, rule: RoutingRule | None = None) -> None:
    """A ticket in a team's queue without an assignee goes to the member the team's mode
    chooses (a rule's "in turn" uses round-robin when the team assigns by hand)."""
    ticket = change.ticket
    # By id: the relationship may not follow a team_id set in this transaction yet.
    team = db.session.get(Team, ticket.team_id) if ticket.team_id is not None else None
    if ticket.assignee_id is not None or team is None:
        return
    if ticket.status in TERMINAL_STATUSES:
        return
    mode = team.assignment_mode
    if rule is not None and mode == "manual":
        mode = "round_robin"
    chosen = choose_member(team, mode)
    if chosen is not None:
        _by_rule(repoint_assignee(change, chosen), rule, auto=mode)


def route_opened(event: TicketOpened) -> None:
    """At intake (every channel, the portal and staff intake alike)."""
    route_ticket(event.ticket_id, event.body or "")


def route_changed(event: TicketChanged) -> None:
    """When a ticket's kind or service changes; when it reaches a team without anyone."""
    if event.created:
        return
    if event.fields & ROUTED_FIELDS:
        route_ticket(event.ticket_id)
    elif "team_id" in event.fields:
        ticket = db.session.get(Ticket, event.ticket_id)
        if ticket is not None and ticket.assignee_id is None and ticket.team_id is not None:
            share_in_team(_system_change(ticket))


# ---------------------------------------------------------------------------------------
# Editing rules (admin)


RULE_FIELDS = ("name", "stop", "enabled", "team_id", "priority", "tag", "assign",
               *CONDITION_FIELDS)


def _ints(values: Iterable[Any]) -> list[int]:
    out = []
    for value in values:
        text = str(value).strip()
        if text.isdigit():
            out.append(int(text))
    return sorted(set(out))


def clean_words(raw: str) -> list[str]:
    """One word or phrase per line or comma (Arabic comma too), normalised."""
    items = re.split(r"[\n,،;؛]+", raw or "")
    cleaned: list[str] = []
    for item in items:
        word = " ".join(text_words(item))[:MAX_WORD]
        if word and word not in cleaned:
            cleaned.append(word)
    return cleaned


@dataclass
class RuleInput:
    """What the rule form sends, as typed (the form is redrawn with it on an error)."""

    values: dict[str, Any]

    @classmethod
    def from_form(cls, form: Any) -> RuleInput:
        get_list = form.getlist if hasattr(form, "getlist") else (
            lambda name: form.get(name) or [])
        values: dict[str, Any] = {
            "name": (form.get("name") or "").strip(),
            "stop": bool(form.get("stop")),
            "enabled": bool(form.get("enabled")),
            "team_id": (form.get("team_id") or "").strip(),
            "priority": (form.get("priority") or "").strip(),
            "tag": (form.get("tag") or "").strip(),
            "assign": (form.get("assign") or "").strip(),
            "words": form.get("words") or "",
        }
        for name in ("channels", "kinds", "contact_kinds", "priorities"):
            values[name] = [str(v) for v in get_list(name)]
        for name in ("service_ids", "branch_ids"):
            values[name] = [str(v) for v in get_list(name)]
        return cls(values)

    @classmethod
    def from_rule(cls, rule: RoutingRule) -> RuleInput:
        conditions = rule.conditions or {}
        values: dict[str, Any] = {
            "name": rule.name, "stop": rule.stop, "enabled": rule.enabled,
            "team_id": str(rule.team_id or ""), "priority": rule.priority or "",
            "tag": rule.tag or "",
            "assign": str(rule.assignee_id) if rule.assignee_id
            else (ASSIGN_TEAM if rule.assign_in_turn else ""),
            "words": "\n".join(conditions.get("words") or []),
        }
        for name in ("channels", "kinds", "contact_kinds", "priorities", "service_ids",
                     "branch_ids"):
            values[name] = [str(v) for v in conditions.get(name) or []]
        return cls(values)

    @classmethod
    def blank(cls) -> RuleInput:
        return cls({"name": "", "stop": True, "enabled": True, "team_id": "", "priority": "",
                    "tag": "", "assign": "", "words": "", "channels": [], "kinds": [],
                    "contact_kinds": [], "priorities": [], "service_ids": [],
                    "branch_ids": []})


@dataclass
class CleanRule:
    name: str
    stop: bool
    enabled: bool
    conditions: dict[str, Any]
    team: Team | None
    priority: str | None
    tag: str | None
    assignee: User | None
    assign_team: bool


def clean_rule(data: RuleInput, *, require_name: bool = True) -> CleanRule:
    """The rule as it will be stored, or a ValidationError naming each wrong field: a rule
    must be able to match and to act."""
    values, errors = data.values, {}
    name = values.get("name", "")[:MAX_NAME]
    if require_name and not name:
        errors["name"] = _("Name the rule.")
    conditions: dict[str, Any] = {}
    channel_keys = set(registered_channels())
    picked = {
        "channels": [v for v in values["channels"] if v in channel_keys],
        "kinds": [v for v in values["kinds"] if v in KINDS],
        "contact_kinds": [v for v in values["contact_kinds"] if v in CONTACT_KINDS],
        "priorities": [v for v in values["priorities"] if v in PRIORITIES],
    }
    for field_name, chosen in picked.items():
        if len(chosen) != len(values[field_name]):
            errors[field_name] = _("Choose from the list.")
        if chosen:
            conditions[field_name] = sorted(set(chosen))
    service_ids = _ints(values["service_ids"])
    if service_ids:
        known = set(db.session.scalars(select(Service.id).where(Service.id.in_(service_ids))))
        if known != set(service_ids):
            errors["service_ids"] = _("Choose from the list.")
        conditions["service_ids"] = service_ids
    branch_ids = _ints(values["branch_ids"])
    if branch_ids:
        known = set(db.session.scalars(select(Branch.id).where(Branch.id.in_(branch_ids))))
        if known != set(branch_ids):
            errors["branch_ids"] = _("Choose from the list.")
        conditions["branch_ids"] = branch_ids
    raw_words = values.get("words") or ""
    word_list = clean_words(raw_words)
    if raw_words.strip() and not word_list:
        errors["words"] = _("Write words of letters or digits, one per line or separated "
                            "by commas.")
    elif len(word_list) > MAX_WORDS:
        errors["words"] = ngettext("Write at most %(num)d word or phrase.",
                                   "Write at most %(num)d words or phrases.", MAX_WORDS)
    if word_list:
        conditions["words"] = word_list[:MAX_WORDS]

    team = None
    if values.get("team_id"):
        team_id = _ints([values["team_id"]])
        team = db.session.get(Team, team_id[0]) if team_id else None
        if team is None:
            errors["team_id"] = _("Choose an existing team.")
        elif not team.active:
            errors["team_id"] = _("This team is inactive: activate it on the teams page or "
                                  "choose another.")
    priority = values.get("priority") or None
    if priority is not None and priority not in PRIORITIES:
        errors["priority"] = _("Choose a priority.")
        priority = None
    tag = normalise_tag(values.get("tag")) or None
    if tag is not None and len(tag) > MAX_TAG:
        errors["tag"] = ngettext("Write a tag of at most %(num)d character.",
                                 "Write a tag of at most %(num)d characters.", MAX_TAG)
    assign = values.get("assign") or ""
    assignee, assign_team = None, False
    if assign == ASSIGN_TEAM:
        assign_team = True
        if team is None and "team_id" not in errors:
            errors["assign"] = _("Choose the team whose members take turns.")
        elif team is not None and not any(can_take_work(m) for m in team.members):
            errors["assign"] = _("The team %(team)s has no active member who is not away: "
                                 "add one on the teams page first.", team=team.name_ar)
    elif assign:
        ids = _ints([assign])
        assignee = db.session.get(User, ids[0]) if ids else None
        if assignee is None or not assignee.active or not can(assignee, "tickets.work"):
            errors["assign"] = _("Choose an active staff member who works on tickets.")
        elif assignee.away:
            errors["assign"] = _("%(name)s is marked away: choose someone else or mark them "
                                 "back first.", name=assignee.name)
        elif team is not None and assignee not in team.members:
            errors["assign"] = _("%(name)s is not a member of the chosen team.",
                                 name=assignee.name)
    acts = team is not None or priority is not None or tag is not None or assign
    if not has_conditions(conditions) and not acts and not errors:
        errors["name"] = _("This rule has no conditions and no actions: choose at least "
                           "one of each.")
    elif not acts and "assign" not in errors:
        errors["team_id"] = _("Choose at least one action: a team, a priority, a tag or a "
                              "person.")
    elif (priority is not None and team is None and tag is None and not assign
          and conditions.get("priorities") == [priority]):
        errors["priority"] = _("The rule only matches tickets that already have this "
                               "priority, so it would change nothing.")
    if errors:
        raise ValidationError(errors)
    return CleanRule(name=name, stop=bool(values.get("stop")),
                     enabled=bool(values.get("enabled")), conditions=conditions, team=team,
                     priority=priority, tag=tag, assignee=assignee, assign_team=assign_team)


def rule_conditions(data: RuleInput) -> dict[str, Any]:
    """The conditions of a rule as typed, for a try: only errors in the conditions count
    (the actions may not be chosen yet)."""
    try:
        return clean_rule(data, require_name=False).conditions
    except ValidationError as exc:
        wrong = {k: v for k, v in exc.errors.items() if k in CONDITION_FIELDS}
        if wrong:
            raise ValidationError(wrong) from None
    # Valid conditions, unfinished actions: clean the conditions with a placeholder action.
    placeholder = {**data.values, "team_id": "", "assign": "", "priority": "", "tag": "try"}
    return clean_rule(RuleInput(placeholder), require_name=False).conditions


def _require_admin(actor: Any) -> None:
    if not can(actor, "admin.routing"):
        raise PermissionError("admin.routing")


def save_rule(data: RuleInput, *, actor: Any, rule_id: int | None = None) -> RoutingRule:
    """Create (``rule_id`` None: at the end of the order) or change a rule."""
    _require_admin(actor)
    clean = clean_rule(data)
    now = utcnow()
    if rule_id is None:
        last = db.session.scalar(select(func.max(RoutingRule.position))) or 0
        rule = RoutingRule(position=last + 1, created_at=now)
        db.session.add(rule)
    else:
        rule = db.session.get(RoutingRule, rule_id)
        if rule is None:
            raise LookupError(rule_id)
    rule.name, rule.stop, rule.enabled = clean.name, clean.stop, clean.enabled
    rule.conditions = clean.conditions
    rule.team_id = clean.team.id if clean.team else None
    rule.priority, rule.tag = clean.priority, clean.tag
    rule.assignee_id = clean.assignee.id if clean.assignee else None
    rule.assign_in_turn = clean.assign_team
    rule.updated_at = now
    db.session.flush()
    record_audit(actor, "routing_rule.created" if rule_id is None else "routing_rule.updated",
                 "routing_rule", rule.id)
    db.session.commit()
    return rule


def get_rule(rule_id: int) -> RoutingRule | None:
    return db.session.get(RoutingRule, rule_id)


def delete_rule(rule_id: int, *, actor: Any) -> None:
    _require_admin(actor)
    rule = db.session.get(RoutingRule, rule_id)
    if rule is not None:
        db.session.delete(rule)
        record_audit(actor, "routing_rule.deleted", "routing_rule", rule_id)
        db.session.commit()


def set_rule_enabled(rule_id: int, enabled: bool, *, actor: Any) -> RoutingRule | None:
    _require_admin(actor)
    rule = db.session.get(RoutingRule, rule_id)
    if rule is not None:
        rule.enabled = enabled
        rule.updated_at = utcnow()
        record_audit(actor, "routing_rule.enabled" if enabled else "routing_rule.disabled",
                     "routing_rule", rule_id)
        db.session.commit()
    return rule


def move_rule(rule_id: int, direction: str, *, actor: Any) -> None:
    """Move a rule one place up (earlier) or down (later) in the order."""
    _require_admin(actor)
    rules = list(db.session.scalars(select(RoutingRule)
                                    .order_by(RoutingRule.position, RoutingRule.id)))
    index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
    if index is None:
        return
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for position, rule in enumerate(rules, start=1):
        rule.position = position
    record_audit(actor, "routing_rule.moved", "routing_rule", rule_id)
    db.session.commit()


# ---------------------------------------------------------------------------------------
# Teams (admin) and people away


@dataclass
class TeamInput:
    values: dict[str, Any]

    @classmethod
    def from_form(cls, form: Any) -> TeamInput:
        return cls({
            "key": (form.get("key") or "").strip(),
            "name_ar": (form.get("name_ar") or "").strip(),
            "name_en": (form.get("name_en") or "").strip(),
            "branch_id": (form.get("branch_id") or "").strip(),
            "lead_id": (form.get("lead_id") or "").strip(),
            "member_ids": [str(v) for v in form.getlist("member_ids")],
            "assignment_mode": (form.get("assignment_mode") or "manual").strip(),
            "max_open_per_member": (form.get("max_open_per_member") or "").strip(),
            "active": bool(form.get("active")),
        })

    @classmethod
    def from_team(cls, team: Team) -> TeamInput:
        return cls({
            "key": team.key, "name_ar": team.name_ar, "name_en": team.name_en,
            "branch_id": str(team.branch_id or ""), "lead_id": str(team.lead_id or ""),
            "member_ids": [str(m.id) for m in team.members],
            "assignment_mode": team.assignment_mode,
            "max_open_per_member": str(team.max_open_per_member or ""),
            "active": team.active,
        })

    @classmethod
    def blank(cls) -> TeamInput:
        return cls({"key": "", "name_ar": "", "name_en": "", "branch_id": "", "lead_id": "",
                    "member_ids": [], "assignment_mode": "manual",
                    "max_open_per_member": "", "active": True})


KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,62}$")


def save_team(data: TeamInput, *, actor: Any, team_id: int | None = None) -> Team:
    """Create or change a team: names, branch, lead, members, mode, limit, active."""
    _require_admin(actor)
    values, errors = data.values, {}
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team_id is not None and team is None:
        raise LookupError(team_id)
    if team is None:
        key = values["key"].lower()
        if not KEY_PATTERN.match(key):
            errors["key"] = _("Write a short key in Latin letters, digits, '-' or '_', "
                              "starting with a letter.")
        elif db.session.scalar(select(Team.id).where(Team.key == key)) is not None:
            errors["key"] = _("Another team already has this key.")
    if not normalise(values["name_ar"]):
        errors["name_ar"] = _("Write the team's Arabic name.")
    if not values["name_en"]:
        errors["name_en"] = _("Write the team's English name.")
    branch = None
    if values["branch_id"]:
        ids = _ints([values["branch_id"]])
        branch = db.session.get(Branch, ids[0]) if ids else None
        if branch is None:
            errors["branch_id"] = _("Choose from the list.")
    member_ids = _ints(values["member_ids"])
    members = list(db.session.scalars(select(User).where(User.id.in_(member_ids)))) \
        if member_ids else []
    if len(members) != len(member_ids):
        errors["member_ids"] = _("Choose from the list.")
    lead = None
    if values["lead_id"]:
        ids = _ints([values["lead_id"]])
        lead = db.session.get(User, ids[0]) if ids else None
        if lead is None or not lead.active:
            errors["lead_id"] = _("Choose an active staff member.")
    mode = values["assignment_mode"]
    if mode not in ASSIGNMENT_MODES:
        errors["assignment_mode"] = _("Choose from the list.")
    limit: int | None = None
    raw_limit = to_int(values["max_open_per_member"])
    if values["max_open_per_member"]:
        if raw_limit is None or raw_limit < 1 or raw_limit > 10_000:
            errors["max_open_per_member"] = _("Write a whole number from 1 to 10000, or "
                                              "leave it empty for no limit.")
        else:
            limit = raw_limit
    if mode != "manual" and values["active"] and not any(can_take_work(m) for m in members) \
            and "member_ids" not in errors:
        errors["member_ids"] = _("Automatic assignment needs at least one active member "
                                 "who is not away.")
    if errors:
        raise ValidationError(errors)
    if team is None:
        team = Team(key=values["key"].lower())
        db.session.add(team)
    team.name_ar, team.name_en = values["name_ar"][:120], values["name_en"][:120]
    team.branch_id = branch.id if branch else None
    team.lead_id = lead.id if lead else None
    team.members = members
    team.assignment_mode = mode
    team.max_open_per_member = limit
    team.active = bool(values["active"])
    db.session.flush()
    record_audit(actor, "team.created" if team_id is None else "team.updated", "team",
                 team.id)
    db.session.commit()
    return team


def to_int(text: str) -> int | None:
    digits = normalise(text)
    return int(digits) if digits.isdigit() else None


def set_away(user_id: int, away: bool, *, actor: Any) -> User | None:
    """Mark someone away (automatic assignment passes them by) or back. An admin may mark
    anyone; everyone may mark themselves."""
    if getattr(actor, "id", None) != user_id:
        _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is not None:
        user.away = away
        record_audit(actor, "user.away" if away else "user.back", "user", user_id)
        db.session.commit()
    return user
