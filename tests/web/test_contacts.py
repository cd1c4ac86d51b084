"""The contact registry: one person across channels, duplicates merged, national IDs guarded."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.accounts.models import Team
from helpdesk.audit.models import AuditEntry
from helpdesk.contacts.models import Contact
from helpdesk.contacts.services import find_or_create_contact, reveal_national_id
from helpdesk.extensions import db
from helpdesk.tickets.contact_merge import merge_contacts
from helpdesk.tickets.models import Event, Ticket
from helpdesk.validation import ValidationError

CITIZEN_ID = "1234567897"
RESIDENT_ID = "2345678904"
MASKED_CITIZEN_ID = "1•••••••97"


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


# --- matching ------------------------------------------------------------------------------

def test_a_national_id_finds_the_same_contact_whatever_digits_and_phone(app):
    first = find_or_create_contact(name="سارة العتيبي", national_id=CITIZEN_ID,
                                   phone="0512345678")
    again = find_or_create_contact(name="ساره", national_id="١٢٣٤٥٦٧٨٩٧", phone="0598765432")
    assert again.id == first.id
    assert again.phone == "+966512345678"  # what staff recorded is not overwritten
    assert again.name == "سارة العتيبي"
    assert _count(Contact) == 1


def test_without_a_national_id_the_phone_finds_the_contact(app):
    first = find_or_create_contact(name="خالد", phone="+966512345678")
    again = find_or_create_contact(name="خالد الحربي", phone="٠٥١٢٣٤٥٦٧٨")
    assert again.id == first.id
    assert _count(Contact) == 1


def test_a_national_id_given_later_is_added_to_the_contact_found_by_phone(app):
    first = find_or_create_contact(phone="0512345678")
    again = find_or_create_contact(name="نورة", national_id=RESIDENT_ID, phone="512345678")
    assert again.id == first.id
    assert again.national_id == RESIDENT_ID
    assert again.name == "نورة"  # the blank name is filled in


def test_a_message_from_a_known_phone_finds_the_contact_identified_earlier(app):
    visitor = find_or_create_contact(name="بندر", national_id=CITIZEN_ID, phone="0512345678")
    writer = find_or_create_contact(name="Bandar", phone="+966512345678")
    assert writer.id == visitor.id
    assert _count(Contact) == 1


def test_a_shared_phone_with_a_different_national_id_is_another_person(app):
    mother = find_or_create_contact(name="أم محمد", national_id=CITIZEN_ID, phone="0512345678")
    son = find_or_create_contact(name="محمد", national_id=RESIDENT_ID, phone="0512345678")
    assert son.id != mother.id
    assert _count(Contact) == 2


def test_the_national_id_is_matched_before_the_phone(app):
    by_phone = find_or_create_contact(name="أ", phone="0511111111")
    by_id = find_or_create_contact(name="ب", national_id=CITIZEN_ID, phone="0501234567")
    found = find_or_create_contact(national_id=CITIZEN_ID, phone="0511111111")
    assert found.id == by_id.id != by_phone.id


@pytest.mark.parametrize("fields, errors", [
    ({"national_id": "1234567890"}, {"national_id"}),
    ({"national_id": "3234567897"}, {"national_id"}),
    ({"national_id": "12345"}, {"national_id"}),
    ({"phone": "0966512345678"}, {"phone"}),
    ({"phone": "abc", "national_id": "1234567890"}, {"phone", "national_id"}),
    ({"email": "not-an-email"}, {"email"}),
    ({}, {"name"}),
])
def test_impossible_identifiers_are_refused_field_by_field(app, fields, errors):
    with pytest.raises(ValidationError) as caught:
        find_or_create_contact(**fields)
    assert set(caught.value.errors) == errors
    assert all(caught.value.errors.values())
    assert _count(Contact) == 0


def test_identifier_errors_speak_arabic_by_default(app):
    with pytest.raises(ValidationError) as caught:
        find_or_create_contact(name="س", national_id="1234567890")
    from flask_babel import force_locale, gettext

    with force_locale("ar"):
        expected = gettext("This national ID or iqama number is not valid; check the digits.")
    assert caught.value.errors["national_id"] == expected


def test_a_person_who_calls_writes_and_walks_in_has_one_history(app, make_user, login):
    # The phone line knows the number as 05…, WhatsApp as +966…, the branch takes the ID.
    from helpdesk.tickets.services import open_ticket

    caller = find_or_create_contact(name="فاطمة", phone="0551234567")
    open_ticket(channel_key="phone", kind="inquiry", subject="موعد التوزيع", contact=caller)
    visitor = find_or_create_contact(name="فاطمة الزهراني", national_id=CITIZEN_ID,
                                     phone="٠٥٥١٢٣٤٥٦٧")
    open_ticket(channel_key="branch_visits", kind="complaint", subject="شكوى", contact=visitor)
    writer = find_or_create_contact(phone="+966551234567")
    open_ticket(channel_key="social", kind="support_request", subject="طلب مساعدة",
                contact=writer)

    assert caller.id == writer.id == visitor.id
    assert _count(Contact) == 1
    client = login(make_user("manager"))
    page = client.get(f"/contacts/{caller.id}").get_data(as_text=True)
    numbers = db.session.scalars(select(Ticket.number).order_by(Ticket.id)).all()
    assert len(numbers) == 3
    assert all(number in page for number in numbers)
    for key in ("phone", "social", "branch_visits"):
        assert f'data-channel="{key}"' in page


# --- the list and the contact page ---------------------------------------------------------

def test_the_contacts_list_shows_national_ids_masked(app, make_user, login):
    find_or_create_contact(name="عبدالله", national_id=CITIZEN_ID, phone="0512345678")
    client = login(make_user("agent"))
    response = client.get("/contacts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert MASKED_CITIZEN_ID in page
    assert CITIZEN_ID not in page
    assert "0512345678" in page


def test_the_contacts_search_box_answers_with_the_results_fragment(app, make_user, htmx, login):
    find_or_create_contact(name="عبدالرحمن السبيعي", national_id=CITIZEN_ID)
    find_or_create_contact(name="منيرة القحطاني", phone="0533333333")
    login(make_user("agent"))
    response = htmx.get("/contacts?q=عبد الرحمن السبيعى")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="contact-results"')
    assert "عبدالرحمن السبيعي" in page and "منيرة" not in page
    by_id = htmx.get("/contacts?q=١٢٣٤٥٦٧٨٩٧").get_data(as_text=True)
    assert "عبدالرحمن السبيعي" in by_id and "منيرة" not in by_id
    assert CITIZEN_ID not in by_id
    by_phone = htmx.get("/contacts?q=+966533333333").get_data(as_text=True)
    assert "منيرة القحطاني" in by_phone and "عبدالرحمن" not in by_phone


def test_the_contact_page_shows_the_id_masked_until_revealed(app, make_user, login):
    contact = find_or_create_contact(name="هيفاء", national_id=CITIZEN_ID)
    client = login(make_user("agent"))
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert MASKED_CITIZEN_ID in page
    assert CITIZEN_ID not in page
    assert 'data-testid="reveal-id"' in page
    assert _audits("contact.national_id_viewed") == []


def test_the_history_shows_only_tickets_the_user_may_see(app, make_user, login, make_ticket):
    contact = find_or_create_contact(name="ريم", phone="0544444444")
    finance = Team(key="finance", name_ar="المالية", name_en="Finance")
    db.session.add(finance)
    db.session.commit()
    open_to_triage = make_ticket(contact=contact, subject="استفسار عام")
    elsewhere = make_ticket(contact=contact, subject="صرف إعانة", team_id=finance.id)

    client = login(make_user("agent"))
    agent_page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert open_to_triage.number in agent_page
    assert elsewhere.number not in agent_page
    client.post("/logout")
    manager_page = login(make_user("manager")).get(f"/contacts/{contact.id}")
    assert elsewhere.number in manager_page.get_data(as_text=True)


# --- revealing the national ID -------------------------------------------------------------

def test_revealing_the_national_id_shows_it_and_logs_each_view(app, make_user, login, htmx):
    contact = find_or_create_contact(name="هيفاء", national_id=CITIZEN_ID)
    agent = make_user("agent")
    login(agent)
    response = htmx.post(f"/contacts/{contact.id}/national-id")
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<span id="national-id"')
    assert CITIZEN_ID in fragment
    htmx.post(f"/contacts/{contact.id}/national-id")
    views = _audits("contact.national_id_viewed")
    assert [(v.actor_id, v.target_type, v.target_id) for v in views] == \
        [(agent.id, "contact", str(contact.id))] * 2


def test_revealing_works_as_a_plain_form_post_too(app, make_user, login):
    contact = find_or_create_contact(name="هيفاء", national_id=CITIZEN_ID)
    client = login(make_user("research_officer"))
    page = client.post(f"/contacts/{contact.id}/national-id").get_data(as_text=True)
    assert "<html" in page and CITIZEN_ID in page
    assert len(_audits("contact.national_id_viewed")) == 1


@pytest.mark.parametrize("role", ["committee_member", "branch_rep", "volunteer_coordinator"])
def test_roles_without_the_permission_cannot_reveal_and_leave_no_trace(app, make_user, login,
                                                                       role):
    contact = find_or_create_contact(name="هيفاء", national_id=CITIZEN_ID)
    user = make_user(role)
    client = login(user)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert 'data-testid="reveal-id"' not in page
    response = client.post(f"/contacts/{contact.id}/national-id")
    assert response.status_code == 403
    assert CITIZEN_ID not in response.get_data(as_text=True)
    with pytest.raises(PermissionError):
        reveal_national_id(contact, user)
    assert _audits("contact.national_id_viewed") == []


# --- merging duplicates --------------------------------------------------------------------

def test_merging_moves_every_ticket_and_records_it(app, make_user, make_ticket):
    manager = make_user("manager")
    keep = find_or_create_contact(name="سلمان الدوسري", phone="0512345678")
    duplicate = find_or_create_contact(name="سلمان", national_id=CITIZEN_ID,
                                       email="salman@example.org")
    kept_tickets = [make_ticket(contact=keep) for _ in range(2)]
    moved_tickets = [make_ticket(contact=duplicate, channel_key=key)
                     for key in ("social", "website", "letters")]

    moved = merge_contacts(keep, duplicate, manager)

    assert sorted(moved) == sorted(t.id for t in moved_tickets)
    assert _count(Ticket, Ticket.contact_id == keep.id) == 5
    assert _count(Ticket, Ticket.contact_id == duplicate.id) == 0
    assert _count(Ticket) == 5
    for ticket in moved_tickets:
        events = db.session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                        Event.type == "contact_merged")).all()
        assert len(events) == 1
        assert events[0].visibility == "internal"
        assert events[0].actor_id == manager.id
        assert events[0].data["from_contact_id"] == duplicate.id
    for ticket in kept_tickets:
        assert _count(Event, Event.ticket_id == ticket.id, Event.type == "contact_merged") == 0
    # Details the kept contact lacked come from the duplicate; its national ID moves too.
    assert keep.national_id == CITIZEN_ID
    assert keep.email == "salman@example.org"
    assert keep.phone == "+966512345678"
    assert duplicate.national_id is None
    assert duplicate.merged_into_id == keep.id
    [audit] = _audits("contact.merged")
    assert audit.actor_id == manager.id
    assert audit.target_id == str(keep.id)
    assert sorted(audit.after["moved_tickets"]) == sorted(moved)
    assert CITIZEN_ID not in str(audit.before)  # masked in the log


def test_a_merged_contact_leaves_lists_and_matching_and_its_page_leads_on(app, make_user, login):
    keep = find_or_create_contact(name="مها", phone="0512345678")
    duplicate = find_or_create_contact(name="مها الشمري", email="maha@example.org")
    merge_contacts(keep, duplicate, make_user("admin"))
    client = login(make_user("agent"))
    listing = client.get("/contacts").get_data(as_text=True)
    assert f'data-contact="{duplicate.id}"' not in listing
    assert f'data-contact="{keep.id}"' in listing
    response = client.get(f"/contacts/{duplicate.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{keep.id}")
    assert find_or_create_contact(email="maha@example.org", phone="0512345678").id == keep.id


def test_contacts_with_different_national_ids_are_not_merged(app, make_user, make_ticket):
    one = find_or_create_contact(name="أ", national_id=CITIZEN_ID)
    other = find_or_create_contact(name="ب", national_id=RESIDENT_ID)
    ticket = make_ticket(contact=other)
    with pytest.raises(ValidationError) as caught:
        merge_contacts(one, other, make_user("manager"))
    assert "duplicate" in caught.value.errors
    db.session.refresh(ticket)
    assert ticket.contact_id == other.id
    assert other.merged_into_id is None
    assert _audits("contact.merged") == []


def test_a_contact_cannot_be_merged_into_itself(app, make_user):
    contact = find_or_create_contact(name="أ", phone="0512345678")
    with pytest.raises(ValidationError):
        merge_contacts(contact, contact, make_user("manager"))


def test_the_merge_tool_suggests_the_duplicate_then_merges_on_confirmation(app, make_user,
                                                                           login, make_ticket):
    keep = find_or_create_contact(name="تركي", national_id=CITIZEN_ID, phone="0512345678")
    duplicate = find_or_create_contact(name="تركي المطيري", phone="0599999999")
    duplicate.phone = "+966512345678"  # recorded twice with the same phone
    db.session.commit()
    ticket = make_ticket(contact=duplicate)
    client = login(make_user("manager"))

    tool = client.get(f"/contacts/{keep.id}/merge").get_data(as_text=True)
    assert f'data-contact="{duplicate.id}"' in tool
    confirm = client.get(f"/contacts/{keep.id}/merge?duplicate={duplicate.id}")
    assert 'data-testid="merge-confirm"' in confirm.get_data(as_text=True)
    response = client.post(f"/contacts/{keep.id}/merge", data={"duplicate": duplicate.id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{keep.id}")
    db.session.refresh(ticket)
    assert ticket.contact_id == keep.id


def test_the_merge_tool_search_answers_with_the_candidates_fragment(app, make_user, login,
                                                                    htmx):
    keep = find_or_create_contact(name="بدر", phone="0512345678")
    other = find_or_create_contact(name="بدرية العنزي", phone="0587654321")
    login(make_user("admin"))
    fragment = htmx.get(f"/contacts/{keep.id}/merge?q=بدريه").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="merge-candidates"')
    assert f'data-contact="{other.id}"' in fragment
    assert f'data-contact="{keep.id}"' not in fragment


def test_confirming_without_a_duplicate_shows_the_error(app, make_user, login):
    keep = find_or_create_contact(name="بدر", phone="0512345678")
    response = login(make_user("manager")).post(f"/contacts/{keep.id}/merge", data={})
    assert response.status_code == 422
    assert 'data-testid="error-duplicate"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "research_officer", "branch_rep"])
def test_roles_without_the_permission_cannot_merge(app, make_user, login, role):
    keep = find_or_create_contact(name="أ", phone="0512345678")
    duplicate = find_or_create_contact(name="ب", phone="0587654321")
    user = make_user(role)
    response = login(user).post(f"/contacts/{keep.id}/merge",
                                data={"duplicate": duplicate.id})
    assert response.status_code == 403
    with pytest.raises(PermissionError):
        merge_contacts(keep, duplicate, user)
    db.session.refresh(duplicate)
    assert duplicate.merged_into_id is None
