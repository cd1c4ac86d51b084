"""Service definitions: what an admin may declare, what is refused and why, and answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.services_catalog.schema import (
    DefinitionError,
    parse_definition,
    parse_document,
    parse_field,
    parse_rule,
    read_number,
    validate_answers,
)

PROPERTY = settings(database=None, deadline=None, max_examples=200)

INCOME = {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري",
          "label_en": "Monthly family income", "required": True, "min": 0}
FAMILY = {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
          "label_en": "Family size", "required": True, "min": 1, "max": 30}
REGION = {"name": "region", "type": "choice", "label_ar": "المنطقة", "label_en": "Region",
          "options": [{"value": "riyadh", "label_ar": "الرياض", "label_en": "Riyadh"},
                      {"value": "kharj", "label_ar": "الخرج", "label_en": "Al-Kharj"}]}
BIRTH = {"name": "birth_date", "type": "date", "label_ar": "تاريخ الميلاد",
         "label_en": "Birth date"}
INSURED = {"name": "insured", "type": "boolean", "label_ar": "هل لديك تأمين طبي؟",
           "label_en": "Do you have medical insurance?"}
NOTES = {"name": "notes", "type": "textarea", "label_ar": "ملاحظات", "label_en": "Notes",
         "required": False}


def fields_by_name(*raws):
    return {raw["name"]: parse_field(raw) for raw in raws}


def refusal(function, *args) -> str:
    with pytest.raises(DefinitionError) as caught:
        function(*args)
    return caught.value.reason


# -- fields -------------------------------------------------------------------------------

def test_a_field_keeps_its_canonical_json_through_parsing():
    for raw in (INCOME, FAMILY, BIRTH, INSURED, NOTES):
        assert parse_field(raw).to_json() == {**raw, "required": raw.get("required", True),
                                              "label_en": raw["label_en"]}
    region = parse_field(REGION).to_json()
    assert region["options"] == REGION["options"] and region["required"] is True


def test_a_field_is_required_unless_it_says_otherwise():
    assert parse_field({**INSURED}).required is True
    assert parse_field({**INSURED, "required": False}).required is False


@pytest.mark.parametrize("raw, words", [
    ({**INCOME, "name": "Monthly Income"}, "lower-case"),
    ({**INCOME, "name": ""}, "lower-case"),
    ({**INCOME, "name": "1st"}, "starting with a letter"),
    ({**INCOME, "type": "money"}, "type"),
    ({**INCOME, "label_ar": "  "}, "Arabic label"),
    ({**INCOME, "min": 10, "max": 5}, "greater than the maximum"),
    ({**INCOME, "min": "ten"}, "must be numbers"),
    ({**FAMILY, "max": 2.5}, "whole-number limits"),
    ({**NOTES, "min": 1}, "Only number fields"),
    ({**REGION, "options": []}, "at least one option"),
    ({**REGION, "options": [{"value": "a"}, {"value": "a"}]}, "appears twice"),
    ({**REGION, "options": [{"label_ar": "بلا قيمة"}]}, "needs a value"),
    ({**INCOME, "options": [{"value": "a"}]}, "Only choice fields"),
    ({**INCOME, "max_length": 10}, "Only text fields"),
    ({**NOTES, "max_length": 9000}, "from 1 to 5000"),
    ({**INSURED, "required": "perhaps"}, "yes or no"),
    ("monthly_income", "cannot be read"),
])
def test_a_field_that_cannot_be_used_is_refused_with_the_reason(raw, words):
    assert words in refusal(parse_field, raw)


def test_numbers_in_a_definition_may_be_typed_with_arabic_digits():
    field = parse_field({**INCOME, "min": "٠", "max": "١٠٬٠٠٠"})
    assert field.min == 0 and field.max == 10000


# -- documents ----------------------------------------------------------------------------

def test_a_document_accepts_pdf_and_images_up_to_five_megabytes_by_default():
    document = parse_document({"key": "income_proof", "label_ar": "إثبات الدخل"})
    assert document.types == ("pdf", "jpeg", "png") and document.max_mb == 5
    assert document.content_types == {"application/pdf", "image/jpeg", "image/png"}
    assert document.to_json() == {"key": "income_proof", "label_ar": "إثبات الدخل",
                                  "label_en": "", "required": True,
                                  "types": ["pdf", "jpeg", "png"], "max_mb": 5}


@pytest.mark.parametrize("raw, words", [
    ({"key": "Lease!", "label_ar": "عقد"}, "lower-case"),
    ({"key": "lease", "label_ar": ""}, "Arabic label"),
    ({"key": "lease", "label_ar": "عقد", "types": ["svg"]}, "PDF, JPEG, PNG and WebP"),
    ({"key": "lease", "label_ar": "عقد", "max_mb": 50}, "from 1 to 10"),
    ({"key": "lease", "label_ar": "عقد", "max_mb": 0}, "from 1 to 10"),
])
def test_a_document_that_cannot_be_used_is_refused_with_the_reason(raw, words):
    assert words in refusal(parse_document, raw)


# -- rules --------------------------------------------------------------------------------

KNOWN = fields_by_name(INCOME, FAMILY, REGION, BIRTH, INSURED, NOTES)


@pytest.mark.parametrize("raw", [
    {"type": "in_list", "field": "region", "values": ["riyadh", "kharj"]},
    {"type": "min", "field": "family_size", "value": 3},
    {"type": "max", "field": "monthly_income", "value": 9000.5},
    {"type": "between", "field": "birth_date", "min": 18, "max": 45},
    {"type": "max_per_member", "field": "monthly_income", "per": "family_size",
     "value": 1500},
    {"type": "not_served_within_months", "months": 6},
    {"type": "equals", "field": "insured", "value": False},
    {"type": "equals", "field": "region", "value": "riyadh"},
])
def test_every_rule_type_keeps_its_canonical_json(raw):
    assert parse_rule(raw, KNOWN).to_json() == raw


@pytest.mark.parametrize("raw, words", [
    ({"type": "rocket", "field": "region"}, "type of condition"),
    ({"type": "min", "value": 3}, "Choose the field"),
    ({"type": "min", "field": "age", "value": 3}, "does not declare"),
    ({"type": "min", "field": "region", "value": 3}, "cannot read"),
    ({"type": "in_list", "field": "family_size", "values": ["3"]}, "cannot read"),
    ({"type": "equals", "field": "notes", "value": "x"}, "cannot read"),
    ({"type": "min", "field": "family_size"}, "limit as a number"),
    ({"type": "max", "field": "monthly_income", "value": "a lot"}, "limit as a number"),
    ({"type": "between", "field": "family_size", "min": 5}, "both the lower and the upper"),
    ({"type": "between", "field": "family_size", "min": 5, "max": 2}, "greater than the upper"),
    ({"type": "min", "field": "birth_date", "value": 17.5}, "whole number of years"),
    ({"type": "max", "field": "birth_date", "value": 200}, "whole number of years"),
    ({"type": "in_list", "field": "region", "values": []}, "one per line"),
    ({"type": "in_list", "field": "region", "values": ["jeddah"]}, "not one of the options"),
    ({"type": "max_per_member", "field": "monthly_income", "value": 1500}, "divide by"),
    ({"type": "max_per_member", "field": "monthly_income", "per": "monthly_income",
      "value": 1500}, "divided by itself"),
    ({"type": "max_per_member", "field": "monthly_income", "per": "family_size",
      "value": -1}, "cannot be negative"),
    ({"type": "max_per_member", "field": "monthly_income", "per": "region", "value": 1},
     "cannot read"),
    ({"type": "not_served_within_months", "months": 0}, "from 1 to 120"),
    ({"type": "not_served_within_months", "months": 2.5}, "from 1 to 120"),
    ({"type": "not_served_within_months"}, "from 1 to 120"),
    ({"type": "equals", "field": "insured", "value": "maybe"}, "yes or no"),
    ({"type": "equals", "field": "region", "value": "mecca"}, "not one of the options"),
    ({"type": "equals", "field": "region"}, "expected answer"),
    (["min", "family_size", 3], "cannot be read"),
])
def test_a_rule_that_cannot_be_evaluated_is_refused_with_the_reason(raw, words):
    assert words in refusal(parse_rule, raw, KNOWN)


def test_the_refusal_names_the_field_by_its_label():
    reason = refusal(parse_rule, {"type": "min", "field": "region", "value": 3}, KNOWN)
    assert "المنطقة" in reason


def test_equals_on_a_yes_no_field_accepts_the_words_a_form_sends():
    assert parse_rule({"type": "equals", "field": "insured", "value": "no"}, KNOWN).value is False
    assert parse_rule({"type": "equals", "field": "insured", "value": "نعم"}, KNOWN).value is True


# -- whole definitions --------------------------------------------------------------------

def test_errors_of_a_definition_point_at_their_rows_and_the_rest_still_parses():
    definition, errors = parse_definition(
        [INCOME, {**FAMILY, "name": "Family"}, {**INCOME, "label_ar": "مكرر"}],
        [{"key": "id_copy", "label_ar": "الهوية"}, {"key": "id_copy", "label_ar": "مرة أخرى"}],
        [{"type": "max", "field": "monthly_income", "value": 9000},
         {"type": "min", "field": "Family", "value": 2},
         {"type": "min", "field": "nothing", "value": 2}])
    assert set(errors) == {"fields-1", "fields-2", "documents-1", "rules-1", "rules-2"}
    assert "already has the name monthly_income" in errors["fields-2"]
    assert "already has the key id_copy" in errors["documents-1"]
    assert "Correct the field Family first" in errors["rules-1"]
    assert "does not declare" in errors["rules-2"]
    assert [f.name for f in definition.fields] == ["monthly_income"]
    assert [r.type for r in definition.rules] == ["max"]


def test_an_empty_definition_is_valid():
    definition, errors = parse_definition(None, [], [])
    assert errors == {} and definition.to_json() == {"fields": [], "documents": [], "rules": []}


# -- answers ------------------------------------------------------------------------------

ALL_FIELDS = [parse_field(raw) for raw in (
    INCOME, FAMILY, REGION, BIRTH, INSURED, NOTES,
    {"name": "mobile", "type": "phone", "label_ar": "الجوال"},
    {"name": "id_number", "type": "national_id", "label_ar": "رقم الهوية"},
    {"name": "district", "type": "text", "label_ar": "الحي", "max_length": 20},
)]

GOOD_ANSWERS = {
    "monthly_income": "٤٬٥٠٠", "family_size": "3", "region": "riyadh",
    "birth_date": "1990-05-17", "insured": "no", "notes": "  ", "mobile": "0512345678",
    "id_number": "١٢٣٤٥٦٧٨٩٧", "district": "  حي   النسيم ", "unasked": "ignored",
}


def test_valid_answers_come_back_clean_and_typed():
    clean, errors = validate_answers(ALL_FIELDS, GOOD_ANSWERS)
    assert errors == {}
    assert clean == {"monthly_income": Decimal("4500"), "family_size": 3, "region": "riyadh",
                     "birth_date": date(1990, 5, 17), "insured": False,
                     "mobile": "+966512345678", "id_number": "1234567897",
                     "district": "حي النسيم"}


@pytest.mark.parametrize("name, answer, words", [
    ("monthly_income", "", "required"),
    ("monthly_income", "alf", "Enter a number"),
    ("monthly_income", "-5", "no less than 0"),
    ("monthly_income", "1e5", "Enter a number"),
    ("family_size", "2.5", "whole number"),
    ("family_size", "31", "no greater than 30"),
    ("region", "jeddah", "one of the options"),
    ("birth_date", "17/05/1990", "YYYY-MM-DD"),
    ("birth_date", "1990-02-30", "YYYY-MM-DD"),
    ("insured", "maybe", "yes or no"),
    ("mobile", "0112345678", "mobile number"),
    ("id_number", "1234567890", "national ID"),
    ("id_number", "3234567897", "national ID"),
    ("district", "ا" * 21, "20 characters"),
])
def test_each_bad_answer_gets_its_own_message_at_its_field(name, answer, words):
    clean, errors = validate_answers(ALL_FIELDS, {**GOOD_ANSWERS, name: answer})
    assert list(errors) == [name] and words in errors[name]
    assert name not in clean


def test_an_unanswered_optional_field_is_simply_left_out():
    clean, errors = validate_answers(ALL_FIELDS, GOOD_ANSWERS)
    assert "notes" not in clean and "notes" not in errors


@PROPERTY
@given(st.dictionaries(st.sampled_from([f.name for f in ALL_FIELDS] + ["other"]),
                       st.one_of(st.text(), st.integers(), st.floats(), st.booleans(),
                                 st.none(), st.lists(st.text(), max_size=2))))
def test_validating_any_answers_never_crashes_and_splits_every_field(answers):
    clean, errors = validate_answers(ALL_FIELDS, answers)
    assert not set(clean) & set(errors)
    required = {f.name for f in ALL_FIELDS if f.required}
    assert required <= set(clean) | set(errors)


@PROPERTY
@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_any_integer_reads_back_in_latin_or_arabic_indic_digits(number):
    arabic = str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert read_number(str(number)) == number == read_number(arabic)
    assert read_number(f"{number:,}") == number


def test_every_demo_service_definition_parses_without_errors():
    from helpdesk.devdata.content import SERVICES
    from helpdesk.services_catalog.schema import parse_definition

    for service in SERVICES:
        definition, errors = parse_definition(service["fields"], service["documents"],
                                              service["rules"])
        assert errors == {}, (service["key"], errors)
        assert len(definition.rules) == len(service["rules"])
