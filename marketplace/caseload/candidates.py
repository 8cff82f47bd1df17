"""The caseload: a jobcentre's candidates, their profile, identity and responsible consultant.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload, lazyload, load_only

from marketplace.caseload import figure_changes
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.jobs.postings import check_hours
from marketplace.models import (
    Candidate,
    CandidateIdentity,
    CandidateStatus,
    Municipality,
    OrgKind,
    Phase,
    Placement,
    PlacementTerms,
    User,
)
from marketplace.privacy.screening import CPR_PATTERN as CPR_PATTERN  # the one pattern, re-exported
from marketplace.privacy.screening import NO_CPR as NO_CPR
from marketplace.privacy.screening import PROFILE_TEXTS, Person, screen
from marketplace.textsearch import contains


class StaleCandidate(DomainError):
    """Someone else saved the candidate after this form was opened."""


STALE_MESSAGE = _l(
    "A colleague saved this candidate while you were editing. Your changes were not saved;"
    " open the candidate again to see theirs."
)


@dataclass(frozen=True)
class CandidateData:
    full_name: str
    job_goal: str
    hours_min: Decimal
    hours_max: Decimal
    municipality_code: int
    postcode: str
    phone: str = ""
    email: str = ""
    case_reference: str = ""
    wished_categories: int = 0
    tasks_can_do: tuple[str, ...] = ()
    available_weekdays: int = 0
    available_times: str = ""
    languages: str = ""
    danish_level: str = "basic"
    driving_licence: bool = False
    earlier_work: str = ""
    no_heavy_lifting: bool = False
    lifting_max_kg: int | None = None
    no_long_standing: bool = False
    max_hours_per_day: Decimal | None = None
    needs_quiet_surroundings: bool = False
    no_early_mornings: bool = False
    other_limitations: str = ""
    consultant_note: str = ""


IDENTITY_FIELDS = ("full_name", "phone", "email", "case_reference")
PROFILE_FIELDS = tuple(f.name for f in fields(CandidateData) if f.name not in IDENTITY_FIELDS)


def check(data: CandidateData) -> None:
    for name, hours in (("hours_min", data.hours_min), ("hours_max", data.hours_max)):
        try:
            check_hours(hours)
        except DomainError as error:
            raise DomainError(error.message, field=name) from error
    if data.hours_min > data.hours_max:
        raise DomainError(
            _l("The lowest number of hours cannot be above the highest."), field="hours_min"
        )
    if data.max_hours_per_day is not None and not 0 < data.max_hours_per_day <= 12:
        raise DomainError(_l("Enter from 0.5 to 12 hours a day."), field="max_hours_per_day")
    if not (len(data.postcode) == 4 and data.postcode.isascii() and data.postcode.isdigit()):
        raise DomainError(_l("Enter a postcode of 4 digits."), field="postcode")
    if db.session.get(Municipality, data.municipality_code) is None:
        raise DomainError(_l("Choose a municipality from the list."), field="municipality")
    # What a company reads before consent: no health words, no identity. The identity fields
    # and the note are the jobcentre's own: only CPR numbers are refused there (and everywhere).
    person = Person(data.full_name, data.phone, data.email, data.case_reference)
    for name in (f.name for f in fields(CandidateData)):
        value = getattr(data, name)
        if name in PROFILE_TEXTS:
            screen(name, value, person=person)
        elif isinstance(value, str):
            screen(name, value, health=False)


def _apply(candidate: Candidate, identity: CandidateIdentity, data: CandidateData) -> None:
    for name in PROFILE_FIELDS:
        value = getattr(data, name)
        if name == "tasks_can_do":
            value = [line.strip() for line in value if line.strip()]
        elif isinstance(value, str):
            value = value.strip()
        setattr(candidate, name, value)
    for name in IDENTITY_FIELDS:
        setattr(identity, name, getattr(data, name).strip())


def create_candidate(consultant: User, data: CandidateData) -> Candidate:
    check(data)
    candidate = Candidate(
        jobcentre_id=consultant.organisation_id,
        consultant_id=consultant.id,
        status=CandidateStatus.ACTIVE.value,
    )
    identity = CandidateIdentity()
    _apply(candidate, identity, data)
    db.session.add(candidate)
    db.session.flush()
    identity.candidate_id = candidate.id
    db.session.add(identity)
    figure_changes.note(candidate.jobcentre_id)  # one more in the target group
    db.session.flush()
    return candidate


def identity_of(candidate: Candidate) -> CandidateIdentity:
    """For the jobcentre's own pages only; companies go through privacy.disclosure."""
    found = db.session.get(CandidateIdentity, candidate.id)
    assert found is not None, "every candidate is created with an identity row"
    return found


def names_of(candidate_ids: Iterable[int]) -> dict[int, str]:
    """Full names of many candidates in one query (the jobcentre's lists)."""
    return _identities_of(candidate_ids, CandidateIdentity.full_name)


def case_references_of(candidate_ids: Iterable[int]) -> dict[int, str]:
    """Case references of many candidates in one query (the jobcentre's files)."""
    return _identities_of(candidate_ids, CandidateIdentity.case_reference)


def _identities_of(candidate_ids: Iterable[int], column: Any) -> dict[int, str]:
    ids = list(set(candidate_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(CandidateIdentity.candidate_id, column).where(
            CandidateIdentity.candidate_id.in_(ids)
        )
    )
    return {candidate_id: value for candidate_id, value in rows}


def candidate_data(candidate: Candidate) -> CandidateData:
    identity = identity_of(candidate)
    values = {name: getattr(candidate, name) for name in PROFILE_FIELDS}
    values.update({name: getattr(identity, name) for name in IDENTITY_FIELDS})
    values["tasks_can_do"] = tuple(candidate.tasks_can_do or ())
    return CandidateData(**values)


def update_candidate(candidate: Candidate, data: CandidateData, seen_version: int) -> None:
    if candidate.version != seen_version:
        raise StaleCandidate(STALE_MESSAGE)
    check(data)
    _apply(candidate, identity_of(candidate), data)
    db.session.flush()


def set_status(candidate: Candidate, status: CandidateStatus) -> None:
    """Retention counts from the moment a case is closed (marketplace.privacy.retention)."""
    if status == CandidateStatus.CLOSED and candidate.status != CandidateStatus.CLOSED:
        candidate.closed_at = utcnow()
    elif status != CandidateStatus.CLOSED:
        candidate.closed_at = None
    candidate.status = status.value
    figure_changes.note(candidate.jobcentre_id)  # the target group counts who was closed when
    db.session.flush()


def colleagues_who_can_take_over(candidate: Candidate) -> list[User]:
    return colleagues_who_can_take_over_in(candidate.jobcentre_id)


def colleagues_who_can_take_over_in(jobcentre_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == jobcentre_id,
                User.org_kind == OrgKind.JOBCENTRE.value,
                User.active,
            )
            .order_by(User.name)
        )
    )


def hand_over(candidate: Candidate, to_user_id: int) -> User:
    """Make another consultant or admin of the same jobcentre responsible."""
    colleague = db.session.get(User, to_user_id)
    if (
        colleague is None
        or not colleague.active
        or colleague.organisation_id != candidate.jobcentre_id
        or colleague.org_kind != OrgKind.JOBCENTRE.value
    ):
        raise DomainError(_l("Choose a colleague from your jobcentre."), field="consultant")
    candidate.consultant_id = colleague.id
    figure_changes.note(candidate.jobcentre_id)  # the consultants' figures count their own
    db.session.flush()
    return colleague


@dataclass(frozen=True)
class CaseloadFilters:
    status: str | None = CandidateStatus.ACTIVE.value
    consultant_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class LadderPosition:
    """Where a candidate stands on the ladder today: the furthest phase among their
    placements (None: no placement at all) and the weekly hours agreed in force for their
    praktik and paid hours, summed over the placements that go on (None: none agreed)."""

    phase: str | None
    hours: Decimal | None


NO_PLACEMENT = LadderPosition(phase=None, hours=None)

# Furthest first wins: a person with an ended trial and paid hours elsewhere is in paid hours.
LADDER_ORDER = (
    Phase.ENDED,
    Phase.PENDING,
    Phase.TRIAL,
    Phase.PRAKTIK,
    Phase.COMBINED,
    Phase.PAID,
)


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[tuple[Candidate, CandidateIdentity]]
    total: int
    page: int
    pages: int
    ladder: dict[int, LadderPosition]

    def position(self, candidate_id: int) -> LadderPosition:
        return self.ladder.get(candidate_id, NO_PLACEMENT)

    # What the shared pager (templates/placements/_rows.html) asks of a page.
    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _caseload_query(jobcentre_id: int, filters: CaseloadFilters) -> Select:
    query = (
        select(Candidate, CandidateIdentity)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Candidate.id)
        .where(Candidate.jobcentre_id == jobcentre_id)
    )
    if filters.status:
        query = query.where(Candidate.status == filters.status)
    if filters.consultant_id:
        query = query.where(Candidate.consultant_id == filters.consultant_id)
    for word in filters.text.split()[:5]:
        query = query.where(Candidate.id.in_(_text_matches(word)))
    return query


def _text_matches(word: str) -> CompoundSelect:
    """Ids of candidates whose name, case reference or job goal holds `word`. A union of one
    arm per table, so on PostgreSQL each is answered by its trigram indexes (an OR across
    the two joined tables could only be checked row by row)."""
    identities = CandidateIdentity.__table__.alias("named_identities")
    candidates = Candidate.__table__.alias("goal_candidates")
    return union(
        select(identities.c.candidate_id).where(
            or_(
                contains(identities.c.full_name, word),
                contains(identities.c.case_reference, word),
            )
        ),
        select(candidates.c.id).where(contains(candidates.c.job_goal, word)),
    )


def caseload(
    jobcentre_id: int, filters: CaseloadFilters, page: int, today: date, per_page: int = 25
) -> CaseloadPage:
    """One COUNT, one page of rows and one query for where they stand on the ladder,
    whatever the caseload's size. The rows hold only the columns the list shows (the
    profile's long texts and the consultant's organisation stay in the database)."""
    query = _caseload_query(jobcentre_id, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.options(
            lazyload("*"),
            load_only(
                Candidate.job_goal,
                Candidate.hours_min,
                Candidate.hours_max,
                Candidate.status,
                Candidate.consultant_id,
            ),
            joinedload(Candidate.consultant).options(lazyload("*"), load_only(User.name)),
            load_only(CandidateIdentity.full_name, CandidateIdentity.case_reference),
        )
        .order_by(Candidate.updated_at.desc(), Candidate.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return CaseloadPage(
        rows=[(c, i) for c, i in rows],
        total=total,
        page=page,
        pages=pages,
        ladder=ladder_positions([c.id for c, _i in rows], today),
    )


def _phase_today(
    placement_phase: str, terms_phase: str | None, unpaid_to: date | None, today: date
) -> Phase:
    """The phase of the day, as the placement page shows it (agreements.terms.phase_on,
    which this area sits below): a combined version whose praktik is over is paid hours."""
    if placement_phase == Phase.ENDED:
        return Phase.ENDED
    if terms_phase is None:
        return Phase.PENDING
    if terms_phase == Phase.COMBINED and unpaid_to is not None and unpaid_to < today:
        return Phase.PAID
    return Phase(terms_phase)


def _weekly_hours(
    phase: Phase, unpaid_hours: Decimal | None, paid_hours: Decimal | None
) -> Decimal | None:
    """The hours a week the phase agrees: praktik, paid, or both side by side. A trial visit
    is a few days, not a week's hours, and an ended placement holds none."""
    if phase == Phase.PRAKTIK:
        return unpaid_hours
    if phase == Phase.PAID:
        return paid_hours
    if phase == Phase.COMBINED:
        return (unpaid_hours or Decimal(0)) + (paid_hours or Decimal(0))
    return None


def ladder_positions(candidate_ids: Iterable[int], today: date) -> dict[int, LadderPosition]:
    """Each candidate's phase and weekly hours today, from every placement of theirs and the
    terms version in force on `today` (or, before the first begins, the first), in one query."""
    ids = list(set(candidate_ids))
    if not ids:
        return {}
    version = aliased(PlacementTerms)  # the versions looked through, beside the one shown
    begun = (
        select(func.max(version.number))
        .where(version.placement_id == Placement.id, version.effective_from <= today)
        .correlate(Placement)
        .scalar_subquery()
    )
    first = (
        select(func.min(version.number))
        .where(version.placement_id == Placement.id)
        .correlate(Placement)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Placement.candidate_id,
            Placement.phase,
            PlacementTerms.phase,
            PlacementTerms.unpaid_to,
            PlacementTerms.unpaid_hours,
            PlacementTerms.paid_hours,
        )
        .outerjoin(
            PlacementTerms,
            and_(
                PlacementTerms.placement_id == Placement.id,
                PlacementTerms.number == func.coalesce(begun, first),
            ),
        )
        .where(Placement.candidate_id.in_(ids))
    )
    furthest: dict[int, Phase] = {}
    hours: dict[int, Decimal] = {}
    for candidate_id, placement_phase, terms_phase, unpaid_to, unpaid, paid in rows:
        phase = _phase_today(placement_phase, terms_phase, unpaid_to, today)
        known = furthest.get(candidate_id)
        if known is None or LADDER_ORDER.index(phase) > LADDER_ORDER.index(known):
            furthest[candidate_id] = phase
        weekly = _weekly_hours(phase, unpaid, paid)
        if weekly is not None:
            hours[candidate_id] = hours.get(candidate_id, Decimal(0)) + Decimal(weekly)
    return {
        candidate_id: LadderPosition(phase=phase.value, hours=hours.get(candidate_id))
        for candidate_id, phase in furthest.items()
    }
