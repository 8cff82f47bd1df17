"""Confirmed hours as CSV for Danish Excel (marketplace.spreadsheets: semicolons, decimal
comma, a byte-order mark, no cell run as a formula). Rows are streamed from the database in
batches, so a year of a large company's hours never sits in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import ColumnElement, select

from marketplace.agreements.terms import in_force, versions_of_many
from marketplace.extensions import db
from marketplace.hours.tallies import is_current
from marketplace.models import (
    Candidate,
    CandidateIdentity,
    Company,
    HourRecord,
    Placement,
)
from marketplace.spreadsheets import Cell, lines

BATCH = 1000
MAX_DAYS = 366 * 2  # one export covers at most two years


def company_placements(company_id: int) -> list[Placement]:
    return list(db.session.scalars(select(Placement).where(Placement.company_id == company_id)))


def company_csv(
    company_id: int,
    start: date,
    end: date,
    header: list[str],
    names: dict[int, str],
    kinds: dict[str, str],
) -> Iterator[str]:
    """Date; person (as the company may see them, named per placement in `names`); kind;
    hours; hourly wage. Current figures. A generator: it queries as it is streamed."""
    versions = versions_of_many(names)
    records = db.session.execute(
        select(HourRecord.placement_id, HourRecord.work_date, HourRecord.kind, HourRecord.hours)
        .where(
            HourRecord.company_id == company_id,
            HourRecord.work_date.between(start, end),
            HourRecord.hours > 0,
            is_current(),
        )
        .order_by(HourRecord.work_date, HourRecord.placement_id, HourRecord.kind)
        .execution_options(yield_per=BATCH)
    )

    def rows() -> Iterator[list[Cell]]:
        for placement_id, day, kind, hours in records:
            terms = in_force(versions[placement_id], day)
            wage = terms.hourly_wage if terms is not None and kind == "paid" else None
            yield [day, names[placement_id], kinds[kind], hours, wage]

    yield from lines(header, rows())


def jobcentre_csv(
    jobcentre_id: int, start: date, end: date, header: list[str], kinds: dict[str, str]
) -> Iterator[str]:
    """Case reference; date; kind; hours; company CVR, for the jobcentre's candidates."""
    records = db.session.execute(
        select(
            CandidateIdentity.case_reference,
            HourRecord.work_date,
            HourRecord.kind,
            HourRecord.hours,
            Company.cvr,
        )
        .join(Candidate, Candidate.id == HourRecord.candidate_id)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Candidate.id)
        .join(Company, Company.id == HourRecord.company_id)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            HourRecord.work_date.between(start, end),
            HourRecord.hours > 0,
            is_current(),
        )
        .order_by(CandidateIdentity.case_reference, HourRecord.work_date, HourRecord.kind)
        .execution_options(yield_per=BATCH)
    )
    rows: Iterator[list[Cell]] = (
        [reference, day, kinds[kind], hours, cvr] for reference, day, kind, hours, cvr in records
    )
    yield from lines(header, rows)


# -- Who an export holds (for the access log, written before the file is streamed) ---------


def _exported(start: date, end: date) -> list[ColumnElement[bool]]:
    return [HourRecord.work_date.between(start, end), HourRecord.hours > 0, is_current()]


def placement_ids_in_company_csv(company_id: int, start: date, end: date) -> set[int]:
    """The placements whose people company_csv() will name for this period. One query."""
    return set(
        db.session.scalars(
            select(HourRecord.placement_id)
            .where(HourRecord.company_id == company_id, *_exported(start, end))
            .distinct()
        )
    )


def candidate_ids_in_jobcentre_csv(jobcentre_id: int, start: date, end: date) -> list[int]:
    """The candidates jobcentre_csv() will hold for this period. One query."""
    return list(
        db.session.scalars(
            select(HourRecord.candidate_id)
            .join(Candidate, Candidate.id == HourRecord.candidate_id)
            .where(Candidate.jobcentre_id == jobcentre_id, *_exported(start, end))
            .distinct()
        )
    )
