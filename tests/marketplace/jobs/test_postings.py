"""The rules of a job, checked by the domain and backed by the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.jobs.postings import JobData, check
from tests.support import assert_refused_by_database


@pytest.fixture
def good(employer, make_workplace):
    workplace = make_workplace(employer.organisation)
    return JobData(
        title="Opfyldning af varer",
        workplace_id=workplace.id,
        category="retail",
        hours_per_week=Decimal("6"),
        start_date=local_today() + timedelta(days=3),
        hourly_wage=Decimal("140"),
        agreement_wage=Decimal("135"),
        contact_name="Hanne",
        weekdays=2 | 8,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_per_week": Decimal("0")}, "hours_per_week"),
        ({"hours_per_week": Decimal("37.5")}, "hours_per_week"),
        ({"hours_per_week": Decimal("2.25")}, "hours_per_week"),
        ({"weekdays": 0, "flexible_days": False}, "weekdays"),
        ({"time_from": time(10), "time_to": time(7)}, "time_to"),
        ({"start_date": local_today() - timedelta(days=1)}, "start_date"),
        ({"end_date": local_today()}, "end_date"),
        ({"offers_trial_visit": False}, "steps"),
        ({"agreement_wage": Decimal("-1"), "hourly_wage": Decimal("-1")}, "agreement_wage"),
        ({"hourly_wage": Decimal("100")}, "hourly_wage"),
        ({"task_lines": tuple(f"t{i}" for i in range(13))}, "task_lines"),
        ({"workplace_id": 10_000_000}, "workplace"),
    ],
)
def test_each_broken_rule_names_its_field(employer, good, changes, field):
    with pytest.raises(DomainError) as refused:
        check(replace(good, **changes), employer.organisation, new_start=True)
    assert refused.value.field == field


def test_another_companys_workplace_is_refused(employer, good, make_company, make_workplace):
    foreign = make_workplace(make_company(name="Andet firma"))
    with pytest.raises(DomainError) as refused:
        check(replace(good, workplace_id=foreign.id), employer.organisation, new_start=True)
    assert refused.value.field == "workplace"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(halves=st.integers(min_value=-10, max_value=100))
def test_hours_are_accepted_exactly_in_half_steps_from_half_to_37(employer, good, halves):
    hours = Decimal(halves) / 2
    data = replace(good, hours_per_week=hours)
    accepted = Decimal("0.5") <= hours <= 37
    if accepted:
        check(data, employer.organisation, new_start=True)
    else:
        with pytest.raises(DomainError):
            check(data, employer.organisation, new_start=True)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("hours_per_week", "2.25"),
        ("hours_per_week", "40"),
        ("hourly_wage", "100"),
        ("weekdays", "0"),
        ("offers_trial_visit", "false"),
        ("category", "'astronaut'"),
        ("status", "'archived'"),
    ],
)
def test_database_refuses_a_job_that_breaks_a_rule(employer, make_job, column, value):
    job = make_job(employer.organisation, employer)
    columns = {
        "company_id": job.company_id,
        "workplace_id": job.workplace_id,
        "municipality_code": 760,
        "status": "'draft'",
        "title": "'x'",
        "description": "''",
        "task_lines": "'[]'",
        "category": "'retail'",
        "hours_per_week": "6",
        "weekdays": "2",
        "flexible_days": "false",
        "start_date": "'2030-01-01'",
        "offers_trial_visit": "true",
        "offers_praktik": "false",
        "offers_paid_direct": "false",
        "hourly_wage": "140",
        "agreement_wage": "135",
        "wage_agreement_name": "''",
        "requires_heavy_lifting": "false",
        "requires_standing": "false",
        "requires_early_mornings": "false",
        "requires_driving_licence": "false",
        "danish_level": "'none'",
        "other_requirements": "''",
        "contact_name": "'x'",
        "contact_phone": "''",
        "created_by_id": employer.id,
        "created_at": "CURRENT_TIMESTAMP",
        "updated_at": "CURRENT_TIMESTAMP",
        "close_note": "''",
        "version": "1",
    }
    columns[column] = value
    names = ", ".join(columns)
    values = ", ".join(str(v) for v in columns.values())
    assert_refused_by_database(f"INSERT INTO jobs ({names}) VALUES ({values})")
