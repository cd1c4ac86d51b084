"""Saudi national IDs / iqamas and phone numbers: normalised, validated, masked."""

import pytest

from helpdesk.contacts.identifiers import (
    InvalidIdentifier,
    is_mobile,
    is_national_id,
    luhn_valid,
    mask_national_id,
    national_id_kind,
    national_phone,
    normalise_national_id,
    normalise_phone,
)


@pytest.mark.parametrize("typed, expected", [
    ("1234567897", "1234567897"),
    ("2345678904", "2345678904"),
    ("١٢٣٤٥٦٧٨٩٧", "1234567897"),
    ("۲۳۴۵۶۷۸۹۰۴", "2345678904"),
    (" 1234 567 897 ", "1234567897"),
    ("1234-567-897", "1234567897"),
    ("١٢٣٤٥67897", "1234567897"),
])
def test_a_valid_national_id_is_accepted_in_any_digits_and_spacing(typed, expected):
    assert normalise_national_id(typed) == expected
    assert is_national_id(typed)


@pytest.mark.parametrize("typed, reason", [
    ("1234567890", "checksum"),
    ("1234567898", "checksum"),
    ("١٢٣٤٥٦٧٨٩٠", "checksum"),
    ("3234567897", "first_digit"),
    ("0234567897", "first_digit"),
    ("123456789", "length"),
    ("12345678970", "length"),
    ("12345a7897", "not_digits"),
    ("", "empty"),
    (" - ", "empty"),
])
def test_an_invalid_national_id_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_national_id(typed)
    assert caught.value.reason == reason
    assert not is_national_id(typed)


def test_the_checksum_doubles_the_odd_positions():
    # 1234567897: 2+2+6+4+1+6+5+8+9+7 = 50
    assert luhn_valid("1234567897")
    # Swapping two neighbours changes the sum: the typo is caught.
    assert not luhn_valid("2134567897")


def test_the_first_digit_tells_a_citizen_from_a_resident():
    assert national_id_kind("1234567897") == "citizen"
    assert national_id_kind("2345678904") == "resident"


def test_a_national_id_is_masked_to_its_first_and_last_two_digits():
    assert mask_national_id("1234567897") == "1•••••••97"
    assert len(mask_national_id("2345678904")) == 10
    assert mask_national_id(None) == ""
    assert mask_national_id("") == ""


@pytest.mark.parametrize("typed", [
    "+966512345678",
    "0512345678",
    "00966512345678",
    "512345678",
    "٠٥١٢٣٤٥٦٧٨",
    "+٩٦٦٥١٢٣٤٥٦٧٨",
    "05 1234 5678",
    "+966 51 234 5678",
    "(051) 234-5678",
])
def test_a_saudi_mobile_number_in_every_usual_form_becomes_e164(typed):
    assert normalise_phone(typed) == "+966512345678"
    assert is_mobile(typed)


@pytest.mark.parametrize("typed", ["0966512345678", "12345", "abc", "", "   ", "+96651234"])
def test_an_impossible_phone_number_is_refused(typed):
    with pytest.raises(InvalidIdentifier):
        normalise_phone(typed)
    assert not is_mobile(typed)


def test_a_landline_is_a_valid_phone_but_not_a_mobile():
    assert normalise_phone("0112345678") == "+966112345678"
    assert not is_mobile("0112345678")


def test_a_foreign_number_typed_with_its_country_code_is_kept():
    assert normalise_phone("+20 100 123 4567") == "+201001234567"
    assert is_mobile("+201001234567")


def test_a_saudi_number_is_shown_as_people_type_it_at_home():
    assert national_phone("+966512345678") == "0512345678"
    assert national_phone("+201001234567") == "+201001234567"
