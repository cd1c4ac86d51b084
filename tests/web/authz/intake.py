"""Expectations for intake: the staff intake page, the webhook and the failed deliveries."""

from tests.web.authz.rules import PUBLIC, Rule

CREATORS = {"admin", "manager", "agent", "research_officer", "branch_rep",
            "volunteer_coordinator"}
MANAGERS = {"admin", "manager"}


def a_failed_delivery(app):
    from helpdesk.channels.failures import record_failure

    failure = record_failure("social", "parse", detail="for the matrix", body=b"{}")
    return {"failure_id": failure.id}


EXPECTATIONS = {
    # An empty form post comes back with its errors (422).
    "intake.new": Rule(CREATORS, methods=("GET", "POST"), url_args={"channel": "phone"},
                       ok={200, 422}),
    # Public, for providers: without the channel's secret configured, every delivery fails
    # verification (403); an unknown or inactive channel would answer 404.
    "webhooks.receive_webhook": Rule(PUBLIC, methods=("POST",), url_args={"key": "social"},
                                     ok={403}),
    "webhooks.verify_subscription": Rule(PUBLIC, url_args={"key": "social"}, ok={403}),
    "channels.failures": Rule(MANAGERS),
    "channels.resolve": Rule(MANAGERS, methods=("POST",), setup=a_failed_delivery, ok={302}),
}
