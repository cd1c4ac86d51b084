"""The portal's /track and the API's public tracking share their failed-lookup limits (per
address and per ticket number), so guesses cannot be split between the two doors."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db, limiter
from helpdesk.tickets.models import Ticket
from tests.support.pages import without_csrf_tokens

PHONE = "+966512345678"
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def portal(client, number: str, phone: str, address: str = "10.1.1.1"):
    return client.post("/track", data={"number": number, "phone": phone},
                       environ_base={"REMOTE_ADDR": address})


def api(client, number: str, phone: str, address: str = "10.1.1.1"):
    return client.post("/api/v1/public/track", json={"number": number, "phone": phone},
                       environ_base={"REMOTE_ADDR": address})


def assert_api_refused(response) -> None:
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_wrong_phones_for_one_number_from_one_address_count_together_on_both_doors(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_NUMBER_RATE_LIMIT="4 per hour",
                   PORTAL_LOOKUP_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        number = make_ticket(contact=make_contact(phone=PHONE)).number
        client = app.test_client()
        # Four wrong phones from one address, two through each door (the portal's number
        # written in Arabic digits: it is the same number).
        answers = [portal(client, number.translate(ARABIC_DIGITS), "0500000001"),
                   api(client, number, "0500000002"),
                   portal(client, number, "0500000003"),
                   api(client, number, "0500000004")]
        assert [r.status_code for r in answers] == [404, 404, 404, 404]
        # The fifth guess from that address is refused on either door.
        assert portal(client, number, "0500000005").status_code == 429
        assert_api_refused(api(client, number, "0500000006"))


def test_after_many_wrong_phones_from_elsewhere_the_right_phone_still_gets_in(
        make_app, make_contact, make_ticket):
    """One person cannot lock the rightful owner out of their own request."""
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_NUMBER_RATE_LIMIT="5 per 15 minutes",
                   PORTAL_LOOKUP_RATE_LIMIT="10 per 10 minutes")
    with app.app_context():
        limiter.reset()
        number = make_ticket(contact=make_contact(phone=PHONE)).number
        client = app.test_client()
        wrong = [portal(client, number, f"05000000{i:02d}", "10.6.6.6").status_code
                 for i in range(8)]
        assert wrong == [404] * 5 + [429] * 3
        assert portal(client, number, PHONE, "10.1.2.3").status_code == 302
        assert api(client, number, PHONE, "10.1.2.4").status_code == 200
        # The signed link the person received is never limited.
        assert client.get(portal(client, number, PHONE, "10.1.2.3").headers["Location"]
                          ).status_code == 200


def test_one_address_guessing_numbers_on_both_doors_is_refused_on_both(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="4 per hour",
                      PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        answers = [portal(client, "2026-000001", "0512345678"),
                   api(client, "2026-000002", "0512345678"),
                   portal(client, "2026-000003", "0512345678"),
                   api(client, "2026-000004", "0512345678")]
        assert [r.status_code for r in answers] == [404, 404, 404, 404]
        refused = portal(client, "2026-000005", "0512345678")
        assert refused.status_code == 429
        assert 'action="/track"' not in refused.get_data(as_text=True)
        assert_api_refused(api(client, "2026-000006", "0512345678"))
        # Another address is still answered.
        assert api(client, "2026-000007", "0512345678", "10.9.9.9").status_code == 404


def test_under_the_shared_limits_a_wrong_phone_and_an_unknown_number_look_the_same(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="100 per hour",
                      PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        number = make_ticket(contact=make_contact(phone=PHONE)).number
        unknown = "2026-999999"
        assert db.session.scalar(select(Ticket).where(Ticket.number == unknown)) is None
        client = app.test_client()
        wrong_phone, no_ticket = api(client, number, "0598765432"), api(client, unknown,
                                                                          "0598765432")
        assert wrong_phone.status_code == no_ticket.status_code == 404
        assert wrong_phone.get_json() == no_ticket.get_json()
        wrong_phone, no_ticket = (portal(client, number, "0598765432"),
                                  portal(client, unknown, "0598765432"))
        assert wrong_phone.status_code == no_ticket.status_code == 404
        # Identical but for the number the person typed, which the form keeps.
        assert without_csrf_tokens(wrong_phone.get_data(as_text=True)).replace(number, "N") \
            == without_csrf_tokens(no_ticket.get_data(as_text=True)).replace(unknown, "N")


def test_a_person_who_finds_their_request_through_both_doors_is_never_counted(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="2 per hour",
                      PORTAL_NUMBER_RATE_LIMIT="2 per hour")
    with app.app_context():
        limiter.reset()
        number = make_ticket(contact=make_contact(phone=PHONE)).number
        client = app.test_client()
        for _ in range(3):
            assert portal(client, number, PHONE).status_code == 302
            assert api(client, number, PHONE).status_code == 200


# ---------------------------------------------------------------------------------------
# The client's address behind the reverse proxy

PROXY = "10.0.0.1"


def via_proxy(client, number: str, forwarded_for: str):
    return client.post("/track", data={"number": number, "phone": "0512345678"},
                       environ_base={"REMOTE_ADDR": PROXY},
                       headers={"X-Forwarded-For": forwarded_for})


def test_behind_a_trusted_proxy_two_clients_are_counted_separately(make_app):
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXY_COUNT=1,
                   PORTAL_LOOKUP_RATE_LIMIT="2 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        first = [via_proxy(client, f"2026-00000{i}", "203.0.113.5").status_code
                 for i in range(3)]
        assert first == [404, 404, 429]
        # Another visitor behind the same proxy is not refused for the first one's guesses.
        assert via_proxy(client, "2026-000009", "203.0.113.6").status_code == 404
        # A client cannot hide behind an address it writes itself: the proxy appends the
        # real one, and only the last (the proxy's word) is trusted.
        assert via_proxy(client, "2026-000008", "198.51.100.1, 203.0.113.5"
                         ).status_code == 429


def test_without_the_setting_x_forwarded_for_is_ignored(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="2 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        answers = [via_proxy(client, f"2026-00000{i}", f"203.0.113.{i}").status_code
                   for i in range(3)]
        assert answers == [404, 404, 429]
