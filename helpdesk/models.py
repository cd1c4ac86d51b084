"""Imports every model so that metadata (and Alembic) sees the whole schema."""

from helpdesk.accounts.models import Branch, Team, User, team_members
from helpdesk.admin.models import Association
from helpdesk.api.models import ApiToken
from helpdesk.applications.models import ApplicationDraft, DraftDocument
from helpdesk.audit.models import AuditEntry
from helpdesk.calendar.models import BranchHours, CalendarSettings, Closure, Holiday, HolidayYear
from helpdesk.casework.models import Case, CaseStudy, ChecklistItem, Declaration
from helpdesk.channels.models import ChannelConfig, IntakeFailure
from helpdesk.committee.models import (
    CommitteeDecision,
    CommitteeSitting,
    committee_sitting_members,
)
from helpdesk.contacts.models import Contact
from helpdesk.notifications.models import (
    Notification,
    NotificationEmail,
    NotificationPreference,
    TicketAction,
)
from helpdesk.reports.models import report_days, report_rollup_days, report_rollup_state
from helpdesk.routing.models import RoutingRule, TeamTurn
from helpdesk.satisfaction.models import FollowUp, KioskPass, ReviewMark, Survey
from helpdesk.search.models import ContactSearchDocument, TicketSearchDocument
from helpdesk.services_catalog.models import Service
from helpdesk.sla.models import SlaTarget
from helpdesk.tickets.models import (
    Attachment,
    Event,
    ExternalRef,
    Rating,
    Referral,
    Tag,
    Ticket,
    TicketSequence,
    ticket_tags,
)
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.volunteers.models import (
    VolunteerAssignment,
    VolunteerHours,
    VolunteerNeed,
    VolunteerProfile,
)
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiToken", "ApplicationDraft", "DraftDocument",
    "Association", "Attachment", "AuditEntry", "Branch", "ChannelConfig", "Contact", "Event",
    "ExternalRef", "OutboxMessage", "Rating", "Service", "Team", "Ticket", "TicketSequence", "User",
    "team_members", "CommitteeDecision", "CommitteeSitting", "committee_sitting_members",
    "Referral", "Tag", "ticket_tags", "IntakeFailure",
    "ContactSearchDocument", "TicketSearchDocument",
    "Case", "CaseStudy", "ChecklistItem", "Declaration",
    "VolunteerAssignment", "VolunteerHours", "VolunteerNeed", "VolunteerProfile",
    "WebhookDelivery", "WebhookSubscription",
    "BranchHours", "CalendarSettings", "Closure", "Holiday", "HolidayYear",
    "RoutingRule", "TeamTurn", "FollowUp", "KioskPass", "ReviewMark", "Survey",
    "Notification", "NotificationEmail", "NotificationPreference", "TicketAction",
    "SlaTarget",
    "report_days", "report_rollup_days", "report_rollup_state",
]
