"""The demo association's teams per branch, how each shares its work, and a few routing
rules (a message naming a branch's city, a WhatsApp complaint say, goes to that branch's
team, in turn)."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.extensions import db
from helpdesk.routing.models import RoutingRule
from helpdesk.routing.services import RuleInput, TeamInput, save_rule, save_team

DEMO_DOMAIN = "demo.sila.sa"

# (key, Arabic name, English name, branch code, lead, members, mode, limit per person)
BRANCH_TEAMS = (
    ("kharj_team", "فريق فرع الخرج", "Al-Kharj branch team", "kharj", "research_officer2",
     ("agent2", "research_officer2"), "round_robin", 15),
    ("dawadmi_team", "فريق فرع الدوادمي", "Al-Dawadmi branch team", "dawadmi", "agent2",
     ("agent", "agent2"), "least_open", 20),
    ("majmaah_team", "فريق فرع المجمعة", "Al-Majmaah branch team", "majmaah", "agent",
     ("agent", "research_officer"), "round_robin", None),
)
# Teams that exist already: their branch, lead and way of sharing.
EXISTING = {
    "relations": ("riyadh", "agent", "round_robin", 25),
    "social_research": ("riyadh", "research_officer", "least_open", 30),
}


def _person(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{local}@{DEMO_DOMAIN}"))


def create_demo_routing() -> None:
    """Teams per branch and the rules, through the same services an admin's forms use."""
    if db.session.scalar(select(RoutingRule.id).limit(1)) is not None:
        return
    admin = _person("admin")
    if admin is None:
        return
    branches = {b.code: b.id for b in db.session.scalars(select(Branch))}
    teams = {t.key: t for t in db.session.scalars(select(Team))}
    for key, (branch, lead, mode, limit) in EXISTING.items():
        team = teams.get(key)
        if team is None:
            continue
        data = TeamInput.from_team(team)
        data.values.update({"branch_id": str(branches.get(branch, "")),
                            "lead_id": str(getattr(_person(lead), "id", "")),
                            "assignment_mode": mode, "max_open_per_member": str(limit)})
        save_team(data, actor=admin, team_id=team.id)
    for key, name_ar, name_en, branch, lead, members, mode, limit in BRANCH_TEAMS:
        if key in teams:
            continue
        people = [p for p in map(_person, members) if p is not None]
        teams[key] = save_team(TeamInput({
            "key": key, "name_ar": name_ar, "name_en": name_en,
            "branch_id": str(branches.get(branch, "")),
            "lead_id": str(getattr(_person(lead), "id", "")),
            "member_ids": [str(p.id) for p in people], "assignment_mode": mode,
            "max_open_per_member": str(limit or ""), "active": True}), actor=admin)
    rules = [
        {"name": "الشكاوى العاجلة", "kinds": ["complaint"], "words": "عاجل\nطارئ\nضروري",
         "priority": "urgent", "stop": False},
        # Whatever its kind: a WhatsApp complaint arrives as an inquiry until someone reads it.
        *({"name": f"ما يذكر {city}", "words": city,
           "team_id": str(teams[key].id), "assign": "team", "stop": True}
          for key, city in (("kharj_team", "الخرج"), ("dawadmi_team", "الدوادمي"),
                            ("majmaah_team", "المجمعة")) if key in teams),
        {"name": "طلبات الدعم إلى البحث الاجتماعي", "kinds": ["support_request"],
         "team_id": str(teams["social_research"].id) if "social_research" in teams else "",
         "tag": "دعم", "stop": True},
    ]
    for values in rules:
        data = RuleInput.blank()
        data.values.update({**values, "enabled": True})
        save_rule(data, actor=admin)
