"""The caseload as jobcentre staff use it (candidates/caseload.py), changing a
candidate: the edit form shows what is saved, a stale save is refused and the first save stays,
a status is changed with its button (never by a GET), and a candidate is handed over to an
active colleague of the same jobcentre only.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token, hidden `version`, pre-filled values, ticked boxes, selected options), some
fields are changed and the whole form is posted back. The staff (mette, lars, birgit, per,
herning_admin), `browser` and `make_candidate` are fixtures of tests/candidates/conftest.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import lazy_gettext as _l

from marketplace.caseload.candidates import STALE_MESSAGE
from marketplace.models import CATEGORY_BITS, Candidate, Role, Weekday
from marketplace.web.labels import CANDIDATE_STATUS_LABELS
from tests.html_forms import da, error_ids, error_summary, press, text_of
from tests.pages import (
    candidate_state,
    candidate_status_line,
    fill,
    flashes,
    forms_of,
    fresh_candidate,
    listed_candidates,
    options_of,
    post_form,
    read_form,
)

CHOOSE_COLLEAGUE = _l("Choose a colleague from your jobcentre.")


# ---------------------------------------------------------------------------------------------
# 3. Editing


def test_the_edit_form_shows_what_is_saved(client, mette, make_candidate):
    candidate = make_candidate(
        mette,
        phone="20 30 40 50",
        case_reference="SAG-7",
        hours_min=Decimal("2.5"),
        hours_max=Decimal("6"),
        wished_categories=CATEGORY_BITS["kitchen"] | CATEGORY_BITS["retail"],
        available_weekdays=int(Weekday.TUE | Weekday.FRI),
        tasks_can_do=("Opvask", "Skrælle kartofler"),
        no_heavy_lifting=True,
        lifting_max_kg=12,
        max_hours_per_day=Decimal("4"),
        danish_level="fluent",
        driving_licence=True,
    )
    form = read_form(client.get(f"/candidates/{candidate.id}/edit"))
    assert form["full_name"] == ["Anna Jensen"]
    assert form["phone"] == ["20 30 40 50"]
    assert form["case_reference"] == ["SAG-7"]
    assert (form["hours_min"], form["hours_max"]) == (["2,5"], ["6"])
    assert sorted(form["wished_categories"], key=int) == sorted(
        [str(CATEGORY_BITS["kitchen"]), str(CATEGORY_BITS["retail"])], key=int
    )
    assert sorted(form["available_weekdays"], key=int) == ["2", "16"]
    assert form["tasks_can_do"] == ["Opvask\nSkrælle kartofler"]
    assert form["no_heavy_lifting"] == ["y"]
    assert form["lifting_max_kg"] == ["12"]
    assert form["max_hours_per_day"] == ["4"]
    assert form["danish_level"] == ["fluent"]
    assert form["driving_licence"] == ["y"]
    assert "no_long_standing" not in form
    assert form["municipality"] == ["760"]
    assert form["version"] == [str(candidate.version)]


def test_consultant_edits_a_candidate_and_sees_the_change(client, mette, make_candidate):
    candidate = make_candidate(mette, consultant_note="Gammel note")
    url = f"/candidates/{candidate.id}/edit"
    response = fill(
        client,
        url,
        full_name="Anna Jensen Holm",
        phone="30 40 50 60",
        job_goal="Køkkenhjælp",
        hours_min="3",
        hours_max="9,5",
        wished_categories=[str(CATEGORY_BITS["kitchen"])],
        tasks_can_do="Opvask",
        postcode="6950",
        consultant_note="Ny note",
        driving_licence=True,
    )
    assert response.status_code == 302, error_ids(response)
    assert response.headers["Location"] == f"/candidates/{candidate.id}"
    saved, identity = fresh_candidate(candidate)
    assert (identity.full_name, identity.phone) == ("Anna Jensen Holm", "30 40 50 60")
    assert (saved.job_goal, saved.hours_min, saved.hours_max) == (
        "Køkkenhjælp",
        Decimal("3"),
        Decimal("9.5"),
    )
    assert saved.wished_categories == CATEGORY_BITS["kitchen"]
    assert list(saved.tasks_can_do) == ["Opvask"]
    assert (saved.postcode, saved.consultant_note, saved.driving_licence) == (
        "6950",
        "Ny note",
        True,
    )
    assert saved.consultant_id == mette.id  # editing does not change who is responsible
    assert saved.version == 2  # created as 1; one save
    page = client.get(response.headers["Location"])
    assert da(_l("The candidate is saved.")) in flashes(page)
    assert "<h1>Anna Jensen Holm</h1>" in text_of(page)
    assert "3–9,5" in text_of(page)


def test_bad_input_on_edit_keeps_what_was_typed_and_saves_nothing(client, mette, make_candidate):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    url = f"/candidates/{candidate.id}/edit"
    response = fill(client, url, full_name="Anna Ny", hours_min="9", hours_max="3")
    assert response.status_code == 200
    assert error_ids(response) == ["hours_min"]
    assert 'value="Anna Ny"' in text_of(response)
    assert candidate_state(candidate) == before


def test_a_stale_save_is_refused_and_the_first_save_stays(
    client, mette, lars, browser, make_candidate
):
    candidate = make_candidate(mette, consultant_note="Første note")
    url = f"/candidates/{candidate.id}/edit"
    other = browser(lars)
    mettes_form = read_form(client.get(url))
    lars_form = read_form(other.get(url))
    assert mettes_form["version"] == lars_form["version"]

    first = post_form(client, url, mettes_form, job_goal="Lager", hours_max="10")
    assert first.status_code == 302
    late = post_form(
        other,
        url,
        lars_form,
        job_goal="Køkken",
        full_name="Anna Andersen",
        consultant_note="Lars' note",
        hours_min="1",
    )
    assert late.status_code == 200
    assert da(STALE_MESSAGE) in error_summary(late)
    assert error_ids(late) == []  # not a field's fault
    saved, identity = fresh_candidate(candidate)
    assert (saved.job_goal, saved.hours_min, saved.hours_max, saved.consultant_note) == (
        "Lager",
        Decimal("4"),
        Decimal("10"),
        "Første note",
    )
    assert identity.full_name == "Anna Jensen"
    # Sending the stale form again changes nothing either.
    again = post_form(other, url, read_form(late))
    assert da(STALE_MESSAGE) in error_summary(again)
    assert fresh_candidate(candidate)[0].job_goal == "Lager"
    # Opened again, the form carries the saved version and goes through.
    reopened = fill(other, url, consultant_note="Lars' note")
    assert reopened.status_code == 302
    assert fresh_candidate(candidate)[0].consultant_note == "Lars' note"


def test_a_forged_version_is_a_bad_request_not_an_error_page(client, mette, make_candidate):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    response = fill(client, f"/candidates/{candidate.id}/edit", version="abc", job_goal="x")
    assert response.status_code in (200, 400)
    assert candidate_state(candidate) == before


# ---------------------------------------------------------------------------------------------
# 4. Status


@pytest.mark.parametrize(
    ("start", "target"),
    [("active", "paused"), ("active", "closed"), ("paused", "active"), ("closed", "active")],
)
def test_the_status_is_changed_with_its_button(client, mette, make_candidate, start, target):
    candidate = make_candidate(mette, status=start)
    page = f"/candidates/{candidate.id}"
    action = f"/candidates/{candidate.id}/{target}"
    assert action in [form.action for form in forms_of(client.get(page))]
    response = press(client, action, page)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    assert fresh_candidate(candidate)[0].status == target
    shown = client.get(page)
    label = CANDIDATE_STATUS_LABELS[target]
    assert da(label) in candidate_status_line(shown)
    assert da(_l("The candidate's status is now: %(status)s.", status=label)) in flashes(shown)


def test_a_status_change_needs_the_csrf_token(client, mette, make_candidate):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    response = client.post(f"/candidates/{candidate.id}/paused")
    assert response.status_code == 400
    assert candidate_state(candidate) == before


@pytest.mark.parametrize("status", ["archived", "deleted", "ACTIVE", "pause", "1"])
def test_an_unknown_status_in_the_address_is_404(client, mette, make_candidate, status):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    response = press(client, f"/candidates/{candidate.id}/{status}", f"/candidates/{candidate.id}")
    assert response.status_code == 404
    assert candidate_state(candidate) == before


def test_a_status_is_not_changed_by_a_get(client, mette, make_candidate):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    assert client.get(f"/candidates/{candidate.id}/closed").status_code == 405
    assert candidate_state(candidate) == before


# ---------------------------------------------------------------------------------------------
# 5. Hand-over


def hand_over_action(candidate: Candidate) -> str:
    return f"/candidates/{candidate.id}/hand-over"


@pytest.mark.parametrize("to", ["lars", "birgit"])
def test_a_candidate_is_handed_over_to_a_colleague_or_the_admin(
    request, client, mette, lars, birgit, browser, make_candidate, to
):
    colleague = request.getfixturevalue(to)
    candidate = make_candidate(mette, full_name="Anna Overdraget")
    kept = make_candidate(mette, full_name="Bo Bliver")
    page = f"/candidates/{candidate.id}"
    assert listed_candidates(client.get("/caseload")) == [kept.id, candidate.id]
    other = browser(colleague)
    assert candidate.id not in listed_candidates(other.get("/caseload"))

    form = read_form(client.get(page), hand_over_action(candidate))
    assert form["consultant"] == [str(mette.id)]  # the responsible one is preselected
    response = post_form(client, hand_over_action(candidate), form, consultant=colleague.id)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    assert fresh_candidate(candidate)[0].consultant_id == colleague.id
    shown = client.get(page)
    assert da(_l("%(name)s is now responsible for the candidate.", name=colleague.name)) in (
        flashes(shown)
    )
    assert da(_l("Responsible: %(name)s", name=colleague.name)) in candidate_status_line(shown)

    # Each one's own ("mine") caseload follows.
    assert listed_candidates(client.get("/caseload")) == [kept.id]
    assert listed_candidates(other.get("/caseload")) == [candidate.id]
    assert listed_candidates(client.get(f"/caseload?consultant={colleague.id}")) == [candidate.id]


def test_only_active_staff_of_the_jobcentre_are_offered(
    client, mette, lars, birgit, per, employer, make_user, mettes_jobcentre, make_candidate
):
    gone = make_user(mettes_jobcentre, Role.CONSULTANT, name="Gitte Gået", active=False)
    candidate = make_candidate(mette)
    placeholder, *offered = options_of(client.get(f"/candidates/{candidate.id}"), "consultant")
    assert placeholder == ""  # "Vælg en kollega": nobody is picked by leaving the list alone
    assert sorted(offered, key=int) == sorted(
        [str(mette.id), str(lars.id), str(birgit.id)], key=int
    )
    assert str(gone.id) not in offered
    assert str(per.id) not in offered
    assert str(employer.id) not in offered


@pytest.mark.parametrize(
    "to",
    [
        "per",
        "herning_admin",
        "employer",
        "deactivated",
        "abc",
        "",
        "999999999999",
        "-1",
        "1.5",
        "99999999999999999999999",
    ],
)
def test_hand_over_to_anyone_else_is_refused_with_a_message(
    request, client, mette, lars, mettes_jobcentre, make_user, make_candidate, to
):
    if to in ("per", "herning_admin", "employer"):
        target: object = request.getfixturevalue(to).id
    elif to == "deactivated":
        target = make_user(mettes_jobcentre, Role.CONSULTANT, name="Gitte Gået", active=False).id
    else:
        target = to
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    page = f"/candidates/{candidate.id}"
    form = read_form(client.get(page), hand_over_action(candidate))
    response = post_form(client, hand_over_action(candidate), form, consultant=target)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    assert candidate_state(candidate) == before
    shown = client.get(page)
    assert da(CHOOSE_COLLEAGUE) in flashes(shown)
    assert da(_l("Responsible: %(name)s", name="Mette Holm")) in candidate_status_line(shown)


def test_hand_over_needs_the_csrf_token(client, mette, lars, make_candidate):
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    response = client.post(hand_over_action(candidate), data={"consultant": str(lars.id)})
    assert response.status_code in (302, 400)
    assert candidate_state(candidate) == before
