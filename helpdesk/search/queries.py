"""Finding tickets and contacts by number, national ID, phone, name or words.

Exact identifiers go straight to their B-tree indexes: a ticket number to ``tickets.number``,
a national ID or a phone to ``contacts`` and then ``tickets.contact_id``. Everything else is
normalised into words and handed to the database's full-text engine:

- SQLite: the FTS5 table drives the query in rowid (= ticket id) order, newest first, and
  the access rule is checked on each hit through the tickets' primary key; ``LIMIT`` stops
  the walk as soon as a page is full.
- PostgreSQL: a GIN index cannot return rows in id order, and the planner's guess of how
  common a word is goes badly wrong for rare words. So the newest documents are tried
  first, a bounded window read backwards through the primary key; common words fill the
  page there. A window with only a few matches means rare words: their few matches are then
  collected from the GIN index and sorted. Words in between (or hidden by the access rule)
  get a few more windows before the planner finishes the page. Either way a page reads a
  bounded amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import True_

from helpdesk.contacts.identifiers import (
    InvalidIdentifier,
    normalise_national_id,
    normalise_phone,
)
from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.i18n.normalise import to_ascii_digits, without_prefix, words
from helpdesk.search.index import CONTACTS, TICKETS, VECTOR_COLUMN, SearchIndex
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.numbering import NUMBER_DIGITS, format_ticket_number
from helpdesk.tickets.queries import visible_tickets_clause

PAGE_SIZE = 25
MAX_TERMS = 8
MIN_PREFIX = 3
# PostgreSQL: how many of the newest documents are read before the rare-word path, and how
# many of them must match for the words to count as common.
WINDOW = 5_000
COMMON_IN_WINDOW = 10
# With an access rule, how many more window matches than a page are read before the rest
# is left to the planner.
RESTRICTED_OVERSCAN = 4
# Windows read before the planner is left to finish a page.
MAX_WINDOWS = 4
# The queue's clause on PostgreSQL: words with fewer matches than this become an id list.
FEW_MATCHES = 1_000
# The queue's clause on SQLite: words with more matches than this are checked row by row.
DENSE_MATCHES = 50_000

# Particles that match nearly every document: dropped when the query has other words.
STOP_WORDS = frozenset(words(
    "من في الى إلى عن مع او أو ثم ان إن أن قد لا ما هل يا و ف ب ل ك هذا هذه ذلك تلك "
    "التي الذي الذين كل بعد قبل عند لدى هو هي انا نحن انتم"))
# (Not على: normalised it is علي, a name.)

_TICKET_NUMBER = re.compile(rf"^#?\s*(\d{{4}})\s*[-/]\s*(\d{{1,{NUMBER_DIGITS}}})$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
_ID_LIKE = re.compile(r"^[\d\s\-]{10,14}$")
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed, understood: at most one exact identifier, then words."""

    text: str
    ticket_number: str | None = None
    national_id: str | None = None
    phone: str | None = None
    email: str | None = None
    terms: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.ticket_number or self.national_id or self.phone or self.email
                    or self.terms)


def query_terms(text: str) -> tuple[str, ...]:
    """The words to look for: normalised, without their article (documents hold both forms),
    without duplicates, and without particles when anything else was typed."""
    terms: list[str] = []
    for word in words(text):
        term = without_prefix(word) or word
        if term not in terms:
            terms.append(term)
    meaningful = [term for term in terms if term not in STOP_WORDS]
    return tuple((meaningful or terms)[:MAX_TERMS])


def parse_query(text: str | None) -> SearchQuery:
    raw = (text or "").strip()
    typed = to_ascii_digits(raw)
    number = national_id = phone = email = None
    match = _TICKET_NUMBER.match(typed)
    if match:
        number = format_ticket_number(int(match.group(1)), int(match.group(2)))
    elif _ID_LIKE.match(typed):
        try:
            national_id = normalise_national_id(typed)
        except InvalidIdentifier:
            national_id = None
    if not (number or national_id) and _PHONE_LIKE.match(typed):
        try:
            phone = normalise_phone(typed)
        except InvalidIdentifier:
            phone = None
    if _EMAIL_LIKE.match(typed):
        email = typed.lower()
    return SearchQuery(text=raw, ticket_number=number, national_id=national_id, phone=phone,
                       email=email, terms=query_terms(raw))


# ---------------------------------------------------------------------------------------
# Full-text conditions, per database


def _fts5_match(terms: tuple[str, ...], prefix: bool) -> str:
    quoted = [f'"{term}"' for term in terms]
    if prefix and len(terms[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(terms: tuple[str, ...], prefix: bool) -> str:
    parts = list(terms)
    if prefix and len(terms[-1]) >= MIN_PREFIX:
        parts[-1] += ":*"
    return " & ".join(parts)


def _fts_table(index: SearchIndex):
    return table(index.fts, column("rowid"), column(index.fts))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _pg_matches(index: SearchIndex, terms: tuple[str, ...], prefix: bool):
    vector = literal_column(f"{index.docs.name}.{VECTOR_COLUMN}")
    query = func.to_tsquery(literal_column("'simple'"), _tsquery(terms, prefix))
    return vector.op("@@")(query)


def matching_ids_subquery(index: SearchIndex, terms: tuple[str, ...],
                          prefix: bool = False) -> Select:
    """``SELECT id`` of every document matching all ``terms`` (for ``IN (…)``)."""
    if _dialect() == "postgresql":
        return select(index.key_column).where(_pg_matches(index, terms, prefix))
    fts = _fts_table(index)
    return select(fts.c.rowid).where(fts.c[index.fts].op("MATCH")(_fts5_match(terms, prefix)))


def _always_true(clause: Any) -> bool:
    """Whether an access clause lets everything through (``or_(true(), false())`` is wrapped
    in an AsBoolean)."""
    while clause is not None:
        if isinstance(clause, True_):
            return True
        clause = getattr(clause, "element", None)
    return False


def _ids_sqlite(index: SearchIndex, terms: tuple[str, ...], prefix: bool, limit: int,
                before: int | None, owner=None, access=None) -> list[int]:
    fts = _fts_table(index)
    statement = (select(fts.c.rowid)
                 .where(fts.c[index.fts].op("MATCH")(_fts5_match(terms, prefix)))
                 .order_by(fts.c.rowid.desc()).limit(limit))
    if before is not None:
        statement = statement.where(fts.c.rowid < before)
    if owner is not None and not _always_true(access):
        statement = statement.join(owner, owner.c.id == fts.c.rowid).where(access)
    return list(db.session.scalars(statement))


def _ids_postgresql(index: SearchIndex, terms: tuple[str, ...], prefix: bool, limit: int,
                    before: int | None, owner=None, access=None) -> list[int]:
    docs, key = index.docs, index.key_column
    query = func.to_tsquery(literal_column("'simple'"), _tsquery(terms, prefix))
    restricted = owner is not None and not _always_true(access)

    def visible(statement: Select, id_column) -> Select:
        if restricted:
            statement = statement.join(owner, owner.c.id == id_column).where(access)
        return statement

    found: list[int] = []
    upper = before
    enough = max(limit, COMMON_IN_WINDOW) * (RESTRICTED_OVERSCAN if restricted else 1)
    for _ in range(MAX_WINDOWS):
        # 1. The newest documents below ``upper``, read backwards through the primary key
        #    until enough of them match (the GIN index cannot give rows in id order).
        below = key < upper if upper is not None else true()
        window = (select(key.label("id"), literal_column(VECTOR_COLUMN).label("vector"))
                  .select_from(docs).where(below).order_by(key.desc()).limit(WINDOW)
                  .subquery("window"))
        raw = list(db.session.scalars(select(window.c.id)
                                      .where(window.c.vector.op("@@")(query))
                                      .order_by(window.c.id.desc()).limit(enough)))
        if restricted and raw:
            allowed = set(db.session.scalars(select(owner.c.id)
                                             .where(owner.c.id.in_(raw), access)))
            raw_visible = [i for i in raw if i in allowed]
        else:
            raw_visible = raw
        found += raw_visible
        if len(found) >= limit:
            return found[:limit]
        if len(raw) == enough:
            # Common words, mostly out of the user's reach: read on, more at a time.
            upper, enough = raw[-1], min(enough * 2, WINDOW)
            continue
        boundary = db.session.scalar(select(key).where(below).order_by(key.desc())
                                     .offset(WINDOW - 1).limit(1))
        if boundary is None:  # nothing older than this window
            return found
        if len(raw) < COMMON_IN_WINDOW:
            # 2. Rare words: all their older matches from the GIN index (few), sorted.
            rare = (select(key.label("id")).where(_pg_matches(index, terms, prefix),
                                                  key < boundary)
                    .cte("rare_matches").prefix_with("MATERIALIZED"))
            statement = visible(select(rare.c.id), rare.c.id).order_by(rare.c.id.desc())
            return found + list(db.session.scalars(statement.limit(limit - len(found))))
        upper = boundary
    # 3. Still short after several windows: leave the rest to the planner.
    below = key < upper if upper is not None else true()
    statement = visible(select(key).where(_pg_matches(index, terms, prefix), below), key) \
        .order_by(key.desc()).limit(limit - len(found))
    return found + list(db.session.scalars(statement))


def _sqlite_many_matches(index: SearchIndex, terms: tuple[str, ...], many: int) -> bool:
    fts = _fts_table(index)
    found = select(fts.c.rowid).where(fts.c[index.fts].op("MATCH")(_fts5_match(terms, False))) \
        .limit(many + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(found)) > many


def _pg_few_matches(index: SearchIndex, terms: tuple[str, ...], cap: int) -> list[int] | None:
    """Every match of rare words (at most ``cap``), or None for words too common to list.
    Common in the newest documents means common: the planner's estimate is then sound."""
    key = index.key_column
    window = (select(literal_column(VECTOR_COLUMN).label("vector")).select_from(index.docs)
              .order_by(key.desc()).limit(WINDOW).subquery("window"))
    in_window = db.session.scalar(select(func.count()).select_from(
        select(window.c.vector).where(window.c.vector.op("@@")(
            func.to_tsquery(literal_column("'simple'"), _tsquery(terms, False))))
        .limit(COMMON_IN_WINDOW).subquery()))
    if in_window >= COMMON_IN_WINDOW:
        return None
    matches = (select(key.label("id")).where(_pg_matches(index, terms, False)).limit(cap + 1)
               .cte("few_matches").prefix_with("MATERIALIZED"))
    ids = list(db.session.scalars(select(matches.c.id)))
    return ids if len(ids) <= cap else None


def matching_ids(index: SearchIndex, terms: tuple[str, ...], *, limit: int,
                 before: int | None = None, prefix: bool = False, owner=None,
                 access: ColumnElement[bool] | None = None) -> list[int]:
    """Ids of documents matching every term, newest first, below ``before``; with ``owner``
    (a table keyed by the same id) only those satisfying ``access`` over it."""
    if not terms:
        return []
    engine = _ids_postgresql if _dialect() == "postgresql" else _ids_sqlite
    if owner is not None and access is None:
        access = true()
    return engine(index, terms, prefix, limit, before, owner, access)


def word_ids(index: SearchIndex, terms: tuple[str, ...], *, limit: int, cursor: str | None,
             owner=None, access: ColumnElement[bool] | None = None) -> tuple[list[int], bool]:
    """Ids for one page of a word search and whether they came from the prefix search: whole
    words first; when they find nothing at all, the last word is taken as unfinished."""
    before, prefix = _parse_cursor(cursor)
    if not prefix:
        ids = matching_ids(index, terms, limit=limit, before=before, owner=owner, access=access)
        if ids or before is not None or len(terms[-1]) < MIN_PREFIX:
            return ids, False
    return matching_ids(index, terms, limit=limit, before=before, prefix=True, owner=owner,
                        access=access), True


def _parse_cursor(cursor: str | None) -> tuple[int | None, bool]:
    """A cursor is the last id shown, with ``*`` when the page came from the prefix search."""
    if not cursor:
        return None, False
    prefix = cursor.endswith("*")
    digits = cursor.rstrip("*")
    return (int(digits), prefix) if digits.isdigit() else (None, False)


def _cursor(last_id: int, prefix: bool) -> str:
    return f"{last_id}{'*' if prefix else ''}"


# ---------------------------------------------------------------------------------------
# Tickets


@dataclass(frozen=True)
class TicketSearchPage:
    query: SearchQuery
    tickets: list[Ticket] = field(default_factory=list)
    next_cursor: str | None = None
    matched_by: str | None = None  # number, national_id, phone, words, prefix


def _contact_ids(condition: ColumnElement[bool]) -> Select:
    return select(Contact.id).where(condition)


def _exact_contact_clause(query: SearchQuery) -> ColumnElement[bool] | None:
    if query.national_id:
        return Ticket.contact_id.in_(_contact_ids(Contact.national_id == query.national_id))
    if query.phone:
        return Ticket.contact_id.in_(_contact_ids(Contact.phone == query.phone))
    return None


def _load_tickets(ids: list[int]) -> list[Ticket]:
    if not ids:
        return []
    rows = db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))
                              .options(joinedload(Ticket.contact))).unique()
    by_id = {ticket.id: ticket for ticket in rows}
    return [by_id[i] for i in ids if i in by_id]


def _page(query: SearchQuery, tickets: list[Ticket], limit: int, how: str,
          prefix: bool = False) -> TicketSearchPage:
    more = len(tickets) > limit
    tickets = tickets[:limit]
    cursor = _cursor(tickets[-1].id, prefix) if more else None
    return TicketSearchPage(query, tickets, cursor, how)


def search_tickets(user: Any, text: str | None, limit: int = PAGE_SIZE,
                   cursor: str | None = None) -> TicketSearchPage:
    """Tickets ``user`` may see that match ``text``, newest first, ``limit`` at a time."""
    query = parse_query(text)
    if query.is_empty:
        return TicketSearchPage(query)
    access = visible_tickets_clause(user)
    before, _ = _parse_cursor(cursor)
    if query.ticket_number and before is None:
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == query.ticket_number,
                                                        access))
        if ticket is not None:
            return TicketSearchPage(query, [ticket], None, "number")
    exact = _exact_contact_clause(query)
    if exact is not None:
        statement = (select(Ticket).where(exact, access).order_by(Ticket.id.desc())
                     .limit(limit + 1).options(joinedload(Ticket.contact)))
        if before is not None:
            statement = statement.where(Ticket.id < before)
        how = "national_id" if query.national_id else "phone"
        return _page(query, list(db.session.scalars(statement).unique()), limit, how)
    if not query.terms:
        return TicketSearchPage(query)
    ids, prefix = word_ids(TICKETS, query.terms, limit=limit + 1, cursor=cursor,
                           owner=Ticket.__table__, access=access)
    return _page(query, _load_tickets(ids), limit, "prefix" if prefix else "words", prefix)


def ticket_search_clause(text: str | None) -> ColumnElement[bool]:
    """A WHERE clause over ``tickets`` for the queue's search box (combined there with the
    access rule, the filters and any sort). Exact identifiers use their indexes; words
    become ``tickets.id IN (matching documents)``."""
    query = parse_query(text)
    if query.ticket_number:
        return Ticket.number == query.ticket_number
    exact = _exact_contact_clause(query)
    if exact is not None:
        return exact
    if not query.terms:
        return false()
    if _dialect() == "postgresql":
        # Rare words: hand the planner the few ids, not a guess it would get wrong.
        few = _pg_few_matches(TICKETS, query.terms, FEW_MATCHES)
        if few is not None:
            return Ticket.id.in_(few) if few else false()
    elif _sqlite_many_matches(TICKETS, query.terms, DENSE_MATCHES):
        # Words in a large share of tickets: check each ticket the queue reads, rather than
        # collecting every match first (FTS5 answers a rowid probe directly).
        fts = _fts_table(TICKETS)
        return (select(literal_column("1")).select_from(fts)
                .where(fts.c[TICKETS.fts].op("MATCH")(_fts5_match(query.terms, False)),
                       fts.c.rowid == Ticket.id).exists())
    return Ticket.id.in_(matching_ids_subquery(TICKETS, query.terms))


# ---------------------------------------------------------------------------------------
# Contacts


@dataclass(frozen=True)
class ContactSearchPage:
    query: SearchQuery
    contacts: list[Contact] = field(default_factory=list)
    next_cursor: str | None = None
    matched_by: str | None = None


def _contact_page(query: SearchQuery, statement: Select, limit: int, before: int | None,
                  how: str | None) -> ContactSearchPage:
    if before is not None:
        statement = statement.where(Contact.id < before)
    contacts = list(db.session.scalars(statement.order_by(Contact.id.desc())
                                       .limit(limit + 1)))
    more = len(contacts) > limit
    contacts = contacts[:limit]
    return ContactSearchPage(query, contacts, str(contacts[-1].id) if more else None, how)


def search_contacts(text: str | None, limit: int = PAGE_SIZE,
                    cursor: str | None = None) -> ContactSearchPage:
    """Contacts (not merged away) matching ``text``, newest first; every contact when
    ``text`` is empty."""
    query = parse_query(text)
    before, _ = _parse_cursor(cursor)
    current = select(Contact).where(Contact.merged_into_id.is_(None))
    if query.is_empty:
        return _contact_page(query, current, limit, before, None)
    if query.national_id:
        return _contact_page(query, current.where(Contact.national_id == query.national_id),
                             limit, before, "national_id")
    if query.phone:
        return _contact_page(query, current.where(Contact.phone == query.phone),
                             limit, before, "phone")
    if query.email:
        page = _contact_page(query, current.where(Contact.email == query.email),
                             limit, before, "email")
        if page.contacts or before is not None:
            return page
    if not query.terms:
        return ContactSearchPage(query)
    ids, prefix = word_ids(CONTACTS, query.terms, limit=limit + 1, cursor=cursor)
    by_id = {c.id: c for c in db.session.scalars(select(Contact).where(Contact.id.in_(ids)))}
    contacts = [by_id[i] for i in ids if i in by_id]
    more = len(contacts) > limit
    contacts = contacts[:limit]
    return ContactSearchPage(query, contacts, _cursor(contacts[-1].id, prefix) if more else None,
                             "prefix" if prefix else "words")


def contact_search_clause(text: str | None) -> ColumnElement[bool]:
    """A WHERE clause over ``contacts`` (for pickers that add their own conditions)."""
    query = parse_query(text)
    if query.national_id:
        return Contact.national_id == query.national_id
    if query.phone:
        return Contact.phone == query.phone
    if not query.terms:
        return false() if query.text else true()
    return Contact.id.in_(matching_ids_subquery(CONTACTS, query.terms))
