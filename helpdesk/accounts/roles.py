"""Roles and what each may do: the one table every permission check reads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "agent": _l("Relations agent"),
    "research_officer": _l("Social research officer"),
    "committee_member": _l("Committee member"),
    "branch_rep": _l("Branch representative"),
    "volunteer_coordinator": _l("Volunteer coordinator"),
}

STAFF_PERMISSIONS = {"dashboard.view", "tickets.view", "channels.view", "contacts.view"}

# Working tickets through the lifecycle (helpdesk/tickets/states.py names the permission of
# each transition; the non-status services name theirs).
TICKET_WORK = {
    "tickets.work",              # start, ask for information, register, deliver, resolve, tags
    "tickets.refer",             # refer to a team or a person
    "tickets.answer_referral",   # answer a referral made to me or my team, and return it
    "tickets.take",              # assign an unassigned ticket to myself
    "tickets.reply",             # a public reply to the person
    "tickets.note",              # an internal note
    "tickets.create",            # record a contact with the staff intake form
    "tickets.close_delivered",   # close a support request once its service was delivered
}
TICKET_OWNER = TICKET_WORK | {
    "tickets.triage",            # see and work tickets not yet routed to a team
    "tickets.assign",            # assign to someone else, change the team
    "tickets.close", "tickets.reopen", "tickets.cancel",
    "committee.submit",          # send a support request to the research committee
}
EVERY_TICKET_PERMISSION = TICKET_OWNER | {
    "tickets.view_all", "committee.decide", "volunteers.decide",
}
# Downloading the queue as CSV (what the user's queue shows, never more).
TICKET_EXPORT = {"tickets.export"}
# Satisfaction: every team's figures and the review of suggestions and comments (managers);
# opening the rating kiosk for a person at the front desk (those who serve them there).
SATISFACTION_MANAGE = {"satisfaction.teams", "satisfaction.review", "satisfaction.kiosk"}
SATISFACTION_KIOSK = {"satisfaction.kiosk"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(STAFF_PERMISSIONS | EVERY_TICKET_PERMISSION | TICKET_EXPORT | {
        "admin.users", "admin.association", "admin.channels", "admin.audit", "admin.webhooks",
        "admin.services", "reports.view", "contacts.view_national_id", "contacts.merge",
    } | SATISFACTION_MANAGE | {"admin.routing"}),
    "manager": frozenset(STAFF_PERMISSIONS | EVERY_TICKET_PERMISSION | TICKET_EXPORT | {
        "admin.association", "admin.channels", "admin.audit", "admin.services", "admin.webhooks",
        "reports.view", "contacts.view_national_id", "contacts.merge", "admin.routing",
    } | SATISFACTION_MANAGE),
    "agent": frozenset(STAFF_PERMISSIONS | TICKET_OWNER | TICKET_EXPORT | SATISFACTION_KIOSK
                       | {"contacts.view_national_id"}),
    "research_officer": frozenset(STAFF_PERMISSIONS | TICKET_WORK | {
        "contacts.view_national_id", "committee.submit",
    } | SATISFACTION_KIOSK),
    "committee_member": frozenset(STAFF_PERMISSIONS | {"committee.decide", "tickets.note"}),
    "branch_rep": frozenset(STAFF_PERMISSIONS | {
        "tickets.view_branch", "tickets.note", "tickets.reply", "tickets.create",
    } | SATISFACTION_KIOSK),
    "volunteer_coordinator": frozenset(STAFF_PERMISSIONS | TICKET_WORK | {
        "volunteers.decide", "tickets.assign", "tickets.close", "tickets.reopen",
        "tickets.cancel",
    } | SATISFACTION_KIOSK),
}
