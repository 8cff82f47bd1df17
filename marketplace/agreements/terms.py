"""Reading a placement's terms versions: which one applies on a day, and its phase then.

Versions only ever get later effective dates (a step cannot start before the terms it
replaces), so the version in force on a day is the last one that began on or before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from marketplace.extensions import db
from marketplace.models import Phase, Placement, PlacementTerms


def versions_of(placement_id: int) -> list[PlacementTerms]:
    return list(
        db.session.scalars(
            select(PlacementTerms)
            .where(PlacementTerms.placement_id == placement_id)
            .order_by(PlacementTerms.number)
        )
    )


def versions_of_many(
    placement_ids: Iterable[int] | Select[tuple[int]],
    *,
    plain: bool = False,
) -> defaultdict[int, list[PlacementTerms]]:
    """Each placement's versions in order, in one query; ids as a list or a subquery.
    `plain`: without the eager joins of each version's workplace and author (and the
    author's organisation), for lists and weeks that read only dates, days and hours: at
    national scale the joins cost more to plan than the rows to read (issue 16)."""
    ids = placement_ids if isinstance(placement_ids, Select) else list(placement_ids)
    grouped: defaultdict[int, list[PlacementTerms]] = defaultdict(list)
    if isinstance(ids, list) and not ids:
        return grouped
    statement = (
        select(PlacementTerms)
        .where(PlacementTerms.placement_id.in_(ids))
        .order_by(PlacementTerms.placement_id, PlacementTerms.number)
    )
    if plain:
        statement = statement.options(lazyload("*"))
    for terms in db.session.scalars(statement):
        grouped[terms.placement_id].append(terms)
    return grouped


def latest_terms(placement_id: int) -> PlacementTerms | None:
    return db.session.scalar(
        select(PlacementTerms)
        .where(PlacementTerms.placement_id == placement_id)
        .order_by(PlacementTerms.number.desc())
        .limit(1)
    )


def latest_terms_of(placement_ids: Iterable[int]) -> dict[int, PlacementTerms]:
    """The newest version of each placement, in one query."""
    ids = list(placement_ids)
    if not ids:
        return {}
    newest = (
        select(PlacementTerms.placement_id, func.max(PlacementTerms.number).label("number"))
        .where(PlacementTerms.placement_id.in_(ids))
        .group_by(PlacementTerms.placement_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(PlacementTerms).join(
            newest,
            (PlacementTerms.placement_id == newest.c.placement_id)
            & (PlacementTerms.number == newest.c.number),
        )
    )
    return {terms.placement_id: terms for terms in rows}


def in_force(versions: Sequence[PlacementTerms], day: date) -> PlacementTerms | None:
    chosen = None
    for version in versions:
        if version.effective_from <= day:
            chosen = version
    return chosen


def phase_of(terms: PlacementTerms | None, day: date) -> Phase:
    """The phase `terms` put the placement in on `day`: a combined placement whose praktik
    period is over is in paid hours alone."""
    if terms is None:
        return Phase.PENDING
    phase = Phase(terms.phase)
    if phase == Phase.COMBINED and terms.unpaid_to is not None and terms.unpaid_to < day:
        return Phase.PAID
    return phase


def phase_on(placement: Placement, versions: Sequence[PlacementTerms], day: date) -> Phase:
    if placement.ended_on is not None and placement.ended_on < day:
        return Phase.ENDED
    # Agreed terms that have not begun yet (a trial visit next week) already set the phase.
    return phase_of(in_force(versions, day) or (versions[0] if versions else None), day)


def first_praktik_day(versions: Sequence[PlacementTerms]) -> date | None:
    """The first day of praktik in the placement, from which its length is counted."""
    days = [
        v.unpaid_from
        for v in versions
        if v.phase in (Phase.PRAKTIK, Phase.COMBINED) and v.unpaid_from is not None
    ]
    return min(days) if days else None


def upcoming(versions: Sequence[PlacementTerms], day: date) -> PlacementTerms | None:
    """An agreed version that starts after `day`, if any (the newest one)."""
    later = [v for v in versions if v.effective_from > day]
    return later[-1] if later else None


class VersionState(StrEnum):
    PAST = "past"
    IN_FORCE = "in_force"
    COMING = "coming"


@dataclass(frozen=True)
class TermsPeriod:
    """One version as lived: from its own first day to the day before the next version began
    (or the placement's last day); `ends` is None while nothing replaced it."""

    terms: PlacementTerms
    starts: date
    ends: date | None
    state: VersionState

    @property
    def never_applied(self) -> bool:
        """Replaced, or the placement ended, before its first day."""
        return self.ends is not None and self.ends < self.starts


def history(
    versions: Sequence[PlacementTerms], today: date, ended_on: date | None = None
) -> list[TermsPeriod]:
    """Every version with its own start, in order, the one in force today marked and the
    agreed ones that have not begun marked as coming.

    A version's start is its `effective_from`, not the first day of its paid or praktik part:
    a change of hours from 7 December keeps the paid part's first day of 12 November, and
    showing that date made the new hours look as if they applied since November.
    """
    ended = ended_on is not None and ended_on < today
    current = None if ended else in_force(versions, today)
    periods = []
    for n, version in enumerate(versions):
        following = versions[n + 1] if n + 1 < len(versions) else None
        ends = following.effective_from - timedelta(days=1) if following else None
        if ended_on is not None and (ends is None or ends > ended_on):
            ends = ended_on
        if version is current:
            state = VersionState.IN_FORCE
        elif version.effective_from > today and not ended:
            state = VersionState.COMING
        else:
            state = VersionState.PAST
        periods.append(TermsPeriod(version, version.effective_from, ends, state))
    return periods
