"""Each jobcentre's rules for the ladder, kept as data its admin can change.

Every check raises a DomainError that names the rule and says how to proceed, so a refused
step tells the user what to do rather than only "no".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from sqlalchemy import func, select

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Company, LadderRules, Phase, Placement, User

LEGAL_MAX_HOURS = Decimal(37)


def rules_for(jobcentre_id: int) -> LadderRules:
    """The jobcentre's rules; the defaults for a jobcentre that never changed them."""
    found = db.session.get(LadderRules, jobcentre_id)
    if found is not None:
        return found
    return LadderRules(
        jobcentre_id=jobcentre_id,
        trial_max_days=14,
        praktik_max_weeks=13,
        praktik_extended_max_weeks=26,
        max_hours_per_week=LEGAL_MAX_HOURS,
        employees_per_praktik=5,
    )


@dataclass(frozen=True)
class RulesData:
    trial_max_days: int
    praktik_max_weeks: int
    praktik_extended_max_weeks: int
    max_hours_per_week: Decimal
    employees_per_praktik: int


def update_rules(jobcentre_id: int, data: RulesData, admin: User) -> LadderRules:
    if not 1 <= data.trial_max_days <= 28:
        raise DomainError(_l("Enter between 1 and 28 days."), field="trial_max_days")
    if not 1 <= data.praktik_max_weeks <= 26:
        raise DomainError(_l("Enter between 1 and 26 weeks."), field="praktik_max_weeks")
    if not data.praktik_max_weeks <= data.praktik_extended_max_weeks <= 52:
        raise DomainError(
            _l("Enter at least the weeks before an extension, and at most 52."),
            field="praktik_extended_max_weeks",
        )
    if not Decimal("0.5") <= data.max_hours_per_week <= LEGAL_MAX_HOURS:
        raise DomainError(_l("Enter between 0.5 and 37 hours a week."), field="max_hours_per_week")
    if (data.max_hours_per_week * 2) % 1:
        raise DomainError(_l("Use steps of half an hour."), field="max_hours_per_week")
    if not 1 <= data.employees_per_praktik <= 100:
        raise DomainError(_l("Enter between 1 and 100 employees."), field="employees_per_praktik")
    rules = db.session.get(LadderRules, jobcentre_id)
    if rules is None:
        rules = LadderRules(jobcentre_id=jobcentre_id)
        db.session.add(rules)
    for name, value in vars(data).items():
        setattr(rules, name, value)
    rules.updated_by_id = admin.id
    db.session.flush()
    return rules


def days_inclusive(start: date, end: date) -> int:
    return (end - start).days + 1


def check_trial(rules: LadderRules, start: date, end: date) -> None:
    if end < start:
        raise DomainError(_l("The last day must be on or after the first day."), field="end_on")
    if days_inclusive(start, end) > rules.trial_max_days:
        raise DomainError(
            _l(
                "A trial visit lasts at most %(days)d days (the jobcentre's rule). Shorten it;"
                " the next step is a praktik agreement.",
                days=rules.trial_max_days,
            ),
            field="end_on",
        )


def check_praktik(
    rules: LadderRules, start: date, end: date, first_praktik_day: date, special_reason: str
) -> None:
    """One agreement covers at most the weeks before an extension; the whole praktik, counted
    from its first day, at most the extended weeks unless a written special reason is given."""
    if end < start:
        raise DomainError(_l("The last day must be on or after the first day."), field="end_on")
    if days_inclusive(start, end) > rules.praktik_max_weeks * 7:
        raise DomainError(
            _l(
                "One praktik agreement covers at most %(weeks)d weeks. Shorten the period and"
                " agree an extension when it ends.",
                weeks=rules.praktik_max_weeks,
            ),
            field="end_on",
        )
    if (
        days_inclusive(first_praktik_day, end) > rules.praktik_extended_max_weeks * 7
        and not special_reason.strip()
    ):
        raise DomainError(
            _l(
                "The praktik would pass %(weeks)d weeks in all. Beyond that, every further"
                " period needs a written special reason (LAB § 61): write it below.",
                weeks=rules.praktik_extended_max_weeks,
            ),
            field="special_reason",
        )


def check_total_hours(rules: LadderRules, total: Decimal, other_placements: Decimal) -> None:
    limit = min(Decimal(rules.max_hours_per_week), LEGAL_MAX_HOURS)
    if total > limit:
        raise DomainError(
            _l(
                "Praktik and paid hours together would be %(total)s hours a week; the limit is"
                " %(limit)s. Lower the hours.",
                total=format_decimal(total),
                limit=format_decimal(limit),
            ),
            field="hours",
        )
    if total + other_placements > limit:
        raise DomainError(
            _l(
                "With the person's other placements this would be %(total)s hours a week; the"
                " limit is %(limit)s. Lower the hours or change the other placement first.",
                total=format_decimal(total + other_placements),
                limit=format_decimal(limit),
            ),
            field="hours",
        )


UNPAID_PHASES = (Phase.TRIAL.value, Phase.PRAKTIK.value, Phase.COMBINED.value)


def praktik_ratio_exceeded(
    rules: LadderRules, company: Company, adding: int = 0, joining: Placement | None = None
) -> bool:
    """Rimelighedskrav: more people in praktik at the company than its staff reasonably carries.

    `adding` people about to begin; `joining`, a placement about to go into praktik, counts
    once: a trial visit moving on to praktik is among those counted already.
    A warning only: the jobcentre decides, since it knows the company's other arrangements.
    """
    in_praktik = db.session.scalar(
        select(func.count(Placement.id)).where(
            Placement.company_id == company.id, Placement.phase.in_(UNPAID_PHASES)
        )
    )
    if joining is not None and joining.phase not in UNPAID_PHASES:
        adding += 1
    allowed = max(1, company.employee_count // rules.employees_per_praktik)
    return (in_praktik or 0) + adding > allowed
