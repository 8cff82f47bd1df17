"""The companies' assessments on the leader's figures page, in its CSV files, and counted on
the consultant's placements page (issue 18): Danish, the consultant filter, another jobcentre
never shown, people by case reference and logged as an export, free texts left out, a fixed
number of statements."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import local_today, month_of, utcnow
from marketplace.extensions import db
from marketplace.figures.assessments import REMIND_AFTER_DAYS
from marketplace.models import AccessLogEntry, AccessSeen, CandidateIdentity, Role
from marketplace.models.assessments import EarlyReason, EndedBy, Held, Recommendation
from tests.factories import answer_with, asked, placement_of
from tests.html_forms import text_of

URL = "/jobcentre/figures"
THIS_MONTH = f"{month_of(local_today()):%Y-%m}"  # its twelve months hold today's answers


def section(page: str) -> str:
    return page.split('id="assessments-title"')[1].split("</section>")[0]


@pytest.fixture
def colleague(consultant, make_user):
    return make_user(consultant.organisation, Role.CONSULTANT, name="Mette Holm")


@pytest.fixture
def elsewhere(make_user, make_jobcentre):
    """A consultant of another jobcentre."""
    return make_user(make_jobcentre(657), Role.CONSULTANT)


@pytest.fixture
def answered(job, consultant, colleague, employer, elsewhere):
    """The consultant's Anna (as planned, paid hours) and Bo (partly: he chose to stop; a
    praktik recommended), Frida's still missing; the colleague's Erik (the company ended it:
    no capacity); another jobcentre's Xenia (the jobcentre ended it)."""
    anna = answer_with(asked(job, consultant, employer, "Anna Vurderet"), employer)
    bo = answer_with(
        asked(job, consultant, employer, "Bo Vurderet"),
        employer,
        Held.PARTLY,
        EndedBy.PERSON,
        EarlyReason.PERSON_CHOSE,
        Recommendation.PRAKTIK,
    )
    frida = asked(job, consultant, employer, "Frida Mangler")
    erik = answer_with(
        asked(job, colleague, employer, "Erik Kollega"),
        employer,
        Held.PARTLY,
        EndedBy.COMPANY,
        EarlyReason.NO_CAPACITY,
    )
    answer_with(
        asked(job, elsewhere, employer, "Xenia Andetsteds"),
        employer,
        Held.NEVER,
        EndedBy.JOBCENTRE,
        EarlyReason.OTHER,
    )
    db.session.commit()
    return {"anna": anna, "bo": bo, "frida": frida, "erik": erik}


@pytest.fixture
def leader(client, admin, login):
    login(admin)
    return client


def test_the_leader_reads_the_assessments_in_danish(leader, answered):
    page = section(text_of(leader.get(f"{URL}?month={THIS_MONTH}")))
    assert "Virksomhedernes vurderinger</h2>" in page
    assert re.search(r"som virksomhederne besvarede fra [^<:]+: 3\.", page)
    assert "Bedt om i samme periode og ikke besvaret endnu: 1." in page
    assert '<th scope="row">Som planlagt</th><td>1</td>' in page
    assert '<th scope="row">Delvist</th><td>2</td>' in page
    assert '<th scope="row">Personen kom ikke</th><td>0</td>' in page
    assert "Afbrudt før tid: 2" in page
    assert '<th scope="row">Virksomheden</th><td>1</td>' in page
    assert '<th scope="row">Jobcentret</th><td>0</td>' in page  # not another jobcentre's
    assert '<th scope="row">Personen valgte at stoppe</th><td>1</td>' in page
    assert '<th scope="row">Virksomheden havde ikke kapacitet</th><td>1</td>' in page
    assert '<th scope="row">Praktik</th><td>1</td>' in page
    assert '<th scope="row">Lønnede timer</th><td>2</td>' in page
    assert '<th scope="row">Ikke nu</th><td>0</td>' in page
    assert "/jobcentre/stuck?consultant=all#assessments-title" in page
    for name in ("Anna Vurderet", "Bo Vurderet", "Frida Mangler", "Xenia Andetsteds"):
        assert name not in page  # counts, no people


def test_a_consultants_assessments_and_another_jobcentres(
    leader, answered, consultant, colleague, elsewhere, make_user, browser
):
    mine = section(text_of(leader.get(f"{URL}?month={THIS_MONTH}&consultant={consultant.id}")))
    assert re.search(r"som virksomhederne besvarede fra [^<:]+: 2\.", mine)
    assert '<th scope="row">Virksomheden</th><td>0</td>' in mine
    theirs = section(text_of(leader.get(f"{URL}?month={THIS_MONTH}&consultant={colleague.id}")))
    assert '<th scope="row">Virksomheden</th><td>1</td>' in theirs
    assert "Bedt om i samme periode og ikke besvaret endnu: 0." in theirs
    other = browser(make_user(elsewhere.organisation, Role.ADMIN))
    elsewhere = section(text_of(other.get(f"{URL}?month={THIS_MONTH}")))
    assert '<th scope="row">Jobcentret</th><td>1</td>' in elsewhere
    assert '<th scope="row">Virksomheden</th><td>0</td>' in elsewhere
    assert '<th scope="row">Delvist</th><td>0</td>' in elsewhere


def test_the_last_whole_month_leaves_out_answers_of_this_month(leader, answered):
    # The default month is the last whole one: today's answers are not in its twelve months.
    page = section(text_of(leader.get(URL)))
    assert '<th scope="row">Som planlagt</th><td>0</td>' in page
    assert "Intet af disse forløb blev afbrudt før tid." in page


@pytest.mark.parametrize(
    ("table", "file_name", "row"),
    [
        ("assessment-held", "tal-vurderinger-forloeb-", "Delvist;2"),
        (
            "assessment-held",
            "tal-vurderinger-forloeb-",
            "Bedt om i perioden, ikke besvaret endnu;1",
        ),
        ("assessment-ended-by", "tal-vurderinger-afbrudt-af-", "Personen;1"),
        ("assessment-reasons", "tal-vurderinger-aarsager-", "Virksomheden havde ikke kapacitet;1"),
        ("assessment-recommendations", "tal-vurderinger-anbefalinger-", "Lønnede timer;2"),
    ],
)
def test_each_assessment_table_downloads(leader, answered, table, file_name, row):
    response = leader.get(f"{URL}/{table}.csv?month={THIS_MONTH}")
    assert response.status_code == 200
    assert file_name in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert row in body.splitlines()


def test_the_periods_assessments_one_by_one_by_case_reference_and_logged(leader, answered):
    people = {key: placement_of(a).candidate_id for key, a in answered.items()}
    identities = {
        key: db.session.scalar(
            select(CandidateIdentity).where(CandidateIdentity.candidate_id == candidate_id)
        )
        for key, candidate_id in people.items()
    }
    identities["bo"].case_reference = "=SUM(A1)"
    identities["anna"].case_reference = "SAG-ANNA"
    db.session.commit()
    response = leader.get(f"{URL}/assessments.csv?month={THIS_MONTH}")
    assert response.status_code == 200
    assert "tal-vurderinger-" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    lines = body.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Sagsnummer;Jobformidler;Virksomhed;Job;Slags;")
    assert "Hvordan forløbet gik" in lines[0]
    assert len(lines) == 1 + 4  # Anna, Bo, Frida (missing) and Erik; never Xenia
    bo = next(line for line in lines if line.startswith("'=SUM(A1)"))  # made safe
    assert ";Delvist;" in bo
    assert ";Personen;Personen valgte at stoppe;Praktik;4;10;" in bo
    anna = next(line for line in lines if line.startswith("SAG-ANNA"))
    assert ";Som planlagt;" in anna
    assert ";Lønnede timer;;6;" in anna
    for identity in identities.values():
        assert identity.full_name not in body  # by case reference, never the name
    # The free texts stay on the placement's page.
    assert "Mødte til tiden." not in body
    assert "Godt gået." not in body
    assert "Xenia" not in body
    logged = db.session.execute(
        select(AccessLogEntry.candidate_id, AccessLogEntry.seen, AccessLogEntry.purpose)
    ).all()
    assert sorted(logged) == sorted(
        (candidate_id, AccessSeen.EXPORT_CASE.value, "case_work")
        for candidate_id in people.values()
    )


def test_the_page_runs_a_fixed_number_of_statements(
    leader, answered, job, consultant, employer, count_queries
):
    url = f"{URL}?month={THIS_MONTH}&consultant={consultant.id}"
    leader.get(url)
    with count_queries() as few:
        assert leader.get(url).status_code == 200
    for n in range(4):
        answer_with(
            asked(job, consultant, employer, f"Flere {n}"),
            employer,
            Held.NEVER,
            EndedBy.PERSON,
            EarlyReason.DID_NOT_COME,
            Recommendation.NOT_NOW,
        )
    db.session.commit()
    with count_queries() as many:
        page = leader.get(url)
    assert '<th scope="row">Personen kom ikke</th><td>4</td>' in section(text_of(page))
    assert many.count == few.count


# The consultant's placements page counts their missing assessments.


def test_the_consultant_sees_their_missing_assessments_counted(
    client, login, job, consultant, colleague, employer, elsewhere, count_queries
):
    past_reminder = utcnow() - timedelta(days=REMIND_AFTER_DAYS, hours=1)
    asked(job, consultant, employer, "Mangler En", at=past_reminder)
    asked(job, consultant, employer, "Lige Bedt")  # asked just now: not yet
    asked(job, colleague, employer, "Kollegas", at=past_reminder)
    asked(job, elsewhere, employer, "Andetsteds", at=past_reminder)
    db.session.commit()
    login(consultant)
    page = text_of(client.get("/placements"))
    line = f'href="/jobcentre/stuck?consultant={consultant.id}#assessments-title"'
    assert line in page
    assert "Vurderinger fra virksomhederne, der mangler efter påmindelsen: 1" in page
    everyone = text_of(client.get("/placements?show=all"))
    assert "Vurderinger fra virksomhederne, der mangler efter påmindelsen: 2" in everyone
    assert 'href="/jobcentre/stuck?consultant=all#assessments-title"' in everyone
    with count_queries() as few:
        client.get("/placements")
    for n in range(3):
        asked(job, consultant, employer, f"Flere {n}", at=past_reminder)
    db.session.commit()
    with count_queries() as many:
        page = text_of(client.get("/placements"))
    assert "Vurderinger fra virksomhederne, der mangler efter påmindelsen: 4" in page
    assert many.count == few.count


def test_no_line_without_missing_assessments(client, login, consultant, job, employer):
    answer_with(
        asked(job, consultant, employer, "Svaret", at=utcnow() - timedelta(days=5)), employer
    )
    db.session.commit()
    login(consultant)
    page = text_of(client.get("/placements"))
    assert "mangler efter påmindelsen" not in page
