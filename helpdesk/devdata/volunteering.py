"""The demo association's volunteering: needs ahead, one volunteer matched, hours served.

The volunteers themselves come with the demo's volunteering applications (an application
gives its contact a profile, the coordinator's decision accepts or declines it); the needs,
the match and the hours go through the volunteers' use cases like the coordinator's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.devdata.organisation import Organisation
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.volunteers.models import VolunteerProfile
from helpdesk.volunteers.services import create_need, log_hours, match

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
MATCHED_NEED = 1  # the distribution, for which the first accepted volunteer already served
HOURS = {"days_ago": 7, "hours": 3, "note": "فرز السلال في المستودع"}


def create_demo_needs(org: Organisation, now: datetime) -> None:
    """A few needs ahead; the first accepted volunteer matched to one, with hours served."""
    deciders = org.with_permission("volunteers.decide")
    coordinators = [u for u in deciders if u.role == "volunteer_coordinator"] or deciders
    if not coordinators:
        return
    coordinator = db.session.get(User, coordinators[0].id)
    today = to_riyadh(now).date()
    needs = []
    for spec in NEEDS:
        branch = org.branches.get(spec["branch"]) if spec["branch"] else None
        needs.append(create_need(
            actor=coordinator, title=spec["title"], description=spec["description"],
            branch_id=branch.id if branch else None,
            needed_on=today + timedelta(days=spec["in_days"]), time_slot=spec["time_slot"],
            skills=spec["skills"], needed_count=spec["needed_count"]))
    volunteer_id = db.session.scalar(select(VolunteerProfile.id)
                                     .where(VolunteerProfile.status == "accepted")
                                     .order_by(VolunteerProfile.id).limit(1))
    if volunteer_id is None:
        return
    assignment = match(needs[MATCHED_NEED].id, actor=coordinator, profile_id=volunteer_id)
    log_hours(volunteer_id, actor=coordinator, assignment_id=assignment.id,
              served_on=today - timedelta(days=HOURS["days_ago"]), hours=HOURS["hours"],
              note=HOURS["note"])
