"""Saudi identifiers: national ID / iqama (checksum) and phone numbers (E.164). Pure."""

from __future__ import annotations

import re

import phonenumbers

from helpdesk.i18n.normalise import to_ascii_digits

NATIONAL_ID_LENGTH = 10
CITIZEN, RESIDENT = "1", "2"
DEFAULT_REGION = "SA"
MASK = "•"
_SEPARATORS = re.compile(r"[\s\-]+")


class InvalidIdentifier(ValueError):
    """A national ID or phone that cannot be right; ``reason`` says why, for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def luhn_valid(digits: str) -> bool:
    """The checksum of Saudi IDs: double the digits in odd positions (1st, 3rd …), subtract 9
    from results above 9, and the sum of all ten digits is a multiple of 10."""
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_national_id(value: str) -> str:
    """A national ID (citizen, starts with 1) or iqama (resident, starts with 2) as ten ASCII
    digits; Arabic-Indic digits, spaces and dashes are accepted. Raises InvalidIdentifier."""
    digits = _SEPARATORS.sub("", to_ascii_digits(value or ""))
    if not digits:
        raise InvalidIdentifier("empty")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidIdentifier("not_digits")
    if len(digits) != NATIONAL_ID_LENGTH:
        raise InvalidIdentifier("length")
    if digits[0] not in (CITIZEN, RESIDENT):
        raise InvalidIdentifier("first_digit")
    if not luhn_valid(digits):
        raise InvalidIdentifier("checksum")
    return digits


def is_national_id(value: str) -> bool:
    try:
        normalise_national_id(value)
    except InvalidIdentifier:
        return False
    return True


def national_id_kind(national_id: str) -> str:
    """``citizen`` or ``resident`` for a normalised ID."""
    return "citizen" if national_id.startswith(CITIZEN) else "resident"


def mask_national_id(national_id: str | None) -> str:
    """``1•••••••97``: enough to tell two people apart in a list, not enough to misuse."""
    if not national_id:
        return ""
    if len(national_id) < 4:
        return MASK * len(national_id)
    return national_id[0] + MASK * (len(national_id) - 3) + national_id[-2:]


def _parse_phone(value: str) -> phonenumbers.PhoneNumber:
    text = to_ascii_digits((value or "").strip())
    if not text:
        raise InvalidIdentifier("empty")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier("unparseable") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("invalid")
    return number


def normalise_phone(value: str) -> str:
    """A phone number in E.164 (+966512345678). Saudi numbers may be typed as 05…, 5…, +966…,
    00966… or with Arabic-Indic digits; ``0966…`` is refused. Raises InvalidIdentifier."""
    return phonenumbers.format_number(_parse_phone(value), phonenumbers.PhoneNumberFormat.E164)


def is_phone(value: str) -> bool:
    try:
        _parse_phone(value)
    except InvalidIdentifier:
        return False
    return True


def is_mobile(value: str) -> bool:
    """Whether the number can receive SMS and WhatsApp (a mobile, not a landline)."""
    try:
        number = _parse_phone(value)
    except InvalidIdentifier:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalise_saudi_phone(value: str, *, mobile: bool = False) -> str:
    """A Saudi number in E.164, as normalise_phone reads it; raises InvalidIdentifier for a
    number outside Saudi Arabia, or, with ``mobile``, for one that cannot take WhatsApp."""
    number = _parse_phone(value)
    if number.country_code != 966:
        raise InvalidIdentifier("not Saudi")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if mobile and not is_mobile(e164):
        raise InvalidIdentifier("not a mobile")
    return e164


def national_phone(e164: str) -> str:
    """The form people type at home: 0512345678 for a Saudi number, E.164 otherwise."""
    number = phonenumbers.parse(e164, DEFAULT_REGION)
    if number.country_code != 966:
        return e164
    return "0" + phonenumbers.national_significant_number(number)
