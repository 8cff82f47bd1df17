"""Demo placements at every phase of the ladder (JOURNEYS.md, journey 3), dated around
today so the demo reads the same whenever it is loaded. Two trial visits were assessed by
their company (each recommending praktik, which followed; one person agrees, one does not),
and the ended one's assessment is still missing (the stuck list's row).

Each is built through the domain functions, with `today` set to the day each step happened,
and its timestamps moved to that day, so the timeline reads as if lived.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.clock import LOCAL_TZ, local_today
from marketplace.companies import staff
from marketplace.demo.data import MORE_HOURS_DUE, PITCHES, PLACEMENTS
from marketplace.extensions import db
from marketplace.hours.ledger import week_start_of
from marketplace.models import (
    Candidate,
    CandidateIdentity,
    ConsentMethod,
    EndReason,
    Job,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    Purpose,
    StepKind,
    User,
    Weekday,
)
from marketplace.models.assessments import (
    Assessment,
    AssessmentKind,
    Held,
    Recommendation,
    Scale,
    Skill,
)
from marketplace.placements import assessments as assessing
from marketplace.placements import ladder as placements
from marketplace.placements import steps
from marketplace.placements.assessment_requests import periods
from marketplace.placements.assessments import AssessmentData
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def _praktik(job: Job, start: date, weeks: int, hours: str, mentor: str) -> steps.StepTerms:
    return steps.StepTerms(
        start_on=start,
        end_on=start + timedelta(weeks=weeks, days=-1),
        hours=Decimal(hours),
        weekdays=job.weekdays or int(Weekday.TUE | Weekday.THU),
        tasks=tuple(job.task_lines or ("Opgaver efter aftale",)),
        workplace_id=job.workplace_id,
        mentor_name=mentor,
        purposes=int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS),
    )


def _paid(
    job: Job, start: date, hours: str, tasks: tuple[str, ...], *, combined: bool
) -> steps.StepTerms:
    return steps.StepTerms(
        start_on=start,
        hours=Decimal(hours),
        weekdays=job.weekdays or int(Weekday.MON | Weekday.WED),
        tasks=tasks,
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
        praktik_continues=combined,
    )


# What the demo's companies answered of a trial visit (journey 3): each recommends praktik.
TRIAL_WENT_WELL = AssessmentData(
    held=Held.AS_PLANNED,
    tasks={},
    punctuality=Scale.GOOD,
    cooperation=Scale.GOOD,
    pace=Scale.PARTLY,
    recommendation=Recommendation.PRAKTIK,
    recommended_weeks=4,
    recommended_hours=Decimal("6"),
    to_jobcentre="Mødte til tiden begge dage og spurgte, når han var i tvivl.",
    to_person="Godt begyndt. Øv dig i at fylde op i den rækkefølge, datoerne siger.",
)


class _Story:
    """One placement told step by step, each on its own day."""

    def __init__(self, proposal: Proposal, employer: User, consultant: User) -> None:
        self.proposal, self.employer, self.consultant = proposal, employer, consultant
        self.job = proposal.job
        self.placement: Placement | None = None

    def accept(self, day: date, first: Phase, start: date, trial_days: int = 2) -> None:
        proposals.accept(self.proposal, self.employer, max(start, local_today()))
        self.proposal.suggested_start = start
        # Proposed two days before the answer, as the story's other days are told in the
        # past (the leader's funnel reads the days from proposal to answer).
        self.proposal.created_at = _at(day - timedelta(days=2), 9)
        self.proposal.decided_at = _at(day, 9)
        self.placement = placements.start(
            self.proposal,
            self.employer,
            first,
            start,
            start + timedelta(days=trial_days - 1) if first == Phase.TRIAL else None,
            today=day,
        )
        self.placement.created_at = _at(day, 9)
        self._date_terms(day)

    def propose(
        self, day: date, user: User, kind: StepKind, terms: steps.StepTerms
    ) -> PlacementStep:
        step = placements.propose_step(
            self.placement, user, kind, terms, self.placement.version, today=day
        )
        step.created_at = _at(day, 11)
        return step

    def agree(self, day: date, step: PlacementStep, user: User) -> None:
        placements.accept_step(step, user, self.placement.version, today=day)
        step.decided_at = _at(day, 14)
        self._date_terms(day, 14)

    def end(self, day: date, user: User, reason: EndReason, note: str) -> None:
        placements.end(self.placement, user, reason, note, day, self.placement.version, today=day)
        # Ending asked the company for its assessment then (placements.assessment_requests).
        for asked in db.session.scalars(
            select(Assessment).where(Assessment.placement_id == self.placement.id)
        ):
            asked.requested_at = _at(day, 15)

    def assess(
        self,
        kind: AssessmentKind,
        day: date,
        answer: AssessmentData,
        reading: tuple[bool, str] | None = None,
    ) -> None:
        """The company asked for its assessment of the period of `kind` the day after it
        ended, and answering on `day`; the person's reading recorded the day after, if given."""
        versions = versions_of(self.placement.id)
        period = next(p for p in periods(self.placement, versions) if p.kind == kind)
        assessment = Assessment(
            placement_id=self.placement.id,
            company_id=self.placement.company_id,
            jobcentre_id=self.placement.jobcentre_id,
            kind=kind.value,
            period_from=period.first,
            period_to=period.last,
            requested_at=_at(period.last + timedelta(days=1), 7),
        )
        db.session.add(assessment)
        db.session.flush()
        tasks = {task: Skill.ALONE for task in assessing.period_tasks(assessment)}
        assessing.submit(assessment, self.employer, replace(answer, tasks=tasks), day)
        assessment.submitted_at = _at(day, 10)
        if reading is not None:
            agrees, comment = reading
            assessing.record_reading(assessment, self.consultant, agrees, comment)
            assessment.person_read_at = _at(day + timedelta(days=1), 13)

    def _date_terms(self, day: date, hour: int = 9) -> None:
        db.session.flush()
        for terms in db.session.scalars(
            select(PlacementTerms).where(PlacementTerms.placement_id == self.placement.id)
        ):
            if terms.created_at > _at(local_today(), 0):
                terms.created_at = _at(day, hour)


# Paid hours that began this many weeks ago: enough past weeks for a streak of four.
PAID_WEEKS = 6
# A praktik near its end: its last day this many days from today, inside the notice days of
# placements.reminders, so the first sweep tells both sides.
PRAKTIK_ENDS_IN_DAYS = 3


def _paid_for_weeks(story: _Story, today: date, hours: str) -> None:
    """Paid hours from the start, from the Monday PAID_WEEKS weeks ago."""
    begun = week_start_of(today) - timedelta(weeks=PAID_WEEKS)
    story.accept(begun - timedelta(days=5), Phase.PAID, begun)
    tasks = tuple(story.job.task_lines or ("Opgaver efter aftale",))
    offer = story.propose(
        begun - timedelta(days=4),
        story.employer,
        StepKind.PAID,
        _paid(story.job, begun, hours, tasks, combined=False),
    )
    story.agree(begun - timedelta(days=3), offer, story.consultant)


def _build(story: _Story, stage: str, today: date) -> None:
    employer, consultant, job = story.employer, story.consultant, story.job
    if stage == "paid_weeks":  # paid hours at the job's hours a week for some weeks
        _paid_for_weeks(story, today, str(job.hours_per_week))
    elif stage == "more_hours_due":  # journey 5: few hours, worked as planned every week
        _paid_for_weeks(story, today, MORE_HOURS_DUE[2])
    elif stage == "praktik_ending":  # four weeks of praktik, ending in a few days
        ends = today + timedelta(days=PRAKTIK_ENDS_IN_DAYS)
        begun = ends - timedelta(weeks=4, days=-1)
        story.accept(begun - timedelta(days=4), Phase.PRAKTIK, begun)
        step = story.propose(
            begun - timedelta(days=3),
            consultant,
            StepKind.PRAKTIK,
            _praktik(job, begun, 4, "6", employer.name),
        )
        story.agree(begun - timedelta(days=2), step, employer)
    elif stage == "combined":  # journey 3: trial, 4 weeks of praktik, paid hours from week 3
        begun = today - timedelta(days=30)
        story.accept(begun - timedelta(days=4), Phase.TRIAL, begun)
        step = story.propose(
            begun + timedelta(days=2),
            consultant,
            StepKind.PRAKTIK,
            _praktik(job, begun + timedelta(days=3), 4, "6", employer.name),
        )
        story.agree(begun + timedelta(days=2), step, employer)
        story.assess(
            AssessmentKind.TRIAL,
            begun + timedelta(days=2),
            TRIAL_WENT_WELL,
            reading=(True, ""),
        )
        offer = story.propose(
            begun + timedelta(days=16),
            employer,
            StepKind.PAID,
            _paid(job, begun + timedelta(days=17), "3", ("Fylde mælkekøl",), combined=True),
        )
        story.agree(begun + timedelta(days=17), offer, consultant)
        disclosure.record_consent(story.proposal, consultant, ConsentMethod.IN_PERSON)
    elif stage == "praktik_offer_waiting":  # in praktik; the company offers paid hours
        begun = today - timedelta(days=40)
        story.accept(begun - timedelta(days=3), Phase.TRIAL, begun, trial_days=3)
        step = story.propose(
            begun + timedelta(days=3),
            consultant,
            StepKind.PRAKTIK,
            _praktik(job, begun + timedelta(days=4), 13, "8", employer.name),
        )
        story.agree(begun + timedelta(days=4), step, employer)
        story.assess(
            AssessmentKind.TRIAL,
            begun + timedelta(days=3),
            replace(
                TRIAL_WENT_WELL,
                recommended_weeks=13,
                recommended_hours=Decimal("8"),
                to_jobcentre="Glad for planterne og arbejder roligt. Skal have tid til at lære.",
                to_person="Spørg, hvis du er i tvivl om en plante.",
            ),
            reading=(False, "Vil hellere have lønnede timer med det samme."),
        )
        story.propose(
            today - timedelta(days=1),
            employer,
            StepKind.PAID,
            _paid(job, today + timedelta(days=7), "4", ("Vande og luge",), combined=True),
        )
    elif stage == "paid":  # paid hours from the start
        begun = today - timedelta(days=21)
        story.accept(begun - timedelta(days=5), Phase.PAID, begun)
        offer = story.propose(
            begun - timedelta(days=4),
            employer,
            StepKind.PAID,
            _paid(job, begun, "10", tuple(job.task_lines or ("Pakke træer",)), combined=False),
        )
        story.agree(begun - timedelta(days=3), offer, consultant)
    elif stage == "trial":  # a trial visit next week
        story.accept(today - timedelta(days=1), Phase.TRIAL, today + timedelta(days=6))
    elif stage == "pending":  # accepted for praktik; the jobcentre writes the agreement
        story.accept(today - timedelta(days=2), Phase.PRAKTIK, today + timedelta(days=10))
    elif stage == "ended":  # a trial visit, then the person chose another placement
        begun = today - timedelta(days=24)
        story.accept(begun - timedelta(days=3), Phase.TRIAL, begun)
        story.end(
            begun + timedelta(days=3),
            consultant,
            EndReason.CANDIDATE_STOPPED,
            "Vil hellere arbejde i et køkken.",
        )


def new_demo_proposal(reference: str, title: str) -> Proposal | None:
    """Propose the demo candidate with this case reference to the demo job with this title,
    unless either is missing or the proposal exists already (seeding runs again)."""
    candidate_id = db.session.scalar(
        select(CandidateIdentity.candidate_id).where(CandidateIdentity.case_reference == reference)
    )
    job = db.session.scalar(select(Job).where(Job.title == title))
    if candidate_id is None or job is None:
        return None
    known = select(Proposal.id).where(
        Proposal.candidate_id == candidate_id, Proposal.job_id == job.id
    )
    if db.session.scalar(known) is not None:
        return None
    candidate = db.session.get(Candidate, candidate_id)
    return proposals.propose(job, candidate, candidate.consultant, PITCHES[title])


def ensure_placements() -> int:
    today = local_today()
    added = 0
    for reference, title, stage in PLACEMENTS:
        proposal = new_demo_proposal(reference, title)
        if proposal is None:
            continue
        employer = staff.company_staff(proposal.company_id)[0]
        _build(_Story(proposal, employer, proposal.candidate.consultant), stage, today)
        added += 1
    return added
