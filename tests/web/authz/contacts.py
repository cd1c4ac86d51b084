"""Expectations for the contact registry and the global search."""

import itertools

from tests.web.authz.rules import ANY_STAFF, Rule

REVEALERS = {"admin", "manager", "agent", "research_officer"}
MERGERS = {"admin", "manager"}
_serial = itertools.count(1)


def _valid_national_id(body: int) -> str:
    """A citizen ID ending in its Luhn check digit."""
    first_nine = f"1{body:08d}"
    for check in "0123456789":
        digits = first_nine + check
        total = sum((d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d
                    for i, d in enumerate(map(int, digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def _a_contact(app):
    from helpdesk.contacts.services import find_or_create_contact

    n = next(_serial)
    contact = find_or_create_contact(name=f"مستفيد المصفوفة {n}",
                                     national_id=_valid_national_id(40_000_000 + n))
    return {"contact_id": contact.id}


EXPECTATIONS = {
    "contacts.index": Rule(ANY_STAFF),
    "contacts.show": Rule(ANY_STAFF, setup=_a_contact),
    "contacts.reveal": Rule(REVEALERS, methods=("POST",), setup=_a_contact),
    # Without a chosen duplicate the POST answers with the form and its error.
    "contacts.merge": Rule(MERGERS, methods=("GET", "POST"), setup=_a_contact, ok={200, 422}),
    "search.index": Rule(ANY_STAFF),
}
