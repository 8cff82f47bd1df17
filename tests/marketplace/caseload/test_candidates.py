"""The rules of a candidate, checked by the domain and backed by the database.

No CPR number is ever stored: every text of a candidate is searched for one. Phone numbers,
postcodes and years must not be taken for one.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.caseload.candidates import (
    CPR_PATTERN,
    IDENTITY_FIELDS,
    NO_CPR,
    PROFILE_FIELDS,
    CandidateData,
    check,
)
from marketplace.errors import DomainError
from tests.support import assert_refused_by_database

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

GOOD = CandidateData(
    full_name="Anna Jensen",
    job_goal="Rengøring om formiddagen",
    hours_min=Decimal("2.5"),
    hours_max=Decimal("6"),
    municipality_code=760,
    postcode="6900",
    phone="20 30 40 50",
    email="anna@example.dk",
    case_reference="SAG-2024-17",
    tasks_can_do=("Fylde hylder", "Gøre rent"),
    available_times="Efter kl. 9",
    languages="Arabisk",
    earlier_work="Opvasker 2015-2017",
    other_limitations="Korte pauser",
    consultant_note="Ring mandag på +45 97351212",
)

# Every text a consultant types freely (the postcode has a rule of its own; the Danish level
# is a code from a list).
TEXT_FIELDS = [
    f.name
    for f in fields(CandidateData)
    if isinstance(getattr(GOOD, f.name), str) and f.name not in {"postcode", "danish_level"}
]


def test_a_good_candidate_passes():
    check(GOOD)


def test_identity_and_profile_fields_are_apart_and_complete():
    assert set(IDENTITY_FIELDS) == {"full_name", "phone", "email", "case_reference"}
    assert not set(IDENTITY_FIELDS) & set(PROFILE_FIELDS)
    assert set(IDENTITY_FIELDS) | set(PROFILE_FIELDS) == {f.name for f in fields(CandidateData)}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_min": Decimal("0")}, "hours_min"),
        ({"hours_min": Decimal("-1")}, "hours_min"),
        ({"hours_min": Decimal("2.25")}, "hours_min"),
        ({"hours_max": Decimal("37.5")}, "hours_max"),
        ({"hours_max": Decimal("38")}, "hours_max"),
        ({"hours_max": Decimal("6.75")}, "hours_max"),
        ({"hours_min": Decimal("8"), "hours_max": Decimal("4")}, "hours_min"),
        ({"postcode": "69"}, "postcode"),
        ({"postcode": "69000"}, "postcode"),
        ({"postcode": "abcd"}, "postcode"),
        ({"postcode": ""}, "postcode"),
        ({"postcode": "69 0"}, "postcode"),
        ({"postcode": "６９００"}, "postcode"),  # full-width digits are digits to Python
        ({"postcode": "٦٩٠٠"}, "postcode"),  # and so are Arabic-Indic ones
        ({"municipality_code": 999}, "municipality"),
        ({"municipality_code": 0}, "municipality"),
    ],
)
def test_each_broken_rule_names_its_field(changes, field):
    with pytest.raises(DomainError) as refused:
        check(replace(GOOD, **changes))
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("low", "high"),
    [("0.5", "0.5"), ("0.5", "37"), ("37", "37"), ("4", "4"), ("2.5", "7.5")],
)
def test_hours_at_the_edges_are_accepted(low, high):
    check(replace(GOOD, hours_min=Decimal(low), hours_max=Decimal(high)))


@pytest.mark.parametrize("postcode", ["0800", "1000", "6900", "9990"])
def test_four_digit_postcodes_are_accepted(postcode):
    check(replace(GOOD, postcode=postcode))


@SETTINGS
@given(low=st.integers(min_value=-4, max_value=80), high=st.integers(min_value=-4, max_value=80))
def test_hours_are_accepted_in_half_steps_from_half_to_37_lowest_first(low, high):
    data = replace(GOOD, hours_min=Decimal(low) / 2, hours_max=Decimal(high) / 2)
    if 1 <= low <= high <= 74:
        check(data)
    else:
        with pytest.raises(DomainError) as refused:
            check(data)
        assert refused.value.field in {"hours_min", "hours_max"}


# ---------------------------------------------------------------------------------------------
# CPR numbers


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("cpr", ["010203-1234", "0102031234", "311299-4321"])
def test_a_cpr_number_in_any_text_is_refused_on_that_field(field, cpr):
    with pytest.raises(DomainError) as refused:
        check(replace(GOOD, **{field: f"se {cpr}."}))
    assert refused.value.field == field
    assert refused.value.message == NO_CPR


def test_a_cpr_number_among_the_tasks_is_refused():
    with pytest.raises(DomainError) as refused:
        check(replace(GOOD, tasks_can_do=("Fylde hylder", "CPR 010203-1234")))
    assert refused.value.field == "tasks_can_do"


def _cpr(day: date, serial: int, dash: bool) -> str:
    return f"{day:%d%m%y}{'-' if dash else ''}{serial:04d}"


NOT_DIGITS = st.text(
    alphabet=st.characters(blacklist_categories=["Nd", "Cs"], blacklist_characters="\x00"),
    max_size=20,
)


@SETTINGS
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(min_value=0, max_value=9999),
    dash=st.booleans(),
    before=NOT_DIGITS,
    after=NOT_DIGITS,
)
def test_any_cpr_number_with_a_real_date_is_caught(day, serial, dash, before, after):
    cpr = _cpr(day, serial, dash)
    assert CPR_PATTERN.search(f"{before}{cpr}{after}"), cpr


@SETTINGS
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(min_value=0, max_value=9999),
    field=st.sampled_from(TEXT_FIELDS),
)
def test_check_refuses_any_cpr_number_in_any_text(day, serial, field):
    with pytest.raises(DomainError) as refused:
        check(replace(GOOD, **{field: f"Borger {_cpr(day, serial, dash=True)}"}))
    assert refused.value.field == field


EIGHT_DIGITS = st.integers(min_value=10_000_000, max_value=99_999_999).map(str)


@SETTINGS
@given(number=EIGHT_DIGITS)
def test_danish_phone_numbers_are_not_taken_for_cpr_numbers(number):
    pairs = " ".join(number[i : i + 2] for i in range(0, 8, 2))
    fours = f"{number[:4]} {number[4:]}"
    for written in (pairs, fours, number, f"+45 {number}", f"+45{number}", f"+45 {pairs}"):
        assert not CPR_PATTERN.search(written), written
        check(replace(GOOD, phone=written, consultant_note=f"Ring på {written}"))


@SETTINGS
@given(postcode=st.integers(min_value=800, max_value=9999).map(lambda n: f"{n:04d}"))
def test_postcodes_and_years_are_not_taken_for_cpr_numbers(postcode):
    for written in (postcode, f"{postcode} Skjern", f"DK-{postcode}", "Netto 2015-2019"):
        assert not CPR_PATTERN.search(written), written
    check(replace(GOOD, postcode=postcode, earlier_work=f"Bor i {postcode}, job 2015-2019"))


@pytest.mark.parametrize(
    "written",
    [
        "01020312345",  # 11 digits: not a CPR number
        "1010203-1234",  # a seventh digit before the dash
        "010203-12345",
        "+45 20304050",
        "20 30 40 50",
        "kl. 9-14",
        "2015-2017",
        "12.03.2023",
    ],
)
def test_longer_numbers_and_ordinary_text_are_not_cpr_numbers(written):
    assert not CPR_PATTERN.search(written)


@pytest.mark.parametrize("written", ["010203 1234", "010203 - 1234"])
def test_a_cpr_number_written_with_a_space_is_caught_too(written):
    with pytest.raises(DomainError):
        check(replace(GOOD, consultant_note=f"Borgerens CPR: {written}"))


# ---------------------------------------------------------------------------------------------
# The database holds the same rules against a second writer (plain SQL)


@pytest.fixture
def insert(consultant):
    """An INSERT of a valid candidate, with one column replaced by raw SQL text."""

    def statement(**replaced: str) -> str:
        columns = {
            "jobcentre_id": str(consultant.organisation_id),
            "consultant_id": str(consultant.id),
            "status": "'active'",
            "job_goal": "'Lager'",
            "wished_categories": "0",
            "tasks_can_do": "'[]'",
            "hours_min": "2.5",
            "hours_max": "6",
            "available_weekdays": "0",
            "available_times": "''",
            "municipality_code": "760",
            "postcode": "'6900'",
            "languages": "''",
            "danish_level": "'basic'",
            "driving_licence": "false",
            "earlier_work": "''",
            "no_heavy_lifting": "false",
            "lifting_max_kg": "NULL",
            "no_long_standing": "false",
            "max_hours_per_day": "NULL",
            "needs_quiet_surroundings": "false",
            "no_early_mornings": "false",
            "other_limitations": "''",
            "consultant_note": "''",
            "created_at": "CURRENT_TIMESTAMP",
            "updated_at": "CURRENT_TIMESTAMP",
            "version": "1",
            **replaced,
        }
        names = ", ".join(columns)
        values = ", ".join(columns.values())
        return f"INSERT INTO candidates ({names}) VALUES ({values})"

    return statement


def test_the_valid_row_itself_is_accepted(insert):
    """The control: the refusals below are the changed column's doing."""
    from sqlalchemy import text

    from marketplace.extensions import db

    savepoint = db.session.begin_nested()
    db.session.execute(text(insert()))
    db.session.execute(text(insert(hours_min="0.5", hours_max="37", lifting_max_kg="100")))
    db.session.execute(text(insert(max_hours_per_day="12", status="'closed'")))
    savepoint.rollback()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("hours_min", "8"),  # above hours_max 6
        ("hours_min", "0"),
        ("hours_min", "-1"),
        ("hours_max", "38"),
        ("hours_max", "37.5"),
        ("postcode", "'690'"),
        ("postcode", "''"),
        ("status", "'archived'"),
        ("status", "'ACTIVE'"),
        ("danish_level", "'klingon'"),
        ("lifting_max_kg", "101"),
        ("lifting_max_kg", "-1"),
        ("max_hours_per_day", "0"),
        ("max_hours_per_day", "12.5"),
        ("available_weekdays", "128"),
        ("wished_categories", "1024"),
        ("municipality_code", "999"),
    ],
)
def test_database_refuses_a_candidate_that_breaks_a_rule(insert, column, value):
    assert_refused_by_database(insert(**{column: value}))


def test_database_refuses_an_identity_without_its_candidate():
    assert_refused_by_database(
        "INSERT INTO candidate_identities (candidate_id, full_name, phone, email, case_reference)"
        " VALUES (2147483000, 'Anna', '', '', '')"
    )
