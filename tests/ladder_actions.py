"""The actions of the ladder's property test and the hypothesis strategies that draw them:
waiting, proposing, accepting, refusing, withdrawing and ending, by the right side, the wrong
side and outsiders, on random days with random hours; and the placement each sequence starts
from (Setup). Used by tests/marketplace/placements/test_ladder_properties.py only.

The actor "right" is a user of the side allowed to take the action; the others are named
users of either party or of neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from marketplace.models import EndReason, Phase, StepKind

ACTORS = ("consultant", "colleague", "admin", "employer", "employer2", "outsider", "stranger")
HOURS = [Decimal(h) for h in ("0.5", "1", "2.5", "3", "6", "10", "14.5", "20", "30", "33", "37")]
BAD_HOURS = [Decimal(h) for h in ("0", "2.25", "40")]


@dataclass(frozen=True)
class Wait:
    days: int


@dataclass(frozen=True)
class Propose:
    kind: StepKind
    actor: str
    start: int  # days from the simulated today
    after_current: bool  # or from the current terms' first day, if later
    length: int  # days, for a praktik
    hours: Decimal
    continues: bool
    wage: str  # "job", "agreement", "below", "none"
    special_reason: bool
    stale: bool


@dataclass(frozen=True)
class Accept:
    actor: str
    stale: bool


@dataclass(frozen=True)
class Refuse:
    actor: str
    note: str
    stale: bool


@dataclass(frozen=True)
class Withdraw:
    actor: str
    stale: bool


@dataclass(frozen=True)
class End:
    actor: str
    reason: EndReason
    ended: int  # days from the simulated today
    stale: bool


# "right" is a user of the side allowed to take the action; the others are anyone, of either
# party or of neither.
actors = st.sampled_from(("right", "right", "right", *ACTORS))
fresh_or_stale = st.sampled_from([False, False, False, False, True])  # mostly fresh
# A proposal by the right side, mostly starting on or after the current terms: often valid.
likely_proposal = st.builds(
    Propose,
    kind=st.sampled_from(list(StepKind)),
    actor=st.just("right"),
    start=st.integers(0, 20),
    after_current=st.sampled_from([True, True, False]),
    length=st.sampled_from([14, 28, 91]),
    hours=st.sampled_from(HOURS),
    continues=st.booleans(),
    wage=st.just("job"),
    special_reason=st.just(False),
    stale=st.just(False),
)
# Anything at all: any side or none, any day, any hours, wages, lengths, stale forms.
wild_proposal = st.builds(
    Propose,
    kind=st.sampled_from(list(StepKind)),
    actor=actors,
    start=st.integers(-2, 45),
    after_current=st.booleans(),
    length=st.sampled_from([1, 14, 28, 60, 91, 92, 120]),
    hours=st.sampled_from(HOURS + BAD_HOURS),
    continues=st.booleans(),
    wage=st.sampled_from(["job", "job", "agreement", "below", "none"]),
    special_reason=st.booleans(),
    stale=fresh_or_stale,
)
likely_accept = st.builds(Accept, actor=st.just("right"), stale=st.just(False))
# Paid hours offered and accepted, then a change of hours asked for: the top of the ladder.
paid_offer = st.builds(
    Propose,
    kind=st.just(StepKind.PAID),
    actor=st.just("right"),
    start=st.integers(0, 10),
    after_current=st.just(True),
    length=st.just(14),
    hours=st.sampled_from(HOURS[:6]),
    continues=st.just(False),
    wage=st.just("job"),
    special_reason=st.just(False),
    stale=st.just(False),
)
likely_hours_change = st.builds(
    Propose,
    kind=st.just(StepKind.HOURS),
    actor=st.just("right"),
    start=st.integers(0, 20),
    after_current=st.sampled_from([True, True, False]),
    length=st.just(14),
    hours=st.sampled_from(HOURS),
    continues=st.booleans(),
    wage=st.sampled_from(["job", "job", "job", "none"]),
    special_reason=st.booleans(),
    stale=st.just(False),
)
answers = st.one_of(
    st.builds(Accept, actor=actors, stale=fresh_or_stale),
    st.builds(
        Refuse, actor=actors, note=st.sampled_from(["", "Andre dage, tak"]), stale=fresh_or_stale
    ),
    st.builds(Withdraw, actor=actors, stale=fresh_or_stale),
)
single_actions = st.one_of(
    st.builds(Wait, st.integers(1, 40)),
    wild_proposal,
    likely_proposal,
    answers,
    st.builds(
        End,
        actor=actors,
        reason=st.sampled_from(list(EndReason)),
        ended=st.integers(-5, 1),
        stale=fresh_or_stale,
    ),
)
# A proposal and then its answer, in a row (still separate actions, each checked), so that
# sequences climb the ladder, and meet the wrong side, often.
scripts = st.lists(
    st.one_of(
        st.tuples(likely_proposal, likely_accept),
        st.tuples(likely_proposal, answers),
        st.tuples(wild_proposal, likely_accept),
        st.tuples(likely_proposal, likely_accept),
        st.tuples(paid_offer, likely_accept, likely_hours_change, answers),
        st.tuples(likely_hours_change, likely_accept),
        single_actions.map(lambda action: (action,)),
    ),
    min_size=4,
    max_size=10,
).map(lambda groups: [action for group in groups for action in group][:15])


@dataclass(frozen=True)
class Setup:
    first_step: Phase
    start: int
    trial_days: int
    max_hours: Decimal
    praktik_weeks: tuple[int, int]


setups = st.builds(
    Setup,
    first_step=st.sampled_from([Phase.TRIAL, Phase.PRAKTIK, Phase.PAID]),
    start=st.integers(0, 5),
    trial_days=st.integers(1, 14),
    max_hours=st.sampled_from([Decimal(37), Decimal(20)]),
    praktik_weeks=st.sampled_from([(13, 26), (4, 8)]),
)
