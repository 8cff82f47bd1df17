"""The citizen's copy of their data (GDPR art. 15): everything held about one candidate.

`collect()` reads it all in a fixed number of queries, whatever the history's length: the
profile and identity, proposals and consents, placements with their terms versions, steps
and reminders, week confirmations, every hour record (current and corrected revisions),
questions about weeks, the companies' assessments of the trial visits and praktik periods
(asked or answered, with the person's reading), the notifications whose subject is one of the
person's proposals, placements or assessments, and the whole access log. `as_json()` writes
every stored column of those rows (plus names for the ids), so a column added later is in the
copy without a change here; the printable page shows the same data for people to read.

The caller logs the copy first (AccessSeen.COPY, purpose: the citizen's request), so the
copy's own log holds the making of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, inspect, or_, select

from marketplace.extensions import db
from marketplace.models import (
    Assessment,
    Candidate,
    CandidateIdentity,
    Consent,
    HourRecord,
    Notification,
    Organisation,
    Placement,
    PlacementReminder,
    PlacementStep,
    PlacementTerms,
    Proposal,
    User,
    WeekConfirmation,
    WeekFlag,
)
from marketplace.notifications.kinds import KINDS, render_text
from marketplace.privacy import access_log
from marketplace.privacy.access_log import LogLine

# Delivery details of a notification that say nothing about the person (and the recipient's
# own address, which is the staff member's data, not the citizen's).
_NOTIFICATION_INTERNALS = frozenset(
    {"recipient_email", "email_batch", "email_last_error", "email_claimed_at"}
)


@dataclass
class PlacementCopy:
    placement: Placement
    terms: list[PlacementTerms] = field(default_factory=list)
    steps: list[PlacementStep] = field(default_factory=list)
    reminders: list[PlacementReminder] = field(default_factory=list)
    confirmations: list[WeekConfirmation] = field(default_factory=list)
    hours: list[HourRecord] = field(default_factory=list)
    flags: list[WeekFlag] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


@dataclass
class CitizenCopy:
    candidate: Candidate
    identity: CandidateIdentity
    proposals: list[Proposal]
    consents: list[Consent]
    placements: list[PlacementCopy]
    notifications: list[Notification]
    access: list[LogLine]
    people: dict[int, tuple[str, str]]  # user id -> (name, organisation)
    organisations: dict[int, str]
    current_hours: set[int]  # ids of the hour records that are the current figure

    def who(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        name, organisation = self.people.get(user_id, ("?", "?"))
        return f"{name}, {organisation}"

    def notification_text(self, notification: Notification) -> str:
        kind = KINDS.get(notification.kind)
        return render_text(kind.summary, notification) if kind else notification.kind


def _all(statement: Any) -> list[Any]:
    return list(db.session.scalars(statement))


def collect(candidate: Candidate) -> CitizenCopy:
    """Everything held about the candidate. About sixteen queries, however much there is."""
    cid = candidate.id
    identity = db.session.get(CandidateIdentity, cid)
    proposals = _all(select(Proposal).where(Proposal.candidate_id == cid).order_by(Proposal.id))
    consents = _all(select(Consent).where(Consent.candidate_id == cid).order_by(Consent.id))
    placements = _all(select(Placement).where(Placement.candidate_id == cid).order_by(Placement.id))
    copies = {p.id: PlacementCopy(p) for p in placements}
    ids = list(copies)
    for terms in _all(
        select(PlacementTerms)
        .where(PlacementTerms.placement_id.in_(ids))
        .order_by(PlacementTerms.placement_id, PlacementTerms.number)
    ):
        copies[terms.placement_id].terms.append(terms)
    for step in _all(
        select(PlacementStep).where(PlacementStep.placement_id.in_(ids)).order_by(PlacementStep.id)
    ):
        copies[step.placement_id].steps.append(step)
    for reminder in _all(
        select(PlacementReminder)
        .where(PlacementReminder.placement_id.in_(ids))
        .order_by(PlacementReminder.id)
    ):
        copies[reminder.placement_id].reminders.append(reminder)
    for confirmation in _all(
        select(WeekConfirmation)
        .where(WeekConfirmation.placement_id.in_(ids))
        .order_by(WeekConfirmation.week_start)
    ):
        copies[confirmation.placement_id].confirmations.append(confirmation)
    records = _all(
        select(HourRecord)
        .where(HourRecord.candidate_id == cid)
        .order_by(HourRecord.work_date, HourRecord.kind, HourRecord.revision)
    )
    latest: dict[tuple[int, date, str], HourRecord] = {}
    for record in records:
        copies[record.placement_id].hours.append(record)
        latest[(record.placement_id, record.work_date, record.kind)] = record  # by revision
    for flag in _all(
        select(WeekFlag).where(WeekFlag.placement_id.in_(ids)).order_by(WeekFlag.week_start)
    ):
        copies[flag.placement_id].flags.append(flag)
    assessments = _all(
        select(Assessment)
        .where(Assessment.placement_id.in_(ids))
        .order_by(Assessment.period_from, Assessment.id)
    )
    for assessment in assessments:
        copies[assessment.placement_id].assessments.append(assessment)
    notifications = _all(
        select(Notification)
        .where(
            or_(
                and_(
                    Notification.subject_type == Proposal.__tablename__,
                    Notification.subject_id.in_([p.id for p in proposals]),
                ),
                and_(
                    Notification.subject_type == Placement.__tablename__,
                    Notification.subject_id.in_(ids),
                ),
                and_(
                    Notification.subject_type == Assessment.__tablename__,
                    Notification.subject_id.in_([a.id for a in assessments]),
                ),
            )
        )
        .order_by(Notification.created_at, Notification.id)
    )
    access = access_log.all_for_candidate(cid)
    rows: list[Any] = [candidate, *proposals, *consents, *placements, *records, *notifications]
    rows += assessments
    for copy in copies.values():
        rows += [*copy.terms, *copy.steps, *copy.confirmations, *copy.flags]
    people = _people(rows)
    organisation_ids = {candidate.jobcentre_id}
    organisation_ids |= {p.company_id for p in proposals} | {p.company_id for p in placements}
    organisations = {
        organisation_id: name
        for organisation_id, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))
        )
    }
    return CitizenCopy(
        candidate=candidate,
        identity=identity,
        proposals=proposals,
        consents=consents,
        placements=list(copies.values()),
        notifications=notifications,
        access=access,
        people=people,
        organisations=organisations,
        current_hours={record.id for record in latest.values()},
    )


_USER_COLUMNS = (
    "consultant_id",
    "proposed_by_id",
    "decided_by_id",
    "recorded_by_id",
    "withdrawn_by_id",
    "ended_by_id",
    "created_by_id",
    "confirmed_by_id",
    "flagged_by_id",
    "answered_by_id",
    "recipient_id",
    "submitted_by_id",
    "person_recorded_by_id",
)


def _people(rows: list[Any]) -> dict[int, tuple[str, str]]:
    """Names of every user the rows refer to, with their organisation. One query."""
    ids = {
        value
        for row in rows
        for column in _USER_COLUMNS
        if (value := getattr(row, column, None)) is not None
    }
    if not ids:
        return {}
    found = db.session.execute(
        select(User.id, User.name, Organisation.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(ids))
    )
    return {user_id: (name, organisation) for user_id, name, organisation in found}


# -- JSON -----------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def columns(row: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every stored column of a row, as JSON values."""
    return {
        attribute.key: _value(getattr(row, attribute.key))
        for attribute in inspect(row).mapper.column_attrs
        if attribute.key not in skip
    }


def as_json(copy: CitizenCopy, made_at: datetime, made_by: User) -> dict[str, Any]:
    def proposal(row: Proposal) -> dict[str, Any]:
        return {
            **columns(row),
            "job_title": row.job.title,
            "company": copy.organisations.get(row.company_id, ""),
        }

    def placement(part: PlacementCopy) -> dict[str, Any]:
        row = part.placement
        return {
            **columns(row),
            "job_title": row.job.title,
            "company": copy.organisations.get(row.company_id, ""),
            "terms_versions": [
                {**columns(t), "workplace": f"{t.workplace.name} ({t.workplace.p_number})"}
                for t in part.terms
            ],
            "steps": [columns(s) for s in part.steps],
            "reminders": [columns(r) for r in part.reminders],
            "week_confirmations": [columns(c) for c in part.confirmations],
            "hours": [{**columns(h), "current": h.id in copy.current_hours} for h in part.hours],
            "week_flags": [columns(f) for f in part.flags],
            "assessments": [columns(a) for a in part.assessments],
        }

    return {
        "made_at": _value(made_at),
        "made_by": {"name": made_by.name, "organisation": made_by.organisation.name},
        "identity": columns(copy.identity),
        "profile": {
            **columns(copy.candidate),
            "jobcentre": copy.organisations.get(copy.candidate.jobcentre_id, ""),
            "municipality": copy.candidate.municipality.name,
        },
        "proposals": [proposal(p) for p in copy.proposals],
        "consents": [
            {**columns(c), "company": copy.organisations.get(c.company_id, "")}
            for c in copy.consents
        ],
        "placements": [placement(p) for p in copy.placements],
        "notifications": [
            {
                **columns(n, _NOTIFICATION_INTERNALS),
                "text": copy.notification_text(n),
            }
            for n in copy.notifications
        ],
        "access_log": [
            {
                "at": _value(line.at),
                "who": line.viewer,
                "organisation": line.organisation,
                "seen": line.seen,
                "purpose": line.purpose,
                "text": line.sentence(),
            }
            for line in copy.access
        ],
        "people": {
            str(user_id): {"name": name, "organisation": organisation}
            for user_id, (name, organisation) in sorted(copy.people.items())
        },
    }
