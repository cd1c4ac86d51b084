"""Search: tickets and contacts found however the words, digits and numbers were typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from helpdesk.accounts.models import Team
from helpdesk.contacts.services import find_or_create_contact
from helpdesk.extensions import db
from helpdesk.search import queries
from helpdesk.search.index import (
    TICKETS,
    build_search_rows,
    rebuild_search_index,
    refresh_ticket_documents,
)
from helpdesk.search.models import TicketSearchDocument
from helpdesk.search.queries import (
    parse_query,
    search_contacts,
    search_tickets,
    ticket_search_clause,
)
from helpdesk.tickets.contact_merge import merge_contacts
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.services import open_ticket_in_transaction

CITIZEN_ID = "1234567897"


def _numbers(page) -> list[str]:
    return [ticket.number for ticket in page.tickets]


def _index_hits(word: str) -> list[int]:
    """Ticket ids straight from the database's full-text index (not through our queries)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return list(db.session.scalars(text(
            "SELECT rowid FROM ticket_search_fts WHERE ticket_search_fts MATCH :q"),
            {"q": f'"{word}"'}))
    return list(db.session.scalars(text(
        "SELECT ticket_id FROM ticket_search_documents "
        "WHERE search_vector @@ to_tsquery('simple', :q)"), {"q": word}))


@pytest.fixture
def manager(make_user):
    return make_user("manager")


# --- exact identifiers ---------------------------------------------------------------------

def test_a_ticket_is_found_by_its_number_in_either_digits(app, manager, make_ticket):
    wanted = make_ticket(subject="طلب سلة غذائية")
    make_ticket(subject="طلب آخر")
    arabic_digits = wanted.number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for typed in (wanted.number, arabic_digits, f"#{wanted.number}",
                  f"{wanted.year}-{wanted.sequence}"):
        page = search_tickets(manager, typed)
        assert _numbers(page) == [wanted.number], typed
        assert page.matched_by == "number"


def test_a_ticket_is_found_by_the_phone_typed_as_at_home(app, manager, make_ticket):
    contact = find_or_create_contact(name="لطيفة", phone="+966512345678")
    wanted = make_ticket(contact=contact)
    make_ticket()
    for typed in ("0512345678", "05 1234 5678", "٠٥١٢٣٤٥٦٧٨", "00966512345678"):
        page = search_tickets(manager, typed)
        assert _numbers(page) == [wanted.number], typed
        assert page.matched_by == "phone"


def test_a_ticket_is_found_by_the_national_id_in_arabic_indic_digits(app, manager,
                                                                     make_ticket):
    contact = find_or_create_contact(name="منصور", national_id=CITIZEN_ID)
    wanted = make_ticket(contact=contact)
    make_ticket()
    page = search_tickets(manager, "١٢٣٤٥٦٧٨٩٧")
    assert _numbers(page) == [wanted.number]
    assert page.matched_by == "national_id"


def test_the_query_is_understood_before_anything_is_searched():
    assert parse_query("٢٠٢٦-١٢٣").ticket_number == "2026-000123"
    assert parse_query("١٢٣٤٥٦٧٨٩٧").national_id == CITIZEN_ID
    assert parse_query("1234567890").national_id is None  # bad checksum: just words
    assert parse_query("0512345678").phone == "+966512345678"
    assert parse_query("السلّة الغذائية في الرياض").terms == ("سله", "غذاييه", "رياض")
    assert parse_query("في").terms == ("في",)  # a lone particle is still searched


# --- words, however they were typed ---------------------------------------------------------

@pytest.mark.parametrize("stored, typed", [
    ("طلب مساعدة لأسرة محتاجة", "اسره"),             # hamza on alef
    ("استفسار عن برنامج الإسكان", "الاسكان"),        # hamza under alef
    ("زيارة منزلية", "زياره"),                      # taa marbuta
    ("موعد في المستشفى", "المستشفي"),                # alef maqsura
    ("مُسَاعَدَةٌ عاجلة", "مساعدة"),                   # diacritics in the stored text
    ("مساعدة عاجلة", "مُسَاعَدَةٌ"),                   # diacritics in the query
    ("طلـــب سلة", "طلب"),                           # tatweel
    ("توزيع السلة الغذائية", "سلة غذائية"),          # without the article
    ("طلب سلة", "السلة"),                            # with the article
    ("رسوم المسؤول", "المسوول"),                     # hamza on waw
    ("عبد الرحمن يسأل", "عبدالرحمن"),                 # compound name written apart
])
def test_a_word_in_the_subject_is_found_however_it_was_typed(app, manager, make_ticket,
                                                             stored, typed):
    wanted = make_ticket(subject=stored)
    make_ticket(subject="شكر وتقدير للجمعية")
    assert _numbers(search_tickets(manager, typed)) == [wanted.number]


def test_a_word_in_a_message_body_is_found(app, manager, make_ticket):
    wanted = make_ticket(subject="تواصل", body="أرجو إفادتي بموعد صرف الإعانة الشهرية")
    make_ticket(subject="تواصل", body="شكراً لكم")
    assert _numbers(search_tickets(manager, "افادتى اعانه")) == [wanted.number]


def test_a_ticket_is_found_by_its_contacts_name(app, manager, make_ticket):
    wanted = make_ticket(contact=find_or_create_contact(name="جواهر القحطاني"))
    make_ticket()
    assert _numbers(search_tickets(manager, "جواهر")) == [wanted.number]


def test_every_word_must_match(app, manager, make_ticket):
    both = make_ticket(subject="سلة غذائية للأسرة")
    make_ticket(subject="سلة رمضان")
    assert _numbers(search_tickets(manager, "سلة أسرة")) == [both.number]


def test_particles_are_ignored_but_not_a_name_that_looks_like_one(app, manager, make_ticket):
    ali = make_ticket(contact=find_or_create_contact(name="علي الغامدي"), subject="طلب")
    make_ticket(contact=find_or_create_contact(name="سعد الغامدي"), subject="طلب")
    assert _numbers(search_tickets(manager, "علي الغامدي")) == [ali.number]
    assert _numbers(search_tickets(manager, "طلب من علي")) == [ali.number]


def test_an_unfinished_word_is_completed_when_whole_words_find_nothing(app, manager,
                                                                       make_ticket):
    wanted = make_ticket(subject="استفسار عن التسجيل")
    page = search_tickets(manager, "استفسا")
    assert _numbers(page) == [wanted.number]
    assert page.matched_by == "prefix"


def test_results_come_newest_first_a_page_at_a_time(app, manager, make_ticket):
    tickets = [make_ticket(subject=f"طلب كرسي متحرك {n}") for n in range(5)]
    make_ticket(subject="شيء آخر")
    first = search_tickets(manager, "كرسي", limit=2)
    assert _numbers(first) == [tickets[4].number, tickets[3].number]
    second = search_tickets(manager, "كرسي", limit=2, cursor=first.next_cursor)
    assert _numbers(second) == [tickets[2].number, tickets[1].number]
    third = search_tickets(manager, "كرسي", limit=2, cursor=second.next_cursor)
    assert _numbers(third) == [tickets[0].number]
    assert third.next_cursor is None


@pytest.mark.parametrize("window, common, overscan", [(2, 1, 1), (3, 2, 1), (4, 3, 4)])
def test_every_strategy_returns_the_same_pages(app, make_user, make_ticket, monkeypatch,
                                               window, common, overscan):
    # Tiny windows push PostgreSQL through its window, rare-word and common-word paths.
    monkeypatch.setattr(queries, "WINDOW", window)
    monkeypatch.setattr(queries, "COMMON_IN_WINDOW", common)
    monkeypatch.setattr(queries, "RESTRICTED_OVERSCAN", overscan)
    finance = Team(key="finance", name_ar="المالية", name_en="Finance")
    db.session.add(finance)
    db.session.commit()
    words = ["نادر", "عام", "عام", "نادر", "عام", "عام", "عام", "نادر", "عام", "عام"]
    made = [make_ticket(subject=f"طلب {word}", team_id=finance.id if n % 3 == 0 else None)
            for n, word in enumerate(words)]
    for role in ("manager", "agent"):
        user = make_user(role)
        for word in ("نادر", "عام", "طلب"):
            expected = [t.number for t in reversed(made)
                        if word in t.subject and (role == "manager" or t.team_id is None)]
            found, cursor = [], None
            while True:
                page = search_tickets(user, word, limit=2, cursor=cursor)
                found += _numbers(page)
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert found == expected, (role, word)


def test_search_honours_the_access_rule(app, make_user, make_ticket):
    finance = Team(key="finance", name_ar="المالية", name_en="Finance")
    db.session.add(finance)
    db.session.commit()
    visible = make_ticket(subject="طلب ترميم منزل")
    hidden = make_ticket(subject="طلب ترميم مسجد", team_id=finance.id)
    agent = make_user("agent")
    assert _numbers(search_tickets(agent, "ترميم")) == [visible.number]
    assert search_tickets(agent, hidden.number).tickets == []
    assert _numbers(search_tickets(make_user("manager"), "ترميم")) == \
        [hidden.number, visible.number]


# --- the index follows the data, in the same transaction -----------------------------------

def test_the_index_follows_a_message_added_to_a_ticket(app, manager, make_ticket):
    ticket = make_ticket(subject="تواصل")
    assert search_tickets(manager, "نظارات").tickets == []
    db.session.add(Event(ticket_id=ticket.id, type="message_in", visibility="public",
                         body="أحتاج نظّارات طبية"))
    db.session.commit()
    assert _numbers(search_tickets(manager, "نظارات")) == [ticket.number]


def test_the_index_follows_a_note_added_through_the_service(app, manager, make_ticket):
    from helpdesk.tickets.services import add_note

    ticket = make_ticket(subject="تواصل")
    add_note(ticket, actor=manager, expected_version=ticket.version, body="الأسرة تحتاج مكيفاً")
    assert _numbers(search_tickets(manager, "مكيفا")) == [ticket.number]


def test_the_index_follows_a_new_subject_and_a_renamed_contact(app, manager, make_ticket):
    contact = find_or_create_contact(name="سعود")
    ticket = make_ticket(contact=contact, subject="قديم")
    ticket.subject = "طلب حقيبة مدرسية"
    contact.name = "سعود الشهري"
    db.session.commit()
    assert search_tickets(manager, "قديم").tickets == []
    assert _numbers(search_tickets(manager, "حقيبه")) == [ticket.number]
    assert _numbers(search_tickets(manager, "الشهري")) == [ticket.number]


def test_a_rolled_back_ticket_leaves_no_index_entry(app, manager):
    ticket = open_ticket_in_transaction(channel_key="phone", kind="inquiry",
                                        subject="طلب ثلاجة", body="ثلاجة معطلة")
    ticket_id = ticket.id
    assert _index_hits("ثلاجه") == [ticket_id]  # inside the transaction it is there
    db.session.rollback()
    assert _index_hits("ثلاجه") == []
    assert db.session.scalar(select(func.count()).select_from(TicketSearchDocument)) == 0
    assert search_tickets(manager, "ثلاجة").tickets == []


def test_a_rolled_back_message_leaves_the_old_document(app, manager, make_ticket):
    ticket = make_ticket(subject="تواصل")
    db.session.add(Event(ticket_id=ticket.id, type="note", visibility="internal",
                         body="غسالة"))
    db.session.flush()
    db.session.rollback()
    assert _index_hits("غساله") == []
    assert _index_hits("تواصل") == [ticket.id]


def test_merging_contacts_moves_their_tickets_under_the_kept_name(app, manager, make_ticket):
    keep = find_or_create_contact(name="وليد العمري", phone="0512345678")
    duplicate = find_or_create_contact(name="ابو فهد")
    ticket = make_ticket(contact=duplicate)
    merge_contacts(keep, duplicate, manager)
    assert _numbers(search_tickets(manager, "العمري")) == [ticket.number]
    assert search_tickets(manager, "ابو فهد").tickets == []
    assert [c.id for c in search_contacts("ابو فهد").contacts] == []


def test_bulk_rows_and_a_rebuild_give_the_documents_the_orm_writes(app, manager, make_ticket):
    contact = find_or_create_contact(name="أروى")
    ticket = make_ticket(contact=contact, subject="طلب سلة", body="السلام عليكم")
    stored = db.session.get(TicketSearchDocument, ticket.id).document
    [row] = build_search_rows(
        [{"id": ticket.id, "number": ticket.number, "subject": ticket.subject,
          "contact_id": contact.id}],
        [{"ticket_id": ticket.id, "body": "السلام عليكم"}], {contact.id: "أروى"})
    assert row == {"ticket_id": ticket.id, "document": stored}
    connection = db.session.connection()
    connection.execute(TICKETS.docs.delete())
    assert _index_hits("سله") == []
    assert rebuild_search_index(connection)["tickets"] == 1
    assert refresh_ticket_documents(connection, [ticket.id, 999_999]) == 1
    db.session.commit()
    assert _index_hits("سله") == [ticket.id]


# --- the queue's clause and contacts ---------------------------------------------------------

@pytest.mark.parametrize("threshold", [0, 10])
def test_the_queue_clause_finds_what_the_search_finds(app, make_ticket, monkeypatch,
                                                      threshold):
    # With a threshold of 0 every word counts as common (the row-by-row form of the clause).
    monkeypatch.setattr(queries, "COMMON_IN_WINDOW", max(threshold, 1))
    monkeypatch.setattr(queries, "DENSE_MATCHES", threshold)
    contact = find_or_create_contact(name="حصة", national_id=CITIZEN_ID, phone="0512345678")
    by_contact = make_ticket(contact=contact, subject="شكوى")
    by_word = make_ticket(subject="طلب أجهزة كهربائية")
    make_ticket(subject="غير ذلك")

    def numbers(typed):
        return db.session.scalars(select(Ticket.number).where(ticket_search_clause(typed))
                                  .order_by(Ticket.id)).all()

    assert numbers("اجهزه") == [by_word.number]
    assert numbers("٠٥١٢٣٤٥٦٧٨") == [by_contact.number]
    assert numbers(CITIZEN_ID) == [by_contact.number]
    assert numbers(by_word.number) == [by_word.number]
    assert numbers("كلمةغيرموجودة") == []


def test_contacts_are_found_by_name_phone_id_and_email(app):
    huda = find_or_create_contact(name="هدى الغامدي", national_id=CITIZEN_ID,
                                  phone="0512345678", email="Huda@Example.org")
    find_or_create_contact(name="أمل", phone="0551234567")

    def ids(typed):
        return [c.id for c in search_contacts(typed).contacts]

    for typed in ("هدى", "هدي الغامدى", "١٢٣٤٥٦٧٨٩٧", "0512345678", "huda@example.org",
                  "HUDA@example.ORG"):
        assert ids(typed) == [huda.id], typed
    assert len(search_contacts("").contacts) == 2


# --- the page --------------------------------------------------------------------------------

def test_the_search_page_lists_tickets_and_contacts_with_masked_ids(app, make_user, login,
                                                                    make_ticket, htmx):
    contact = find_or_create_contact(name="غادة الزهراني", national_id=CITIZEN_ID)
    ticket = make_ticket(contact=contact, subject="طلب مساعدة في الإيجار")
    client = login(make_user("agent"))
    page = client.get("/search?q=غاده").get_data(as_text=True)
    assert ticket.number in page
    assert f'data-contact="{contact.id}"' in page
    assert "1•••••••97" in page and CITIZEN_ID not in page
    fragment = htmx.get("/search?q=الايجار").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="search-results"')
    assert ticket.number in fragment


def test_the_search_page_shows_more_results_as_a_fragment(app, make_user, login, make_ticket,
                                                          htmx):
    tickets = [make_ticket(subject=f"طلب بطانية {n}") for n in range(queries.PAGE_SIZE + 2)]
    login(make_user("manager"))
    first = htmx.get("/search?q=بطانيه").get_data(as_text=True)
    assert tickets[-1].number in first and tickets[0].number not in first
    assert 'id="search-more"' in first
    more = htmx.get(f"/search?q=بطانيه&after={tickets[2].id}").get_data(as_text=True)
    assert tickets[0].number in more and tickets[1].number in more
    assert "<html" not in more


def test_an_empty_search_invites_the_user_to_type(app, make_user, login):
    response = login(make_user("branch_rep")).get("/search")
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.get_data(as_text=True)
