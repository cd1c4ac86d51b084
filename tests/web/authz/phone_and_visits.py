"""Expectations for the phone channel's and the branch representatives' own pages."""

from tests.web.authz.rules import PUBLIC, Rule

# Who records contacts (tickets.create) and who oversees every ticket (tickets.view_all).
RECORDERS = {"admin", "manager", "agent", "research_officer", "branch_rep",
             "volunteer_coordinator"}
MANAGERS = {"admin", "manager"}

EXPECTATIONS = {
    "channel_phone.index": Rule(RECORDERS),
    "channel_phone.ringing": Rule(RECORDERS),
    "channel_phone.lookup": Rule(RECORDERS, url_args={"phone": "0512345678"}),
    # An empty form comes back with its errors beside the fields (422).
    "channel_phone.log_call": Rule(RECORDERS, methods=("GET", "POST"), ok={200, 422}),
    "channel_phone.help_page": Rule(MANAGERS),
    # Public, for the call system: without the channel's secret every event is refused.
    "channel_phone.events": Rule(PUBLIC, methods=("POST",), ok={403}),
    "channel_branch_visits.index": Rule(RECORDERS),
    "channel_branch_visits.lookup": Rule(RECORDERS, url_args={"phone": "0512345678"}),
    "channel_branch_visits.record_visit": Rule(RECORDERS, methods=("POST",), ok={422}),
    # Scripts, not pages: the visit form's and its service worker.
    "channel_branch_visits.visits_script": Rule(PUBLIC),
    "channel_branch_visits.service_worker": Rule(PUBLIC),
    "channel_branch_visits.manage": Rule(MANAGERS),
    "channel_branch_visits.plan": Rule(MANAGERS, methods=("POST",), ok={422}),
}
