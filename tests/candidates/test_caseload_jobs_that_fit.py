"""The candidate page's "Jobs that fit": each job has a button to the propose page for that
job and this person, and the job the person already holds (a placement that goes on, or a
proposal waiting for an answer) is not among them. On a phone the hours-rules table becomes
labelled cards.

`mette` (logged in on `client`) is the consultant of the shared `place` fixture.
"""

from __future__ import annotations

import re

from marketplace.models import Weekday
from marketplace.proposals import lifecycle as proposals
from tests.factories import new_candidate
from tests.pages import section


def fitting_jobs(response) -> list[int]:
    return [int(n) for n in re.findall(r'href="/jobs/(\d+)"', section(response, "jobs-title"))]


def test_each_fitting_job_has_a_button_to_propose_this_person(client, mette, job):
    person = new_candidate(mette, "Ida Hansen")
    page = client.get(f"/candidates/{person.id}")
    assert fitting_jobs(page) == [job.id]
    jobs = section(page, "jobs-title")
    button = re.search(
        rf'<a class="button[^"]*" href="/jobs/{job.id}/propose/{person.id}">([^<]*)<', jobs
    )
    assert button, jobs
    assert button.group(1).strip() == "Foreslå kandidat"
    # The button leads to the existing propose page for that job and person.
    opened = client.get(f"/jobs/{job.id}/propose/{person.id}")
    assert opened.status_code == 200
    assert "Ida Hansen" in opened.get_data(as_text=True)


def test_the_job_the_person_holds_or_waits_for_is_left_out(
    client, mette, employer, make_job, job, place
):
    person = new_candidate(mette, "Ida Hansen")
    kitchen = make_job(employer.organisation, employer, title="Kantine", weekdays=int(Weekday.TUE))
    other = make_job(employer.organisation, employer, title="Lager", weekdays=int(Weekday.THU))
    assert set(fitting_jobs(client.get(f"/candidates/{person.id}"))) == {
        job.id,
        kitchen.id,
        other.id,
    }
    place(person)  # a trial visit at `job` from tomorrow
    proposals.propose(kitchen, person, mette, "God i et køkken.")
    assert fitting_jobs(client.get(f"/candidates/{person.id}")) == [other.id]


def test_the_hours_rules_table_becomes_labelled_cards(client, mette):
    person = new_candidate(mette, "Ida Hansen")
    tallies = section(client.get(f"/candidates/{person.id}"), "tallies-title")
    assert "<table" in tallies  # the employment requirement is in force (migrated data)
    assert 'class="table cards"' in tallies
    headers = re.findall(r'<th scope="col">([^<]*)</th>', tallies)
    assert re.findall(r'data-label="([^"]*)"', tallies) == headers
