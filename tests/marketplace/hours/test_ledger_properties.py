"""Random sequences of week confirmations, duplicate submits and corrections on one paid
placement never lose or change a recorded hour.

One placement with paid hours since a Monday three weeks ago (Tuesday and Thursday planned,
every day open for paid hours, no praktik). The actions confirm one of the three past weeks
with random daily hours (now and then junk: 2.3 hours, 25 hours, a day outside the week,
praktik hours), submit a confirmation again (a retry, or a colleague a moment later), and
correct a day with random hours (now and then no reason, the figure already recorded, a stale
or future `seen_revision`, a week not confirmed, junk hours).

A Python model predicts each action's outcome and the current figure of each day. Every
action either succeeds as predicted or raises the predicted DomainError and, rolled back to a
savepoint as the route would, leaves the records exactly as they were. After each action:
the weeks read by `weeks_for` show the model's figures and sums, the records only grow (every
earlier row unchanged), each day's revisions run 1..n, each correcting the one before, and
`current_record` is the model's figure, and paid_months (the jobcentre's figures' rollup)
holds exactly the months with a paid day above 0, as the model and the records say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours.paid_months import MonthPaid, month_hours
from marketplace.hours.weeks import weeks_for
from marketplace.models import (
    HourKind,
    HourRecord,
    Job,
    PaidMonth,
    PlacementTerms,
    User,
    WeekConfirmation,
)
from tests.factories import MONDAY, ladder_job, paid_placement

WEEKS = [MONDAY + timedelta(days=7 * n) for n in range(3)]  # the three past weeks
JUNK_HOURS = [Decimal(h) for h in ("2.3", "25", "-1", "24.25", "0.1")]
KINDS = [HourKind.PAID, HourKind.PAID, HourKind.PAID, HourKind.PRAKTIK]  # mostly paid

Key = tuple[date, HourKind]


# --- Actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirm:
    week: int  # index into WEEKS
    entries: tuple[tuple[int, HourKind, Decimal], ...]  # (day of the week 0..6, kind, hours)
    planned: bool  # send the planned week instead of the entries
    colleague: bool


@dataclass(frozen=True)
class Retry:
    """The last confirmation submitted again, as sent (a double click, a retry)."""

    colleague: bool


@dataclass(frozen=True)
class Correct:
    target: str  # "recorded": a day with hours, "confirmed": any day of a confirmed week, "any"
    pick: int  # which of those (modulo their number)
    week: int  # for "any": -1 is the week before paid hours began (never confirmed)
    day: int
    kind: HourKind
    hours: Decimal | None  # None: the figure already recorded
    reason: str
    seen: str  # "none", "current", "stale", "ahead"


quarter_hours = st.integers(0, 32).map(lambda q: Decimal(q) / 4)  # 0 to 8 in quarters
day_hours = st.one_of(quarter_hours, quarter_hours, quarter_hours, st.sampled_from(JUNK_HOURS))
entry_day = st.one_of(st.integers(0, 6), st.integers(0, 6), st.sampled_from([-1, 7]))


def _entries(pairs: dict[tuple[int, HourKind], Decimal]) -> tuple[Any, ...]:
    return tuple((day, kind, value) for (day, kind), value in sorted(pairs.items()))


clean_entries = st.dictionaries(
    st.tuples(st.integers(0, 6), st.just(HourKind.PAID)), quarter_hours, max_size=7
).map(_entries)
wild_entries = st.dictionaries(
    st.tuples(entry_day, st.sampled_from(KINDS)), day_hours, max_size=7
).map(_entries)
confirms = st.builds(
    Confirm,
    week=st.integers(0, 2),
    entries=st.one_of(clean_entries, clean_entries, wild_entries),
    planned=st.sampled_from([False, False, True]),
    colleague=st.booleans(),
)
# A correction as the page sends it: a day with hours, a reason, the revision it showed.
likely_corrections = st.builds(
    Correct,
    target=st.sampled_from(["recorded", "recorded", "confirmed"]),
    pick=st.integers(0, 20),
    week=st.just(0),
    day=st.just(0),
    kind=st.just(HourKind.PAID),
    hours=quarter_hours,
    reason=st.just("Gik tidligt"),
    seen=st.sampled_from(["none", "current"]),
)
# Anything: any day, no reason, the same figure, junk hours, a stale or future revision.
wild_corrections = st.builds(
    Correct,
    target=st.sampled_from(["recorded", "recorded", "confirmed", "any"]),
    pick=st.integers(0, 20),
    week=st.sampled_from([0, 1, 2, -1]),
    day=st.sampled_from([1, 3, 1, 3, 0, 2, 4, 5, 6]),  # mostly the planned days
    kind=st.sampled_from(KINDS),
    hours=st.one_of(
        quarter_hours, quarter_hours, quarter_hours, st.none(), st.sampled_from(JUNK_HOURS)
    ),
    reason=st.sampled_from(["Gik tidligt", "Gik tidligt", "Syg", "", "   "]),
    seen=st.sampled_from(["none", "current", "current", "stale", "ahead"]),
)
# A clean confirmation first, so that corrections have something to correct.
first_confirms = st.builds(
    Confirm,
    week=st.integers(0, 2),
    entries=clean_entries,
    planned=st.booleans(),
    colleague=st.just(False),
)
scripts = st.builds(
    lambda first, rest: [first, *rest][:12],
    first_confirms,
    st.lists(
        st.one_of(
            confirms,
            st.builds(Retry, st.booleans()),
            likely_corrections,
            likely_corrections,
            wild_corrections,
        ),
        max_size=11,
    ),
)


# --- The model ------------------------------------------------------------------------------


@dataclass
class Model:
    confirmed: set[date] = field(default_factory=set)
    # (day, kind) -> (current hours, current revision)
    current: dict[Key, tuple[Decimal, int]] = field(default_factory=dict)
    records: int = 0
    last_sent: tuple[date, dict[Key, Decimal]] | None = None

    def week_sum(self, week_start: date) -> Decimal:
        days = hours.week_days(week_start)
        return sum((h for (day, _), (h, _) in self.current.items() if day in days), Decimal(0))


def _open(day: date, kind: HourKind, today: date) -> bool:
    """Paid hours from MONDAY up to today; no praktik in this placement."""
    return kind == HourKind.PAID and MONDAY <= day <= today


def _entry_ok(day: date, kind: HourKind, value: Decimal, today: date) -> bool:
    if day > today:  # a day still to come is refused whatever its value
        return False
    if not Decimal(0) <= value <= Decimal(24) or value % Decimal("0.25"):
        return False
    return value == 0 or _open(day, kind, today)


def expect_confirm(model: Model, week_start: date, entries: dict[Key, Decimal], today: date):
    """The exception class the confirmation should raise, or None."""
    days = hours.week_days(week_start)
    for (day, kind), value in entries.items():
        if day not in days or not _entry_ok(day, kind, value, today):
            return DomainError
    if week_start in model.confirmed:
        return hours.AlreadyConfirmed
    return None


def expect_correct(model: Model, day: date, kind: HourKind, value: Decimal, action: Correct):
    """(the exception class to expect or None, the seen_revision to send)."""
    current = model.current.get((day, kind))
    revision = current[1] if current else 0
    seen = {
        "none": None,
        "current": revision,
        "stale": revision - 1,
        "ahead": revision + 1,
    }[action.seen]
    if hours.week_start_of(day) not in model.confirmed:
        return DomainError, seen
    if not action.reason.strip():
        return DomainError, seen
    if not _entry_ok(day, kind, value, hours.local_today()):
        return DomainError, seen
    if seen is not None and seen != revision:
        return DomainError, seen
    if current is None and value == 0:
        return DomainError, seen
    if current is not None and current[0] == value:
        return DomainError, seen
    return None, seen


# --- Reading the state ----------------------------------------------------------------------


def rows(placement_id: int) -> dict[int, tuple[Any, ...]]:
    """Every record of the placement, as plain values, by id."""
    result = db.session.execute(
        select(
            HourRecord.id,
            HourRecord.work_date,
            HourRecord.kind,
            HourRecord.revision,
            HourRecord.corrects_revision,
            HourRecord.hours,
            HourRecord.confirmation_id,
            HourRecord.reason,
            HourRecord.note,
            HourRecord.recorded_by_id,
        ).where(HourRecord.placement_id == placement_id)
    ).all()
    return {row[0]: tuple(row) for row in result}


def confirmed_weeks(placement_id: int) -> set[date]:
    return set(
        db.session.scalars(
            select(WeekConfirmation.week_start).where(WeekConfirmation.placement_id == placement_id)
        )
    )


def check(placement: Any, model: Model, before: dict[int, tuple[Any, ...]], action: Any):
    """The invariants after an action; returns the records now."""
    now = rows(placement.id)
    # Only ever grows: every earlier row still there, unchanged.
    for record_id, row in before.items():
        assert now.get(record_id) == row, (action, row, now.get(record_id))
    assert len(now) == model.records, (action, len(now), model.records)

    # Each day's revisions are 1..n, each correcting the one before; the newest is the model's.
    lines: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
    for row in now.values():
        lines[(row[1], HourKind(row[2]))].append(row)
    assert set(lines) == set(model.current), action
    for key, line in lines.items():
        line.sort(key=lambda row: row[3])
        assert [row[3] for row in line] == list(range(1, len(line) + 1)), (action, key)
        assert [row[4] for row in line] == [None, *range(1, len(line))], (action, key)
        assert all(row[6] is None and row[7] for row in line[1:]), (action, key)
        figure, revision = model.current[key]
        assert (Decimal(line[-1][5]), line[-1][3]) == (figure, revision), (action, key)
        record = hours.current_record(placement.id, *key)
        assert record is not None
        assert (Decimal(record.hours), record.revision) == (figure, revision), (action, key)

    # The months that touched the person with paid hours and their hours (paid_months, the
    # jobcentre's figures): kept beside every write, they are what the model's figures say,
    # and what the records say when read directly.
    month_sums: dict[date, Decimal] = defaultdict(Decimal)
    firsts: dict[date, date] = {}
    for (day, kind), (figure, _revision) in sorted(model.current.items()):
        if kind == HourKind.PAID and figure > 0:
            month_sums[day.replace(day=1)] += figure
            firsts.setdefault(day.replace(day=1), day)
    expected = {
        (placement.candidate_id, month): MonthPaid(hours, firsts[month])
        for month, hours in month_sums.items()
    }
    kept = db.session.execute(
        select(PaidMonth.candidate_id, PaidMonth.month, PaidMonth.hours, PaidMonth.first_day).where(
            PaidMonth.candidate_id == placement.candidate_id
        )
    )
    assert {(c, m): MonthPaid(Decimal(h), f) for c, m, h, f in kept} == expected, action
    assert month_hours([placement.candidate_id], date(2000, 1, 1), date(2100, 1, 1)) == expected

    # The weeks as the pages read them.
    assert confirmed_weeks(placement.id) == model.confirmed, action
    for week_start in WEEKS:
        (week,) = weeks_for([placement], week_start)
        assert (week.confirmation is not None) == (week_start in model.confirmed), action
        for key, cell in week.cells.items():
            expected = model.current.get(key, (Decimal(0), 0))[0]
            assert cell.hours == expected, (action, key, cell.hours, expected)
        total = sum((cell.hours for cell in week.cells.values()), Decimal(0))
        assert total == model.week_sum(week_start), (action, week_start)
        if week.confirmation is not None:
            assert week.total(HourKind.PAID) + week.total(HourKind.PRAKTIK) == total, action
    return now


# --- The run --------------------------------------------------------------------------------


def perform(
    action: Any,
    placement: Any,
    versions: list[PlacementTerms],
    users: dict[str, User],
    model: Model,
    today: date,
) -> tuple[type[Exception] | None, Callable[[], Any], Callable[[], None]]:
    """(the expected exception or None, the call, how the model changes if it succeeds)."""
    if isinstance(action, Correct):
        day = MONDAY + timedelta(days=7 * action.week + action.day)
        kind = action.kind
        recorded = sorted(model.current)
        confirmed_days = [
            (d, k) for w in sorted(model.confirmed) for d in hours.week_days(w) for k in HourKind
        ]
        if action.target == "recorded" and recorded:
            day, kind = recorded[action.pick % len(recorded)]
        elif action.target != "any" and confirmed_days:
            day, kind = confirmed_days[action.pick % len(confirmed_days)]
        key = (day, kind)
        current = model.current.get(key)
        value = action.hours if action.hours is not None else (current[0] if current else 0)
        value = Decimal(value)
        expected, seen = expect_correct(model, day, kind, value, action)

        def call() -> Any:
            return hours.correct(
                placement,
                users["employer"],
                day,
                kind,
                value,
                action.reason,
                versions,
                seen_revision=seen,
            )

        def apply() -> None:
            model.current[key] = (value, (current[1] if current else 0) + 1)
            model.records += 1

        return expected, call, apply

    if isinstance(action, Retry):
        if model.last_sent is None:
            week_start, entries = WEEKS[0], hours.planned(placement, versions, WEEKS[0])
        else:
            week_start, entries = model.last_sent
    else:
        week_start = WEEKS[action.week]
        if action.planned:
            entries = hours.planned(placement, versions, week_start)
        else:
            entries = {
                (week_start + timedelta(days=day), kind): value
                for day, kind, value in action.entries
            }
    model.last_sent = (week_start, dict(entries))
    user = users["colleague" if action.colleague else "employer"]
    expected = expect_confirm(model, week_start, entries, today)

    def call() -> Any:
        return hours.confirm_week(placement, user, week_start, entries, versions, today=today)

    plan = hours.planned(placement, versions, week_start)

    def apply() -> None:
        model.confirmed.add(week_start)
        for key, value in entries.items():
            if value > 0 or plan.get(key):  # a planned day confirmed as 0 is a record too
                model.current[key] = (value, 1)
                model.records += 1

    return expected, call, apply


def test_random_confirmations_and_corrections_never_lose_an_hour(
    make_job: Callable[..., Job], make_user: Callable[..., User], consultant: User, employer: User
):
    job = ladder_job(make_job, employer)
    placement = paid_placement(job, consultant, employer)
    users = {"employer": employer, "colleague": make_user(employer.organisation)}
    versions = versions_of(placement.id)  # no step changes them during the run
    today = hours.local_today()
    assert rows(placement.id) == {}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(script=scripts)
    def run(script: list[Any]) -> None:
        example = db.session.begin_nested()
        try:
            model = Model()
            state = rows(placement.id)
            for action in script:
                expected, call, apply = perform(action, placement, versions, users, model, today)
                attempt = db.session.begin_nested()
                refusal: DomainError | None = None
                try:
                    call()
                except DomainError as error:
                    refusal = error
                if refusal is not None:
                    attempt.rollback()
                    assert expected is not None, (action, str(refusal))
                    assert isinstance(refusal, expected), (action, type(refusal), str(refusal))
                    if expected is DomainError:  # a plain refusal, not "someone was first"
                        assert not isinstance(refusal, hours.AlreadyConfirmed), action
                    # Refused: nothing changed at all (and that state passed the checks).
                    assert rows(placement.id) == state, action
                    assert confirmed_weeks(placement.id) == model.confirmed, action
                    continue
                attempt.commit()
                assert expected is None, (action, "should have raised", expected)
                apply()
                state = check(placement, model, state, action)
        finally:
            example.rollback()
            # SQLite hands the rolled-back ids out again: forget the rows this example read
            # (a rolled-back savepoint only forgets the rows it added), or the next example's
            # new row would meet a stale one of the same id in the session.
            for row in list(db.session.identity_map.values()):
                if isinstance(row, HourRecord | WeekConfirmation):
                    db.session.expunge(row)

    run()
