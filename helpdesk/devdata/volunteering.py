"""The demo association's volunteering: needs to match volunteers to, one match with hours.

The volunteers themselves come with the demo's volunteering applications (each application
gives its contact a profile, helpdesk/volunteers/sync.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.volunteers.models import (
    VolunteerAssignment,
    VolunteerHours,
    VolunteerNeed,
    VolunteerProfile,
)
from helpdesk.volunteers.vocabulary import SKILLS, pack
from helpdesk.web.dates import to_riyadh

NEEDS = (
    {"title": "زيارة ميدانية لأسر حي النسيم", "branch": "riyadh", "in_days": 3,
     "time_slot": "morning", "skills": ["driving", "social_work"], "needed_count": 3,
     "description": "مرافقة الباحثة الاجتماعية في زيارة خمس أسر مستفيدة وتوصيل السلال."},
    {"title": "توزيع السلال الغذائية الشهرية", "branch": "riyadh", "in_days": 10,
     "time_slot": "evening", "skills": ["driving", "events"], "needed_count": 6,
     "description": "استلام السلال من المستودع وتوزيعها على الأسر المسجلة."},
    {"title": "اليوم الصحي المجتمعي", "branch": None, "in_days": 17,
     "time_slot": "morning", "skills": ["medical"], "needed_count": 4,
     "description": "فحوصات مجانية للأسر بالتعاون مع مركز الرعاية الأولية."},
)


def create_demo_needs(branches: Mapping[str, Any], now: datetime) -> None:
    """A few needs ahead; the first accepted volunteer matched to one, with hours served."""
    today = to_riyadh(now).date()
    needs = []
    for spec in NEEDS:
        branch = branches.get(spec["branch"]) if spec["branch"] else None
        need = VolunteerNeed(title=spec["title"], description=spec["description"],
                             branch_id=branch.id if branch else None,
                             needed_on=today + timedelta(days=spec["in_days"]),
                             time_slot=spec["time_slot"], skills=pack(spec["skills"], SKILLS),
                             needed_count=spec["needed_count"], status="open", created_at=now)
        db.session.add(need)
        needs.append(need)
    db.session.flush()
    volunteer = db.session.scalar(select(VolunteerProfile)
                                  .where(VolunteerProfile.status == "accepted")
                                  .order_by(VolunteerProfile.id).limit(1))
    if volunteer is not None:
        assignment = VolunteerAssignment(profile_id=volunteer.id, need_id=needs[1].id,
                                         status="matched", score=0, created_at=now)
        db.session.add(assignment)
        db.session.flush()
        db.session.add(VolunteerHours(profile_id=volunteer.id, assignment_id=assignment.id,
                                      served_on=today - timedelta(days=7), minutes=180,
                                      note="فرز السلال في المستودع", created_at=now))
    db.session.commit()
