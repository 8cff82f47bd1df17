"""The shared placement pages (marketplace/placements/pages.py) through HTTP, with CSRF on, the
way the two sides use them: the whole journey on the timeline, and what the company reads of
the person (the pseudonym until consent, the name after, each showing logged; the printable
agreement with the terms and the parties).

The jobcentre proposes a praktik agreement and the company accepts it on the timeline; the
company offers paid hours and the jobcentre confirms them; either side ends the placement.
Messages are compared in the language the page is shown in (tests.html_forms.da), so a
missing translation does not hide a missing message.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import (
    AccessLogEntry,
    Placement,
    PlacementStep,
    Proposal,
    Purpose,
    Weekday,
)
from marketplace.privacy import disclosure
from marketplace.web.labels import PURPOSE_LABELS
from tests.factories import (
    CANDIDATE_NAME,
    CANDIDATE_PHONE,
    agree,
    in_days,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import da, text_of
from tests.pages import (
    button,
    da_date,
    filled,
    form_date,
    forms_of,
    fresh,
    kinds_for,
    main_form,
    send,
)
from tests.support import csrf_token_from, submit

# -- The journey --------------------------------------------------------------------------


def test_journey_trial_then_praktik_then_paid_hours_combined_then_end(
    app, jobcentre, company, consultant, employer, person, job
):
    # The consultant proposes the person; the company accepts with a trial visit.
    assert (
        submit(jobcentre, f"/jobs/{job.id}/propose/{person.id}", {"pitch": "God."}).status_code
        == 302
    )
    proposal = db.session.scalar(select(Proposal))
    page = company.get(f"/company/proposals/{proposal.id}")
    accepted = company.post(
        f"/company/proposals/{proposal.id}/accept",
        data={
            "first_step": "trial",
            "suggested_start": form_date(1),
            "trial_end": form_date(2),
            "csrf_token": csrf_token_from(page),
        },
    )
    placement = db.session.scalar(select(Placement))
    assert placement is not None
    assert accepted.headers["Location"] == f"/company/placements/{placement.id}"
    assert (placement.phase, placement.first_step) == ("trial", "trial")
    [trial] = versions_of(placement.id)
    assert (trial.unpaid_from, trial.unpaid_to) == (in_days(1), in_days(2))

    # The consultant proposes a praktik agreement through the form.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert f'href="/placements/{placement.id}/praktik"' in text_of(timeline)
    form_page = jobcentre.get(f"/placements/{placement.id}/praktik")
    assert form_page.status_code == 200
    form = main_form(form_page)
    assert form.values["start_on"] == [form_date(3)]  # the day after the trial visit
    sent = send(
        jobcentre,
        f"/placements/{placement.id}/praktik",
        filled(
            form,
            end_on=form_date(30),
            purposes=[str(int(Purpose.TOWARDS_HOURS)), str(int(Purpose.TRAIN_SKILLS))],
            tasks="Fylde hylder\nTjekke datoer",
            mentor_name="Ole Mentor",
        ),
    )
    assert sent.headers["Location"] == f"/placements/{placement.id}"
    step = db.session.scalar(select(PlacementStep))
    assert (step.kind, step.status, step.end_on) == ("praktik", "waiting", in_days(30))
    assert "praktik_proposed" in kinds_for(employer)

    # The company accepts it with the button on its timeline.
    timeline = company.get(f"/company/placements/{placement.id}")
    assert "Ole Mentor" in text_of(timeline)
    assert (
        send(
            company,
            f"/company/placements/{placement.id}/steps/{step.id}/accept",
            button(timeline, f"/steps/{step.id}/accept").values,
        ).status_code
        == 302
    )
    placement = fresh(placement)
    assert placement.phase == "praktik"
    praktik = versions_of(placement.id)[-1]
    assert (praktik.number, praktik.phase, praktik.step_id) == (2, "praktik", step.id)
    assert praktik.purposes == int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS)
    assert "praktik_accepted" in kinds_for(consultant)

    # The company offers paid hours beside the praktik.
    offer_page = company.get(f"/company/placements/{placement.id}/paid-hours")
    assert offer_page.status_code == 200
    offered = send(
        company,
        f"/company/placements/{placement.id}/paid-hours",
        filled(
            main_form(offer_page),
            start_on=form_date(10),
            hours="3",
            weekdays=[str(int(Weekday.FRI))],
            tasks="Kasse",
            hourly_wage="142,50",
            praktik_continues="y",
        ),
    )
    assert offered.headers["Location"] == f"/company/placements/{placement.id}"
    paid = db.session.scalar(select(PlacementStep).where(PlacementStep.kind == "paid"))
    assert paid.praktik_continues
    assert paid.hourly_wage == Decimal("142.50")

    # The consultant confirms them on the timeline.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert (
        send(
            jobcentre,
            f"/placements/{placement.id}/steps/{paid.id}/accept",
            button(timeline, f"/steps/{paid.id}/accept").values,
        ).status_code
        == 302
    )
    placement = fresh(placement)
    assert placement.phase == "combined"
    combined = versions_of(placement.id)[-1]
    assert (combined.number, combined.phase) == (3, "combined")
    assert (combined.unpaid_from, combined.unpaid_to) == (in_days(3), in_days(30))
    assert (combined.paid_from, combined.paid_hours) == (in_days(10), Decimal(3))
    assert combined.total_hours == Decimal(9)
    page = text_of(company.get(f"/company/placements/{placement.id}"))
    for terms in versions_of(placement.id)[1:]:  # each praktik version is printable
        assert f"/company/placements/{placement.id}/agreement/{terms.id}" in page

    # The company ends the placement.
    end_page = company.get(f"/company/placements/{placement.id}/end")
    ended = send(
        company,
        f"/company/placements/{placement.id}/end",
        filled(main_form(end_page), reason="completed", ended_on=form_date(0), note="Fint forløb"),
    )
    assert ended.headers["Location"] == f"/company/placements/{placement.id}"
    placement = fresh(placement)
    assert (placement.phase, placement.ended_on, placement.end_reason) == (
        "ended",
        local_today(),
        "completed",
    )
    assert placement.ended_by_side == "company"
    assert "placement_ended" in kinds_for(consultant)
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert "Fint forløb" in text_of(timeline)
    assert [f for f in forms_of(timeline) if "/steps/" in (f.action or "")] == []
    assert f"/placements/{placement.id}/praktik" not in text_of(timeline)


# -- Identity: the pseudonym until consent, the name after (audited) ------------------------


def test_the_company_sees_the_pseudonym_until_consent_then_the_name(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    agreement = agree(
        app, propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3))), employer
    )
    timeline = f"/company/placements/{placement.id}"
    printable = f"{timeline}/agreement/{agreement.id}"
    with app.test_request_context():
        code = disclosure.pseudonym_code(placement.candidate_id, placement.company_id)
    for path in (timeline, printable, f"{timeline}/end", f"{timeline}/paid-hours"):
        page = text_of(company.get(path))
        assert code in page, path
        assert CANDIDATE_NAME not in page, path
        assert CANDIDATE_PHONE not in page, path

    def company_views() -> list[AccessLogEntry]:
        return list(
            db.session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.organisation_id == employer.organisation_id)
                .order_by(AccessLogEntry.id)
            )
        )

    assert company_views() == []

    proposal_page = f"/proposals/{placement.proposal_id}"
    assert (
        submit(
            jobcentre, f"{proposal_page}/consent", {"method": "phone"}, page=proposal_page
        ).status_code
        == 302
    )

    # The company is told of the consent in a notification that now names the person; that
    # e-mail is a showing of the name too, logged before any page is opened.
    told = len(company_views())
    assert told == 1
    for n, path in enumerate((timeline, printable), start=1):
        page = text_of(company.get(path))
        assert CANDIDATE_NAME in page, path
        views = company_views()
        assert len(views) == told + n
        assert (views[-1].viewer_id, views[-1].purpose, views[-1].seen) == (
            employer.id,
            "placement",
            "name",
        )
        assert views[-1].candidate_id == placement.candidate_id
    # The consultant always sees the name; that showing is logged as the jobcentre's.
    assert CANDIDATE_NAME in text_of(jobcentre.get(f"/placements/{placement.id}"))
    assert len(company_views()) == told + 2


def test_the_printable_agreement_states_the_terms_and_the_parties(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place(consent=True)
    terms = praktik_terms(
        job,
        in_days(3),
        days=56,
        hours=Decimal("7.5"),
        tasks=("Fylde hylder", "Modtage varer"),
        purposes=int(Purpose.TRAIN_SKILLS | Purpose.CLARIFY_GOAL),
        mentor_name="Mette Mentorsen",
    )
    agreement = agree(app, propose_praktik(app, placement, consultant, terms), employer)
    company_record = placement.company
    jobcentre_name = consultant.organisation.name
    for browser, prefix in ((company, "/company/placements"), (jobcentre, "/placements")):
        response = browser.get(f"{prefix}/{placement.id}/agreement/{agreement.id}")
        assert response.status_code == 200
        page = text_of(response)
        for expected in (
            CANDIDATE_NAME,
            da(PURPOSE_LABELS[Purpose.TRAIN_SKILLS]),
            da(PURPOSE_LABELS[Purpose.CLARIFY_GOAL]),
            "<li>Fylde hylder</li>",
            "<li>Modtage varer</li>",
            "7,5",
            da_date(in_days(3)),
            da_date(in_days(3 + 55)),
            da(job.workplace.name),
            job.workplace.p_number,
            "Mette Mentorsen",
            da(company_record.name),
            company_record.cvr,
            da(jobcentre_name),
        ):
            assert expected in page, (prefix, expected)
        assert da(PURPOSE_LABELS[Purpose.TOWARDS_HOURS]) not in page


def test_the_terms_give_the_wage_in_kroner(company, jobcentre, placement):
    """ "140,00 kr. i timen", on both sides' placement pages: a bare number is no wage."""
    for browser, url in (
        (company, f"/company/placements/{placement.id}"),
        (jobcentre, f"/placements/{placement.id}"),
    ):
        page = text_of(browser.get(url))
        assert "140,00 kr. i timen" in page, url
