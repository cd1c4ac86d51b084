"""The person's printed receipt (A4 and 80 mm) and the receipt sent at once."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from helpdesk.calendar.services import calendar_for
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date
from helpdesk.tickets.change import riyadh_today
from helpdesk.tickets.receipts import expected_decision_date, qr_svg


def html(response) -> str:
    return response.get_data(as_text=True)


def tracking_url_on(page: str) -> str:
    found = re.search(r'data-testid="receipt-url">([^<]+)<', page)
    assert found, "the receipt shows the tracking address as text"
    return unescape(found.group(1)).strip()


def test_the_receipt_shows_the_number_both_calendars_the_next_step_and_the_decision_date(
        client, make_user, login, make_ticket):
    ticket = make_ticket(kind="support_request", channel_key="interview")
    login(make_user("agent"))
    response = client.get(f"/tickets/{ticket.number}/receipt")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = html(response)
    assert ticket.number in page
    opened = riyadh_today(ticket.created_at)
    assert hijri_date(opened) in page and gregorian_date(opened) in page
    due = calendar_for(None).working_days_after(opened, 10)  # ten working days by default
    assert expected_decision_date(ticket) == due
    assert f"{hijri_date(due)} — {gregorian_date(due)}" in page
    assert "الباحث الاجتماعي" in page
    assert "/portal/" in tracking_url_on(page) or "/track/" in tracking_url_on(page) \
        or tracking_url_on(page).startswith("http")


def test_the_qr_code_on_the_receipt_encodes_the_tracking_address(
        client, make_user, login, make_ticket):
    ticket = make_ticket()
    login(make_user("agent"))
    page = html(client.get(f"/tickets/{ticket.number}/receipt"))
    url = tracking_url_on(page)
    drawn = re.search(r'<path[^>]*class="qrline"[^>]*/>', page).group(0)
    again = re.search(r'<path[^>]*class="qrline"[^>]*/>', str(qr_svg(url))).group(0)
    assert drawn == again
    assert 'style=' not in re.search(r"<svg.*?</svg>", page, re.S).group(0)
    # The address opens the person's tracking page.
    client.get("/logout")
    path = url.split("localhost", 1)[1]
    assert client.get(path).status_code == 200


def test_a_date_set_by_the_committee_is_the_expected_decision_date(
        client, make_user, login, make_ticket):
    ticket = make_ticket(kind="support_request")
    ticket.decision_due_on = date(2026, 12, 24)
    db.session.commit()
    login(make_user("agent"))
    page = html(client.get(f"/tickets/{ticket.number}/receipt"))
    assert f"{hijri_date(date(2026, 12, 24))} — {gregorian_date(date(2026, 12, 24))}" in page


def test_an_inquiry_has_no_decision_date(client, make_user, login, make_ticket):
    ticket = make_ticket(kind="inquiry")
    login(make_user("agent"))
    page = html(client.get(f"/tickets/{ticket.number}/receipt"))
    assert 'data-testid="receipt-decision-due"' not in page
    assert expected_decision_date(ticket) is None


def test_the_80_mm_receipt_loads_its_own_stylesheet_and_an_unknown_paper_falls_back(
        client, make_user, login, make_ticket):
    ticket = make_ticket()
    login(make_user("agent"))
    narrow = html(client.get(f"/tickets/{ticket.number}/receipt?format=80mm"))
    assert "css/receipt-80mm.css" in narrow and "sila-paper-80mm" in narrow
    other = html(client.get(f"/tickets/{ticket.number}/receipt?format=letter"))
    assert "receipt-80mm.css" not in other and "sila-paper-a4" in other


def test_the_ticket_page_links_to_the_receipt(client, make_user, login, make_ticket):
    ticket = make_ticket()
    login(make_user("agent"))
    page = html(client.get(f"/tickets/{ticket.number}"))
    assert f"/tickets/{ticket.number}/receipt" in page


def test_a_ticket_out_of_reach_has_no_receipt(client, make_user, login):
    login(make_user("agent"))
    assert client.get("/tickets/2026-999999/receipt").status_code == 404


def test_an_anonymous_visitor_cannot_print_a_receipt(client, make_ticket):
    ticket = make_ticket()
    response = client.get(f"/tickets/{ticket.number}/receipt")
    assert response.status_code in (302, 401)
