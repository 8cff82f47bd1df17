"""The leak test: before consent, no company page, notification, e-mail or export shows
identity, and no company ever reads health data.

Every GET route a company user may open is visited (found from the URL map, so a page added
later is visited too), with the ids of the company's own objects, and every notification
and e-mail the company's users got, and the payroll CSV for a period that holds confirmed
hours. Identity fields hold unique sentinel strings. Health sentences are typed where a
consultant types (profile, pitch, a change of hours, a week flag): each must be refused at
input, and none may appear anywhere the company looks.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from marketplace import queue, tasks
from marketplace.agreements.terms import latest_terms
from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.models import (
    CATEGORY_BITS,
    Assessment,
    AssessmentKind,
    Held,
    Notification,
    Phase,
    Proposal,
    Purpose,
    Recommendation,
    Role,
    Scale,
    StepKind,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements import steps
from marketplace.placements.assessments import AssessmentData
from marketplace.placements.assessments import submit as submit_assessment
from marketplace.placements.steps import hours_change
from marketplace.privacy.disclosure import pseudonym_code
from marketplace.privacy.screening import NO_HEALTH
from marketplace.proposals import lifecycle as proposals
from marketplace.web.access import PUBLIC, allowed_roles_of
from tests.factories import MONDAY, confirm, ladder_job, paid_terms
from tests.html_forms import error_ids
from tests.pages import fill
from tests.support import submit

NAME = "Sentinelname Leakcheckson"
PHONE = "71 72 73 74"
IDENTITY = ["Sentinelname", "Leakcheckson", "71 72 73 74", "71727374", "leak@sentinel.example"]
NEVER = ["CASE-LEAK-9", "NOTE-LEAK-8", "6999", "Tjek aldrig denne note"]
# The payroll export is downloaded for the weeks around MONDAY (confirmed paid hours).
PERIOD = f"start={MONDAY - timedelta(days=7)}&end={MONDAY + timedelta(days=6)}"


@pytest.fixture
def setting(app, client, consultant, employer, make_job, make_company, make_user, login, outbox):
    person = create_candidate(
        consultant,
        CandidateData(
            full_name=NAME,
            phone=PHONE,
            email="leak@sentinel.example",
            case_reference="CASE-LEAK-9",
            consultant_note="NOTE-LEAK-8 Tjek aldrig denne note",
            job_goal="Butik om morgenen",
            hours_min=Decimal(3),
            hours_max=Decimal(8),
            municipality_code=760,
            postcode="6999",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=int(Weekday.TUE | Weekday.THU),
            danish_level="fluent",
        ),
    )
    job = make_job(employer.organisation, employer)
    login(consultant)
    submit(client, f"/jobs/{job.id}/propose/{person.id}", {"pitch": "Stabil og mødestabil."})
    proposal = db.session.scalar(select(Proposal))
    # Accepted into a placement with an agreed praktik, so its timeline and printable
    # agreement are visited too; still without consent.
    job.offers_praktik = True
    start = local_today() + timedelta(days=3)
    proposals.accept(proposal, employer, start)
    placement = placements.start(proposal, employer, Phase.TRIAL, start)
    step = placements.propose_step(
        placement,
        consultant,
        StepKind.PRAKTIK,
        steps.StepTerms(
            start_on=start + timedelta(days=2),
            end_on=start + timedelta(days=30),
            hours=Decimal(6),
            weekdays=int(Weekday.TUE),
            tasks=("Fylde op",),
            workplace_id=job.workplace_id,
            mentor_name="Ole Mentor",
            purposes=int(Purpose.TOWARDS_HOURS),
        ),
        placement.version,
    )
    terms = placements.accept_step(step, employer, placement.version)
    # A second placement of the same person, with paid hours confirmed three weeks ago: the
    # payroll export for that period holds it (under the pseudonym until consent).
    paid_job = ladder_job(make_job, employer, title="Lager om morgenen")
    hire = proposals.propose(paid_job, person, consultant, "God til lager.")
    proposals.accept(hire, employer, local_today())
    began = MONDAY - timedelta(days=7)
    hired = placements.start(hire, employer, Phase.PAID, began, today=began)
    offer = paid_terms(paid_job, MONDAY, hours="6", weekdays=int(Weekday.TUE | Weekday.THU))
    offered = placements.propose_step(
        hired, employer, StepKind.PAID, offer, hired.version, today=began
    )
    placements.accept_step(offered, consultant, hired.version, today=began)
    confirm(hired, employer)
    # The company's assessment of a praktik (its form and, answered, its printable page are
    # visited too): one asked for, one answered for the consultant to record the reading.
    asked = Assessment(
        placement_id=placement.id,
        company_id=placement.company_id,
        jobcentre_id=placement.jobcentre_id,
        kind=AssessmentKind.PRAKTIK.value,
        period_from=terms.unpaid_from,
        period_to=terms.unpaid_to,
    )
    answered = Assessment(
        placement_id=hired.id,
        company_id=hired.company_id,
        jobcentre_id=hired.jobcentre_id,
        kind=AssessmentKind.PRAKTIK.value,
        period_from=began - timedelta(days=14),
        period_to=began - timedelta(days=1),
    )
    db.session.add_all([asked, answered])
    db.session.flush()
    submit_assessment(
        answered,
        employer,
        AssessmentData(
            held=Held.AS_PLANNED,
            tasks={},
            punctuality=Scale.GOOD,
            cooperation=Scale.GOOD,
            pace=Scale.GOOD,
            recommendation=Recommendation.PAID,
            recommended_hours=Decimal(6),
            to_person="Godt gået.",
        ),
        local_today(),
    )
    db.session.commit()
    colleague = make_user(employer.organisation, email="kollega-leak@test.example")
    other_company_user = make_user(make_company(name="Andet Firma"))
    return {
        "person": person,
        "job": job,
        "proposal": proposal,
        "placement": placement,
        "hired": hired,
        "terms": terms,
        "asked": asked,
        "answered": answered,
        "colleague": colleague,
        "other": other_company_user,
    }


def company_get_urls(app, user, setting) -> list[str]:
    """Every GET page a company user may open, with the company's own ids filled in."""
    ids = {
        "job_id": setting["job"].id,
        "workplace_id": setting["job"].workplace_id,
        "proposal_id": setting["proposal"].id,
        "placement_id": setting["placement"].id,
        "terms_id": setting["terms"].id,
    }
    assessments = (setting["asked"].id, setting["answered"].id)
    notifications = db.session.scalars(
        select(Notification.id).where(Notification.recipient_id == user.id)
    ).all()
    urls = []
    for rule in app.url_map.iter_rules():
        allowed = allowed_roles_of(rule.endpoint)
        if "GET" not in rule.methods or rule.endpoint == "static" or allowed is None:
            continue
        if allowed is not PUBLIC and Role.EMPLOYER.value not in allowed:
            continue
        arguments = list(rule.arguments)
        if "notification_id" in arguments:
            urls += [rule.rule.replace("<id:notification_id>", str(n)) for n in notifications]
            continue
        if "token" in arguments:
            continue  # invitation and hours links: the hour reminder tests check the latter
        if "reminder_id" in arguments:
            continue  # only redirects to the hours page, which is checked here
        if "assessment_id" in arguments:
            urls += [rule.rule.replace("<id:assessment_id>", str(a)) for a in assessments]
            continue
        for placement_id in (setting["placement"].id, setting["hired"].id):
            path = rule.rule.replace("<id:placement_id>", str(placement_id))
            for name, value in ids.items():
                path = path.replace(f"<id:{name}>", str(value))
            assert "<" not in path, f"a company page whose id the leak test cannot fill: {rule}"
            urls.append(path)
    # The confirmed week of the paid placement (its flags), and the payroll export for it.
    hired = setting["hired"].id
    urls += [f"/company/hours?week={MONDAY}", f"/company/placements/{hired}/hours?week={MONDAY}"]
    urls.append(f"/company/hours/export?{PERIOD}")
    return sorted(set(urls))


def everything_seen(app, user, setting, login, outbox) -> str:
    browser = app.test_client()
    login(user, via=browser)
    tasks.sweep()
    queue.run_inprocess_tasks()
    seen = []
    for url in company_get_urls(app, user, setting):
        response = browser.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), url
        seen.append(response.get_data(as_text=True))
    for path in outbox.glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] in (user.email,):
            for part in mail.walk():
                if part.get_content_maintype() == "text":
                    seen.append(part.get_content())
            seen.append(str(mail["Subject"]))
    rows = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id)
    ).all()
    seen += [str(n.params) for n in rows]
    return "\n".join(seen)


def test_no_identity_anywhere_a_company_looks_before_consent(
    app, client, employer, login, outbox, setting
):
    for user in (employer, setting["colleague"]):
        seen = everything_seen(app, user, setting, login, outbox)
        assert "Butik om morgenen" in seen  # the visit did reach the profile
        for sentinel in IDENTITY + NEVER:
            assert sentinel not in seen, (user.email, sentinel)


def test_after_consent_name_and_phone_only_for_that_company(
    app, client, employer, login, outbox, setting
):
    submit(
        client,
        f"/proposals/{setting['proposal'].id}/consent",
        {"method": "in_person"},
        page=f"/proposals/{setting['proposal'].id}",
    )

    seen = everything_seen(app, employer, setting, login, outbox)
    assert NAME in seen
    assert PHONE in seen
    for sentinel in [*NEVER, "leak@sentinel.example"]:  # never e-mail, reference, note, postcode
        assert sentinel not in seen, sentinel

    stranger = everything_seen(app, setting["other"], setting, login, outbox)
    for sentinel in IDENTITY + NEVER:
        assert sentinel not in stranger, sentinel


def test_the_payroll_export_holds_the_placement_under_its_pseudonym_before_consent(
    app, client, employer, login, setting
):
    browser = app.test_client()
    login(employer, via=browser)
    response = browser.get(f"/company/hours/export?{PERIOD}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    csv = response.get_data(as_text=True)
    code = pseudonym_code(setting["person"].id, employer.organisation_id)
    assert code in csv  # the export does hold the placement's hours...
    for sentinel in IDENTITY + NEVER:
        assert sentinel not in csv  # ...under the pseudonym only


# Health sentences as a consultant might type them, and a word of each that must never reach
# a company page, notification, e-mail or export.
HEALTH = {
    "other_limitations": ("Har PTSD og depression efter krigen", "PTSD"),
    "pitch": ("Tidligere hashmisbrug, nu ædru i to år", "hashmisbrug"),
    "reason": ("Færre timer mens han er i behandling hos psykiater", "psykiater"),
    "comment": ("Var han sygemeldt torsdag?", "sygemeldt"),
    "person_comment": ("Uenig: hun var på afvænning i den uge", "afvænning"),
}


def test_health_sentences_are_refused_at_input_and_no_company_reads_them(
    app, client, consultant, employer, login, outbox, setting, make_job
):
    person, hired = setting["person"], setting["hired"]
    refused = {}  # `client` is the consultant's browser (see setting)

    # The profile and the pitch, through the consultant's forms.
    text = HEALTH["other_limitations"][0]
    response = fill(client, f"/candidates/{person.id}/edit", other_limitations=text)
    refused["other_limitations"] = error_ids(response) == ["other_limitations"]
    other_job = make_job(employer.organisation, employer, title="Kantine")
    url = f"/jobs/{other_job.id}/propose/{person.id}"
    response = submit(client, url, {"pitch": HEALTH["pitch"][0]})
    refused["pitch"] = error_ids(response) == ["pitch"]

    # What the jobcentre writes in a placement: a change of hours, a week flag.
    current = latest_terms(hired.id)
    start_on = MONDAY + timedelta(days=28)
    change = hours_change(current, start_on, Decimal(8), current.paid_weekdays, HEALTH["reason"][0])
    for field, action in (
        (
            "reason",
            lambda: placements.propose_step(
                hired, consultant, StepKind.HOURS, change, hired.version
            ),
        ),
        ("comment", lambda: hour_flags.flag_week(hired, consultant, MONDAY, HEALTH["comment"][0])),
    ):
        try:
            action()
        except DomainError as error:
            refused[field] = (error.field, error.message) == (field, NO_HEALTH)
        else:
            refused[field] = False
        db.session.commit()

    # The person's reading of an assessment, which the company reads beside it.
    reading_url = f"/assessments/{setting['answered'].id}/reading"
    response = submit(client, reading_url, {"agrees": "no", "comment": HEALTH["person_comment"][0]})
    refused["person_comment"] = error_ids(response) == ["comment"]

    leaks = []
    for user in (employer, setting["colleague"]):
        seen = everything_seen(app, user, setting, login, outbox)
        assert "Lager om morgenen" in seen  # the paid placement's pages were visited
        leaks += [(user.email, word) for _, word in HEALTH.values() if word in seen]
    assert leaks == []
    assert refused == dict.fromkeys(HEALTH, True)
