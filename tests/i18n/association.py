"""A small association with real data in every corner, built through the use cases."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.accounts.roles import ROLES
from helpdesk.accounts.services import create_user
from helpdesk.admin.services import update_association
from helpdesk.api.services import create_token
from helpdesk.calendar import services as working_calendar
from helpdesk.casework import services as casework
from helpdesk.committee.services import decide, open_sitting
from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.portal.services import add_reply, rate_service
from helpdesk.portal.submission import new_form_stamp
from helpdesk.routing.services import RuleInput, save_rule
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queue import SAVED_VIEWS
from helpdesk.tickets.services import open_ticket, riyadh_today
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.volunteers import services as volunteers
from helpdesk.volunteers.models import VolunteerProfile
from helpdesk.webhooks.services import create_subscription, send_ping
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

SERVICE = {
    "key": "food_basket", "name_ar": "السلة الغذائية", "name_en": "Food basket",
    "decision_window_days": 7,
    "fields": [
        {"name": "household", "type": "integer", "label_ar": "عدد أفراد الأسرة", "min": 1},
        {"name": "insured", "type": "boolean", "label_ar": "هل لدى الأسرة تأمين صحي؟"},
        {"name": "district", "type": "choice", "label_ar": "الحي",
         "options": [{"value": "naseem", "label_ar": "النسيم"},
                     {"value": "olaya", "label_ar": "العليا"}]},
        {"name": "remarks", "type": "textarea", "label_ar": "ملاحظات", "required": False}],
    "documents": [
        {"key": "lease", "label_ar": "عقد الإيجار", "types": ["pdf"]},
        {"key": "id_copy", "label_ar": "صورة الهوية", "types": ["pdf", "png"]}],
    "rules": [{"type": "in_list", "field": "district", "values": ["naseem"]},
              {"type": "equals", "field": "insured", "value": False}],
}
ANSWERS = {"household": "6", "insured": "no", "district": "naseem"}
SHORT_KINDS = ("inquiry", "complaint", "suggestion", "appreciation", "other")


@dataclass
class Association:
    """Who works here (one user per role) and the values each page's URL takes."""

    users: dict[str, User]
    url_values: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, name: str, value: Any) -> None:
        values = self.url_values.setdefault(name, [])
        if value not in values:
            values.append(value)


def _pdf(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def _staff(branch: Branch, teams: list[Team]) -> dict[str, User]:
    names = {"admin": "منيرة السبيعي", "manager": "فهد الغامدي", "agent": "ريم العتيبي",
             "research_officer": "نورة القحطاني", "committee_member": "عبدالله الدوسري",
             "branch_rep": "ماجد الحربي", "volunteer_coordinator": "سارة المطيري"}
    users = {role: create_user(role=role, email=f"{role}@example.org", name=names[role],
                               password=PASSWORD)
             for role in ROLES}
    users["branch_rep"].branch_id = branch.id
    teams[0].members.extend([users["agent"], users["volunteer_coordinator"]])
    teams[1].members.append(users["research_officer"])
    db.session.commit()
    return users


def _short_tickets(world: Association, users: dict[str, User], teams: list[Team],
                   contact: Contact) -> None:
    """Every short-path kind, from new to closed, cancelled and reopened; with the changes
    the side panels make (team, assignee, priority, tags, notes, replies)."""
    agent, manager = users["agent"], users["manager"]
    for index, kind in enumerate(SHORT_KINDS):
        ticket = open_ticket(channel_key="phone", kind=kind, contact=contact,
                             subject=f"موضوع رقم {index + 1} عن توزيع السلال",
                             body="متى يبدأ توزيع السلال الغذائية؟", team_id=teams[0].id)
        world.add("number", ticket.number)
        world.add("token", tracking_token(ticket))
        if index == 0:
            continue  # stays new
        tickets.start(ticket, actor=agent, expected_version=None)
        if kind == "complaint":
            tickets.change_team(ticket, actor=manager, expected_version=None,
                                team_id=teams[1].id)
            tickets.assign(ticket, actor=manager, expected_version=None,
                           assignee_id=users["research_officer"].id)
            tickets.set_priority(ticket, actor=manager, expected_version=None, priority="high")
            tickets.add_tag(ticket, actor=manager, expected_version=None, name="متابعة")
            tickets.add_note(ticket, actor=manager, expected_version=None,
                             body="يرجى الاتصال بالمستفيد")
            tickets.reply(ticket, actor=manager, expected_version=None,
                          body="نعتذر عن التأخير وسنتواصل معكم")
            tickets.refer(ticket, actor=manager, expected_version=None,
                          question="هل سبق صرف مساعدة؟", to_team_id=teams[1].id)
        elif kind == "suggestion":
            tickets.request_information(ticket, actor=agent, expected_version=None,
                                        missing=["صورة الهوية"])
        elif kind == "appreciation":
            tickets.resolve(ticket, actor=agent, expected_version=None)
            tickets.close(ticket, actor=agent, expected_version=None,
                          resolution_code="answered", resolution_note="شُكر المستفيد")
            rate_service(ticket, stars=5, comment="خدمة ممتازة")
            tickets.reopen(ticket, actor=manager, expected_version=None,
                           reason="طلب المستفيد متابعة")
        else:
            tickets.cancel(ticket, actor=agent, expected_version=None, reason_code="other",
                           note="فُتحت بالخطأ")
    closed = open_ticket(channel_key="interview", kind="inquiry", contact=contact,
                         subject="استفسار عن مواعيد الدوام", team_id=teams[0].id)
    tickets.take(closed, actor=agent, expected_version=None)
    tickets.start(closed, actor=agent, expected_version=None)
    tickets.resolve(closed, actor=agent, expected_version=None, note="أُجيب المستفيد هاتفيًا")
    tickets.close(closed, actor=agent, expected_version=None, resolution_code="answered",
                  resolution_note="أُجيب عن الاستفسار")
    world.add("number", closed.number)
    world.add("token", tracking_token(closed))


def _support_requests(world: Association, users: dict[str, User], teams: list[Team],
                      contact: Contact, service: Any) -> None:
    """Support requests with their case: waiting for a document, at the committee, and
    decided at a sitting then registered, delivered and closed."""
    agent, officer, member = (users["agent"], users["research_officer"],
                              users["committee_member"])
    sitting = open_sitting(actor=member, meeting_on=riyadh_today(),
                           member_ids=[member.id], notes="الجلسة الشهرية")
    world.add("sitting_id", sitting.id)
    for stage in ("waiting", "committee", "decided"):
        ticket = open_ticket(channel_key="help_requests", kind="support_request",
                             contact=contact, subject="طلب مساعدة في سداد الإيجار",
                             service_id=service.id, team_id=teams[0].id)
        documents = {} if stage == "waiting" else {"lease": [], "id_copy": []}
        version, _text = casework.current_declaration_text()
        casework.open_case(ticket, service=service, answers=ANSWERS, documents=documents,
                           declaration=casework.DeclarationInput(version, True),
                           channel_key="help_requests")
        db.session.commit()
        world.add("number", ticket.number)
        world.add("token", tracking_token(ticket))
        if stage == "waiting":
            add_reply(ticket, body="أرفقت عقد الإيجار", document=_pdf("عقد.pdf"),
                      document_key="lease")
            continue
        for item in casework.checklist(ticket):
            casework.set_item_state(ticket, actor=agent, expected_version=None,
                                    item_id=item.id, state="verified")
        move_on = tickets.information_received if ticket.status == "awaiting_information" \
            else tickets.start
        move_on(ticket, actor=agent, expected_version=None)
        tickets.refer(ticket, actor=agent, expected_version=None,
                      question="نرجو دراسة الحالة وزيارة الأسرة", to_user_id=officer.id)
        casework.record_study(ticket, actor=officer, expected_version=None,
                              visit_date=riyadh_today().isoformat(),
                              findings="الأسرة تستحق الدعم", recommendation="approve")
        tickets.return_referral(ticket, actor=officer, expected_version=None,
                                answer="أُرفقت الدراسة")
        tickets.send_to_committee(ticket, actor=agent, expected_version=None)
        if stage == "decided":
            decide(ticket, actor=member, expected_version=None, decision="approve",
                   reason="الحالة مستوفية للشروط", sitting_id=sitting.id)
            tickets.register(ticket, actor=agent, expected_version=None)
            tickets.deliver(ticket, actor=agent, expected_version=None)
            tickets.close(ticket, actor=agent, expected_version=None,
                          resolution_code="answered", resolution_note="سُلّم الدعم")


def _volunteers(world: Association, users: dict[str, User], branch: Branch) -> None:
    coordinator = users["volunteer_coordinator"]
    form = MultiDict([("name", "سلمان العتيبي"), ("phone", "0551112233"),
                      ("skills", "driving"), ("days", "sat"), ("time_slots", "evening"),
                      ("interests", "food_baskets"),
                      ("experience", "تطوعت في توزيع السلال الغذائية")])
    ticket = volunteers.apply(form).ticket
    world.add("number", ticket.number)
    world.add("token", tracking_token(ticket))
    profile = db.session.scalar(select(VolunteerProfile)
                                .where(VolunteerProfile.ticket_id == ticket.id))
    volunteers.change_status(profile.id, actor=coordinator, action="accept")
    need = volunteers.create_need(actor=coordinator, title="توزيع السلال في حي النسيم",
                                  needed_on=riyadh_today() + timedelta(days=3),
                                  needed_count=2, description="نحتاج سائقين",
                                  branch_id=branch.id, skills=["driving"])
    assignment = volunteers.match(need.id, actor=coordinator, profile_id=profile.id)
    volunteers.log_hours(profile.id, actor=coordinator, served_on=riyadh_today(), hours="3",
                         note="توزيع", assignment_id=assignment.id)
    world.add("profile_id", profile.id)
    world.add("need_id", need.id)


def _from_the_website(world: Association, client: FlaskClient) -> None:
    """A message through the public contact form: the website channel's ticket."""
    response = client.post("/contact", data={
        "form_stamp": new_form_stamp(issued_at=time.time() - 60), "kind": "complaint",
        "name": "هند العتيبي", "phone": "0512345678",
        "message": "تأخر الرد على طلبي أكثر من أسبوعين"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    world.add("token", response.headers["Location"].rsplit("/", 1)[1])
    ticket = db.session.scalar(select(Ticket).where(Ticket.channel_key == "website"))
    world.add("number", ticket.number)


def _satisfaction(world: Association, users: dict[str, User], teams: list[Team],
                  contact: Contact) -> None:
    """Surveys (unanswered, answered, past their edit period), a kiosk pass, a follow-up of
    a low rating and a review mark."""
    from helpdesk.db_types import utcnow
    from helpdesk.satisfaction import services as satisfaction
    from helpdesk.satisfaction.models import Survey
    from helpdesk.tickets.models import Rating

    agent, manager = users["agent"], users["manager"]
    surveys = []
    for subject in ("سؤال عن موعد الصرف", "سؤال عن الوثائق", "سؤال عن الفروع"):
        ticket = open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                             subject=subject, team_id=teams[0].id)
        tickets.assign(ticket, actor=manager, expected_version=None, assignee_id=agent.id)
        tickets.start(ticket, actor=agent, expected_version=None)
        tickets.resolve(ticket, actor=agent, expected_version=None)
        survey = db.session.scalar(select(Survey).where(Survey.ticket_id == ticket.id))
        surveys.append(survey)
        world.add("survey_token", satisfaction.survey_token(survey))
        world.add("number", ticket.number)
    satisfaction.rate(surveys[1].ticket, {"stars": "1", "speed": "2", "courtesy": "3",
                                          "clarity": "2", "comment": "انتظرت طويلًا دون رد"})
    old = satisfaction.rate(surveys[2].ticket, {"stars": "5", "comment": "شكرًا لكم"})
    db.session.execute(db.update(Rating).where(Rating.id == old.id).values(
        created_at=utcnow() - timedelta(days=satisfaction.RATING_EDIT_DAYS + 1)))
    db.session.commit()
    world.add("pass_token", satisfaction.open_kiosk(surveys[0].ticket.number, actor=agent))
    satisfaction.mark_review_item("comment", old.id, actor=manager, status="acted_on",
                                  action_taken="شكرنا الفريق على الخدمة")


def _working_calendar(admin: User, branch: Branch) -> None:
    """This year's holidays generated and corrected, a closure, a branch's own hours."""
    year = riyadh_today().year
    working_calendar.generate_year({"year": str(year)}, admin)
    working_calendar.add_holiday({"holiday_name": "إجازة اليوم الوطني الإضافية",
                                  "holiday_starts": f"{year}-09-24"}, admin)
    working_calendar.add_closure({"closure_reason": "الانتقال إلى المقر الجديد",
                                  "closure_starts": f"{year + 1}-01-11",
                                  "closure_ends": f"{year + 1}-01-12"}, admin)
    working_calendar.save_branch_hours({"branch_id": str(branch.id), "branch_opens": "09:00",
                                        "branch_closes": "17:00"}, {branch.id: branch}, admin)


def build_association(app: Flask) -> Association:
    """Everything a page can show, made as people make it (run inside an app context)."""
    branch = Branch(code="riyadh", name_ar="فرع الرياض", name_en="Riyadh branch",
                    city="الرياض")
    teams = [Team(key="relations", name_ar="العلاقات", name_en="Relations"),
             Team(key="research", name_ar="البحث الاجتماعي", name_en="Research")]
    db.session.add_all([branch, *teams])
    db.session.commit()
    users = _staff(branch, teams)
    world = Association(users=users)
    update_association({"name_ar": "جمعية البر الخيرية", "name_en": "Al-Birr Charity",
                        "phone": "+966112345678", "email": "info@example.org",
                        "committee_window_days": "14"}, users["admin"])
    _working_calendar(users["admin"], branch)
    service = create_service(SERVICE, actor=users["admin"])
    world.add("service_key", service.key)
    contact = Contact(name="نورة محمد العتيبي", phone="+966551234567",
                      national_id="1234567897", email="noura@example.org",
                      branch_id=branch.id)
    duplicate = Contact(name="نورة العتيبي", phone="+966551234568")
    db.session.add_all([contact, duplicate])
    db.session.commit()
    world.add("contact_id", contact.id)
    world.add("contact_id", duplicate.id)
    data = RuleInput.blank()
    data.values.update({"name": "أسئلة الدوام", "words": "الدوام", "tag": "دوام"})
    rule = save_rule(data, actor=users["admin"])
    world.add("rule_id", rule.id)
    for team in teams:
        world.add("team_id", team.id)
    _short_tickets(world, users, teams, contact)
    _support_requests(world, users, teams, contact, service)
    _volunteers(world, users, branch)
    _from_the_website(world, app.test_client())
    _satisfaction(world, users, teams, contact)
    subscription, _secret = create_subscription(
        {"name": "منصة المتبرعين", "url": "http://127.0.0.1:9/hooks",
         "allow_private": True, "event_types": ["ticket.created"]}, actor=users["admin"])
    send_ping(subscription, actor=users["admin"])
    world.add("subscription_id", subscription.id)
    create_token(users["admin"], "الموقع الإلكتروني", ["tickets:read"])
    for key in app.extensions["helpdesk_plugins"].channels:
        world.add("channel_key", key)
    for view in SAVED_VIEWS:
        world.add("queue_view", view)
    return world
