"""The screening where consultants type: the candidate form, the propose form, and what the
jobcentre writes in a placement. A refused text is told beside its field, stays typed, and
nothing is saved. A text held only by the jobcentre (the note) is not screened for health or
identity; a CPR number is refused everywhere (tests/candidates/test_caseload_create.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours.ledger import week_start_of
from marketplace.models import (
    ConsentMethod,
    Phase,
    PlacementStep,
    Proposal,
    Purpose,
    StepKind,
    Weekday,
    WeekFlag,
)
from marketplace.placements import ladder as placements
from marketplace.placements import steps
from marketplace.privacy import disclosure
from marketplace.privacy import screening as privacy
from marketplace.privacy.screening import NO_HEALTH, NO_IDENTITY
from marketplace.proposals import lifecycle as proposals
from tests.html_forms import da, error_ids, field_error, text_of
from tests.pages import annas_form, fill
from tests.pages import candidate_counts as counts
from tests.support import submit

HEALTH = "Har PTSD og depression, tager Cipralex"
PROFILE_TEXTS = list(privacy.PROFILE_TEXTS)


def typed_into(field: str, text: str) -> str:
    return f"Fylde hylder\n{text}" if field == "tasks_can_do" else text


@pytest.mark.parametrize("field", PROFILE_TEXTS)
def test_the_candidate_form_refuses_health_beside_the_field_and_saves_nothing(
    client, consultant, login, field
):
    login(consultant)
    before = counts()
    response = fill(client, "/candidates/new", **annas_form(**{field: typed_into(field, HEALTH)}))
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert da(NO_HEALTH) in field_error(response, field)
    assert "Beskriv hvad personen kan og ikke kan på arbejdet" in field_error(response, field)
    assert counts() == before
    assert str(escape(HEALTH)) in text_of(response)  # kept, to be rewritten
    assert 'value="SAG-2024-0117"' in text_of(response)  # and the rest of the form too


@pytest.mark.parametrize("field", PROFILE_TEXTS)
def test_the_candidate_form_refuses_the_persons_identity_in_a_profile_text(
    client, consultant, login, field
):
    login(consultant)
    before = counts()
    leak = "Østergaard ringer selv på 20 30 40 50"
    response = fill(client, "/candidates/new", **annas_form(**{field: typed_into(field, leak)}))
    assert error_ids(response) == [field]
    assert da(NO_IDENTITY) in field_error(response, field)
    assert counts() == before


def test_the_note_is_the_jobcentres_own_and_is_not_screened_for_health_or_identity(
    client, consultant, login
):
    login(consultant)
    note = "Anna har PTSD; ring 20 30 40 50 før mødet."
    response = fill(client, "/candidates/new", **annas_form(consultant_note=note))
    assert response.status_code == 302, error_ids(response)


def test_an_edit_with_a_health_sentence_keeps_the_saved_text(client, consultant, login):
    login(consultant)
    person = create_candidate(
        consultant,
        CandidateData(
            full_name="Anna Jensen",
            job_goal="Rengøring",
            hours_min=Decimal(4),
            hours_max=Decimal(8),
            municipality_code=consultant.organisation.municipality_code,
            postcode="6900",
            other_limitations="Korte pauser",
        ),
    )
    db.session.commit()
    url = f"/candidates/{person.id}/edit"
    response = fill(client, url, other_limitations="Har haft en depression")
    assert error_ids(response) == ["other_limitations"]
    assert da(NO_HEALTH) in field_error(response, "other_limitations")
    db.session.expire_all()
    assert person.other_limitations == "Korte pauser"


# ---------------------------------------------------------------------------------------------
# The pitch


@pytest.fixture
def mads(consultant):
    """Mads Kirk, the candidate whose placement the jobcentre writes in."""
    return create_candidate(
        consultant,
        CandidateData(
            full_name="Mads Kirk",
            phone="30 40 50 60",
            case_reference="SAG-77",
            job_goal="Lager",
            hours_min=Decimal(3),
            hours_max=Decimal(8),
            municipality_code=760,
            postcode="6900",
            available_weekdays=int(Weekday.TUE),
        ),
    )


@pytest.mark.parametrize(
    "pitch",
    ["Har haft en depression, men er stabil nu.", "Tidligere alkoholmisbrug, ædru i to år."],
)
def test_the_propose_form_refuses_a_health_pitch_and_keeps_it(
    client, consultant, login, mads, employer, make_job, pitch
):
    job = make_job(employer.organisation, employer)
    login(consultant)
    response = submit(client, f"/jobs/{job.id}/propose/{mads.id}", {"pitch": pitch})
    assert response.status_code == 200
    assert error_ids(response) == ["pitch"]
    assert da(NO_HEALTH) in field_error(response, "pitch")
    assert str(escape(pitch)) in text_of(response)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_pitch_about_work_is_sent(client, consultant, login, mads, employer, make_job):
    job = make_job(employer.organisation, employer)
    login(consultant)
    pitch = "Kan ikke løfte over 10 kg, har brug for korte pauser, har kørekort."
    response = submit(client, f"/jobs/{job.id}/propose/{mads.id}", {"pitch": pitch})
    assert response.status_code == 302
    assert db.session.scalar(select(Proposal.pitch)) == pitch


# ---------------------------------------------------------------------------------------------
# What the jobcentre writes in a placement


@pytest.fixture
def trial_placement(consultant, employer, mads, make_job):
    """Mads at his trial visit on a job that also offers praktik (not the shared `placement`,
    which is paid hours since MONDAY)."""
    job = make_job(employer.organisation, employer)
    job.offers_praktik = True
    proposal = proposals.propose(job, mads, consultant, "Stabil og glad for lager.")
    start = local_today() + timedelta(days=3)
    proposals.accept(proposal, employer, start)
    return placements.start(proposal, employer, Phase.TRIAL, start)


def praktik(placement, **changes):
    start = local_today() + timedelta(days=5)
    values = {
        "start_on": start,
        "end_on": start + timedelta(days=28),
        "hours": Decimal(6),
        "weekdays": int(Weekday.TUE),
        "tasks": ("Fylde op",),
        "workplace_id": placement.job.workplace_id,
        "mentor_name": "Ole Kirk",  # the company's mentor may share a surname: not screened
        "purposes": int(Purpose.TOWARDS_HOURS),
        **changes,
    }
    return steps.StepTerms(**values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"special_reason": "Har brug for længere tid pga. sin angst"},
            "special_reason",
            NO_HEALTH,
        ),
        ({"tasks": ("Fylde op", "Ingen tunge løft efter operationen")}, "tasks", NO_HEALTH),
        ({"tasks": ("Fylde op", "Mads åbner om morgenen")}, "tasks", NO_IDENTITY),
        ({"special_reason": "Ring til ham på 30405060"}, "special_reason", NO_IDENTITY),
    ],
)
def test_a_praktik_agreement_from_the_jobcentre_is_screened(
    consultant, trial_placement, changes, field, message
):
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial_placement,
            consultant,
            StepKind.PRAKTIK,
            praktik(trial_placement, **changes),
            trial_placement.version,
        )
    assert (refused.value.field, refused.value.message) == (field, message)
    assert db.session.scalar(select(func.count(PlacementStep.id))) == 0


def test_after_consent_the_name_may_be_written_but_health_never(
    consultant, employer, trial_placement
):
    disclosure.record_consent(trial_placement.proposal, consultant, ConsentMethod.IN_PERSON)
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial_placement,
            consultant,
            StepKind.PRAKTIK,
            praktik(trial_placement, special_reason="Mads er i behandling for stress"),
            trial_placement.version,
        )
    assert refused.value.message == NO_HEALTH
    step = placements.propose_step(
        trial_placement,
        consultant,
        StepKind.PRAKTIK,
        praktik(trial_placement, tasks=("Mads åbner om morgenen",)),
        trial_placement.version,
    )
    assert step.tasks == ["Mads åbner om morgenen"]


def test_the_jobcentres_answer_and_end_note_are_screened_the_companys_are_not(
    consultant, employer, trial_placement
):
    terms = placements.propose_step(
        trial_placement,
        consultant,
        StepKind.PRAKTIK,
        praktik(trial_placement),
        trial_placement.version,
    )
    # The company's note goes to the jobcentre, which knows the person: not screened.
    placements.refuse_step(terms, employer, "Mads skal møde kl. 7", trial_placement.version)
    again = placements.propose_step(
        trial_placement,
        consultant,
        StepKind.PRAKTIK,
        praktik(trial_placement),
        trial_placement.version,
    )
    placements.accept_step(again, employer, trial_placement.version)
    offer = placements.propose_step(
        trial_placement,
        employer,
        StepKind.PAID,
        praktik(trial_placement, hourly_wage=trial_placement.job.agreement_wage + 10, end_on=None),
        trial_placement.version,
    )
    with pytest.raises(DomainError) as refused:
        placements.refuse_step(
            offer, consultant, "Han er sygemeldt lige nu", trial_placement.version
        )
    assert (refused.value.field, refused.value.message) == ("note", NO_HEALTH)
    with pytest.raises(DomainError) as refused:
        placements.end(
            trial_placement,
            consultant,
            placements.EndReason.OTHER,
            "Indlagt på psykiatrisk afdeling",
            local_today(),
            trial_placement.version,
        )
    assert (refused.value.field, refused.value.message) == ("note", NO_HEALTH)


def test_a_week_flag_is_screened(consultant, trial_placement):
    monday = week_start_of(local_today())
    for comment, message in (
        ("Var han syg torsdag?", NO_HEALTH),
        ("Ring til Mads om torsdag", NO_IDENTITY),
    ):
        with pytest.raises(DomainError) as refused:
            hour_flags.flag_week(trial_placement, consultant, monday, comment)
        assert (refused.value.field, refused.value.message) == ("comment", message)
    assert db.session.scalar(select(func.count(WeekFlag.id))) == 0
    hour_flags.flag_week(trial_placement, consultant, monday, "Var han der torsdag?")
    assert db.session.scalar(select(func.count(WeekFlag.id))) == 1


# ---------------------------------------------------------------------------------------------
# Texts stored before the screening: flask privacy-screen


def test_the_command_lists_stored_texts_that_fail_without_showing_or_changing_them(
    app, consultant, other_consultant, mads, trial_placement
):
    # Written before the screening existed (or by a second writer): straight into the rows.
    mads.other_limitations = "Har PTSD og depression"
    mads.tasks_can_do = ["Fylde hylder", "Mads er god til kasse"]
    mads.consultant_note = "Har PTSD (the note is the jobcentre's own: not listed)"
    trial_placement.proposal.pitch = "Har haft en depression"
    elsewhere = create_candidate(
        other_consultant,
        CandidateData(
            full_name="Eva Berg",
            job_goal="Butik",
            hours_min=Decimal(3),
            hours_max=Decimal(8),
            municipality_code=other_consultant.organisation.municipality_code,
            postcode="7400",
        ),
    )
    elsewhere.earlier_work = "Sygemeldt siden 2023, CPR 010203-1234"
    db.session.flush()
    before = (mads.other_limitations, trial_placement.proposal.pitch, elsewhere.earlier_work)

    result = app.test_cli_runner().invoke(args=["privacy-screen"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    mine = consultant.organisation.name
    assert f"candidate={mads.id}\tjobcentre={mine}\tfield=tasks_can_do\tproblem=name" in lines
    assert (
        f"candidate={mads.id}\tjobcentre={mine}\tfield=other_limitations\tproblem=health" in lines
    )
    pitch = f"field=proposal {trial_placement.proposal.id}: pitch\tproblem=health"
    assert f"candidate={mads.id}\tjobcentre={mine}\t{pitch}" in lines
    theirs = other_consultant.organisation.name
    assert f"candidate={elsewhere.id}\tjobcentre={theirs}\tfield=earlier_work\tproblem=cpr" in lines
    assert lines[-1] == "4 stored texts fail the screening."
    for secret in ("PTSD", "depression", "Mads", "Sygemeldt", "010203"):
        assert secret not in result.output  # where and why, never the text

    only = app.test_cli_runner().invoke(
        args=["privacy-screen", "--jobcentre", str(other_consultant.organisation.municipality_code)]
    )
    assert only.exit_code == 0, only.output
    assert only.output.splitlines()[0].startswith(f"candidate={elsewhere.id}\t")
    assert "1 stored texts fail" in only.output

    db.session.expire_all()
    assert (
        mads.other_limitations,
        trial_placement.proposal.pitch,
        elsewhere.earlier_work,
    ) == before

    unknown = app.test_cli_runner().invoke(args=["privacy-screen", "--jobcentre", "9999"])
    assert unknown.exit_code != 0
    assert "no jobcentre has this code" in unknown.output


def test_the_command_says_so_when_nothing_fails(app, mads):
    result = app.test_cli_runner().invoke(args=["privacy-screen"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No stored text fails."
