"""The staff of a small association and its tickets, for the page tests (ticket, committee)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk.accounts.models import Team
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket
from tests.conftest import PASSWORD

HTMX = {"HX-Request": "true"}


class Crew:
    def __init__(self, make_user, make_ticket, client):
        self.relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
        self.research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Research")
        self.finance = Team(key="finance", name_ar="المالية", name_en="Finance")
        db.session.add_all([self.relations, self.research, self.finance])
        db.session.commit()
        self.agent = make_user("agent", name="ريم العتيبي")
        self.other_agent = make_user("agent", name="خالد الشهري")
        self.officer = make_user("research_officer", name="نورة القحطاني")
        self.member = make_user("committee_member", name="عبدالله الدوسري")
        self.second_member = make_user("committee_member", name="هند الزهراني")
        self.coordinator = make_user("volunteer_coordinator", name="سارة المطيري")
        self.manager = make_user("manager", name="فهد الغامدي")
        self.relations.members.extend([self.agent, self.other_agent, self.coordinator])
        self.research.members.append(self.officer)
        db.session.commit()
        self._make_ticket = make_ticket
        self.client = client

    # -- tickets ------------------------------------------------------------------------

    def request(self, **kwargs: Any) -> Ticket:
        """A support request of the relations team, from the help requests channel."""
        kwargs.setdefault("channel_key", "help_requests")
        kwargs.setdefault("kind", "support_request")
        kwargs.setdefault("subject", "طلب مساعدة في سداد الإيجار")
        kwargs.setdefault("team_id", self.relations.id)
        return self._make_ticket(**kwargs)

    def inquiry(self, **kwargs: Any) -> Ticket:
        kwargs.setdefault("kind", "inquiry")
        kwargs.setdefault("team_id", self.relations.id)
        return self._make_ticket(**kwargs)

    def out_of_reach(self) -> Ticket:
        """A ticket of the finance team, which only managers and admins reach here."""
        return self._make_ticket(kind="inquiry", team_id=self.finance.id,
                                 subject="بيانات سرية لا تظهر لغير المالية")

    def at_committee(self, ticket: Ticket) -> Ticket:
        ticket = services.start(ticket, actor=self.agent, expected_version=None)
        return services.send_to_committee(ticket, actor=self.agent, expected_version=None)

    # -- the browser's side -----------------------------------------------------------

    def sign_in(self, user) -> None:
        self.client.post("/logout")
        response = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302


def version_of(ticket: Ticket) -> int:
    return db.session.scalar(select(Ticket.version).where(Ticket.id == ticket.id))


def status_of(ticket: Ticket) -> str:
    return db.session.scalar(select(Ticket.status).where(Ticket.id == ticket.id))
