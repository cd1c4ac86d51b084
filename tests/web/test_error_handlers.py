"""The use cases' errors map to HTTP once for the web: the view's own answer when it gave
one with ``answering``, else the error page (a fragment, never swapped, for htmx)."""

from __future__ import annotations

import pytest
from flask import abort

from helpdesk.tickets.errors import InvalidTransition, PermissionDenied, StaleTicket, TicketNotFound
from helpdesk.validation import ValidationError
from helpdesk.web.errors import answering

ERRORS = {
    "missing": TicketNotFound(), "refused": PermissionDenied("tickets.close"),
    "stale": StaleTicket(), "invalid_transition": InvalidTransition("inquiry", "closed", "close"),
    "invalid": ValidationError({"body": "اكتب نص الرد."}),
}


@pytest.fixture
def app(make_app):
    application = make_app()

    @application.get("/raise/<name>")
    def raise_error(name: str):
        raise ERRORS[name]

    @application.get("/answered/<name>")
    def answered(name: str):
        with answering(conflict=lambda exc: (f"conflict: {exc.message}", 409),
                       invalid=lambda exc: (f"invalid: {exc.errors['body']}", 422),
                       not_found=lambda exc: abort(404)):
            raise ERRORS[name]

    with application.app_context():
        yield application


@pytest.mark.parametrize("name, status", [
    ("missing", 404), ("refused", 403), ("stale", 409), ("invalid_transition", 409),
    ("invalid", 422),
])
def test_an_unanswered_error_is_the_error_page_with_its_status(client, htmx, name, status):
    page = client.get(f"/raise/{name}")
    assert page.status_code == status and "<html" in page.get_data(as_text=True)
    assert "HX-Reswap" not in page.headers
    partial = htmx.get(f"/raise/{name}")
    assert partial.status_code == status
    assert f'data-status="{status}"' in partial.get_data(as_text=True)
    assert partial.headers["HX-Reswap"] == "none"


def test_a_missing_ticket_answers_as_an_unknown_page_does(client):
    missing = client.get("/raise/missing").get_data(as_text=True)
    assert missing.replace("/raise/missing", "/no-such-page") == \
        client.get("/no-such-page").get_data(as_text=True)


def test_the_views_own_answer_is_used_for_its_kind_of_error(client):
    stale = client.get("/answered/stale")
    assert stale.status_code == 409 and stale.get_data(as_text=True).startswith("conflict: ")
    invalid = client.get("/answered/invalid")
    assert (invalid.status_code, invalid.get_data(as_text=True)) == (422, "invalid: اكتب نص الرد.")
    # An answer that aborts is handled as the abort would be, not as a server error.
    assert client.get("/answered/missing").status_code == 404
    assert client.get("/answered/refused").status_code == 403
