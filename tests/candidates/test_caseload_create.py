"""The caseload as jobcentre staff use it (candidates/caseload.py), creating a candidate:
every field of the form saved where it belongs (the identity in its own table), hours typed the
Danish way, and bad input (a CPR number in any field, a control character, a missing field)
shown beside its field, keeping what was typed and saving nothing; no CPR number is ever
stored.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token, hidden `version`, pre-filled values, ticked boxes, selected options), some
fields are changed and the whole form is posted back. The staff (mette, lars, birgit, per,
herning_admin), `browser` and `make_candidate` are fixtures of tests/candidates/conftest.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import text

from marketplace.caseload.candidates import NO_CPR
from marketplace.extensions import db
from marketplace.models import CATEGORY_BITS, Candidate, Weekday
from marketplace.web.labels import (
    CANDIDATE_STATUS_LABELS,
    CATEGORY_LABELS,
    DANISH_LEVEL_LABELS,
    WEEKDAY_LABELS,
)
from tests.html_forms import da, error_ids, error_summary, field_error, text_of
from tests.pages import (
    annas_form,
    candidate_state,
    candidate_status_line,
    fill,
    flashes,
    fresh_candidate,
    newest_candidate,
    post_form,
    read_form,
    stored_candidate_text,
)
from tests.pages import candidate_counts as counts

FILL_IN = _l("Fill in this field.")


# ---------------------------------------------------------------------------------------------
# 1. Creating a candidate


def test_consultant_adds_a_candidate_with_every_field(client, mette, mettes_jobcentre):
    before = counts()
    response = fill(client, "/candidates/new", **annas_form())
    assert response.status_code == 302, error_ids(response)
    assert counts() == (before[0] + 1, before[1] + 1)
    candidate = newest_candidate()
    assert response.headers["Location"] == f"/candidates/{candidate.id}"

    assert (candidate.jobcentre_id, candidate.consultant_id, candidate.status) == (
        mettes_jobcentre.id,
        mette.id,
        "active",
    )
    assert candidate.job_goal == "Lager eller rengøring, gerne om formiddagen."
    assert candidate.wished_categories == CATEGORY_BITS["cleaning"] | CATEGORY_BITS["warehouse"]
    assert list(candidate.tasks_can_do) == ["Fylde hylder", "Gøre rent"]
    assert (candidate.hours_min, candidate.hours_max) == (Decimal("2.5"), Decimal("6"))
    assert candidate.available_weekdays == Weekday.MON | Weekday.WED
    assert candidate.available_times == "Efter kl. 9"
    assert (candidate.municipality_code, candidate.postcode) == (760, "6900")
    assert (candidate.languages, candidate.danish_level) == ("Arabisk, lidt engelsk", "good")
    assert candidate.driving_licence is True
    assert candidate.earlier_work == "Opvasker på Skjern Kro, 2015-2017."
    assert (candidate.no_heavy_lifting, candidate.lifting_max_kg) == (True, 10)
    assert candidate.no_long_standing is True
    assert candidate.max_hours_per_day == Decimal("3.5")
    assert (candidate.needs_quiet_surroundings, candidate.no_early_mornings) == (True, True)
    assert candidate.other_limitations == "Korte pauser hver time."
    assert candidate.consultant_note == "Vil gerne starte med snusepraktik."

    # The identity is in its own table, and nowhere in the profile's.
    identity = db.session.execute(
        text(
            "SELECT full_name, phone, email, case_reference FROM candidate_identities"
            " WHERE candidate_id = :id"
        ),
        {"id": candidate.id},
    ).one()
    assert tuple(identity) == ("Anna Østergaard", "20 30 40 50", "anna@example.dk", "SAG-2024-0117")
    profile_columns = {column.name for column in Candidate.__table__.columns}
    assert not profile_columns & {"full_name", "phone", "email", "case_reference", "cpr"}
    profile_row = db.session.execute(
        text("SELECT * FROM candidates WHERE id = :id"), {"id": candidate.id}
    ).one()
    assert not [v for v in profile_row if isinstance(v, str) and "Østergaard" in v]

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    shown = text_of(page)
    assert da(_l("The candidate is added to your caseload.")) in flashes(page)
    assert "<h1>Anna Østergaard</h1>" in shown
    for typed in ("20 30 40 50", "anna@example.dk", "SAG-2024-0117", "Efter kl. 9"):
        assert typed in shown
    assert "Lager eller rengøring, gerne om formiddagen." in shown
    assert "<li>Fylde hylder</li><li>Gøre rent</li>" in shown
    assert "2,5–6" in shown
    assert "Ringkøbing-Skjern (6900)" in shown
    assert "Arabisk, lidt engelsk" in shown
    assert da(DANISH_LEVEL_LABELS["good"]) in shown
    assert escape("Opvasker på Skjern Kro, 2015-2017.") in shown
    assert "Korte pauser hver time." in shown
    assert "Vil gerne starte med snusepraktik." in shown
    assert da(CATEGORY_LABELS["cleaning"]) in shown
    assert da(CATEGORY_LABELS["warehouse"]) in shown
    assert da(WEEKDAY_LABELS[Weekday.MON]) in shown
    assert da(WEEKDAY_LABELS[Weekday.WED]) in shown
    assert da(_l("at most %(kg)d kg", kg=10)) in shown
    assert da(_l("At most %(hours)s hours a day", hours="3,5")) in shown
    for label in (
        "No heavy lifting",
        "Cannot stand for long periods",
        "Needs quiet surroundings",
        "Not early mornings",
    ):
        assert da(_l(label)) in shown
    assert da(CANDIDATE_STATUS_LABELS["active"]) in candidate_status_line(page)
    assert da(_l("Responsible: %(name)s", name="Mette Holm")) in candidate_status_line(page)


def test_the_new_form_starts_in_the_jobcentres_municipality(client, mette):
    form = read_form(client.get("/candidates/new"))
    assert form["municipality"] == ["760"]
    assert form["version"] == [""]


@pytest.mark.parametrize(("typed", "hours"), [("2,5", "2.5"), ("2.5", "2.5"), (" 2,5 ", "2.5")])
def test_hours_are_typed_the_danish_way_and_shown_back_so(client, mette, typed, hours):
    response = fill(client, "/candidates/new", **annas_form(hours_min=typed, hours_max="7,5"))
    assert response.status_code == 302, error_ids(response)
    candidate = newest_candidate()
    assert (candidate.hours_min, candidate.hours_max) == (Decimal(hours), Decimal("7.5"))
    form = read_form(client.get(f"/candidates/{candidate.id}/edit"))
    assert (form["hours_min"], form["hours_max"]) == (["2,5"], ["7,5"])


def test_only_the_required_fields_are_needed(client, mette):
    required = {"full_name": "Bo", "job_goal": "Køkken", "hours_min": "2", "hours_max": "4"}
    form = read_form(client.get("/candidates/new"))
    form = {
        name: value
        for name, value in form.items()
        if name in ("csrf_token", "municipality", "danish_level")
    }
    response = post_form(client, "/candidates/new", form, postcode="6950", **required)
    assert response.status_code == 302, error_ids(response)
    candidate, identity = fresh_candidate(newest_candidate())
    assert (identity.full_name, identity.phone, identity.email, identity.case_reference) == (
        "Bo",
        "",
        "",
        "",
    )
    assert (candidate.wished_categories, candidate.available_weekdays) == (0, 0)
    assert list(candidate.tasks_can_do) == []
    assert (candidate.lifting_max_kg, candidate.max_hours_per_day) == (None, None)
    assert client.get(f"/candidates/{candidate.id}").status_code == 200


def test_a_candidate_is_not_created_without_the_csrf_token(client, mette):
    before = counts()
    form = read_form(client.get("/candidates/new"))
    form.pop("csrf_token")
    response = post_form(client, "/candidates/new", form, **annas_form())
    assert response.status_code in (200, 400)
    assert counts() == before


def test_script_in_a_candidate_is_shown_as_text(client, mette):
    script = "<script>alert(1)</script>"
    # Another payload for the name: a name part in the profile texts is refused (privacy).
    image = '<img src=x onerror="go(1)">'
    response = fill(
        client, "/candidates/new", **annas_form(full_name=image, job_goal=script, languages=script)
    )
    assert response.status_code == 302
    for url in (response.headers["Location"], "/caseload"):
        page = text_of(client.get(url))
        for payload in (script, image):
            assert payload not in page
            assert str(escape(payload)) in page


# ---------------------------------------------------------------------------------------------
# 2. Bad input


def _typed_kept(page: str, name: str, value: object) -> bool:
    if not isinstance(value, str) or not value.strip():
        return True
    return str(escape(value)) in page or str(escape(value.strip())) in page


BAD_INPUT = [
    ({"full_name": ""}, "full_name", FILL_IN),
    ({"full_name": "   "}, "full_name", FILL_IN),
    ({"full_name": "x" * 121}, "full_name", _l("Use at most %(max)d characters.", max=120)),
    ({"job_goal": ""}, "job_goal", FILL_IN),
    ({"job_goal": "  \n "}, "job_goal", FILL_IN),
    (
        {"hours_min": "8", "hours_max": "4"},
        "hours_min",
        _l("The lowest number of hours cannot be above the highest."),
    ),
    ({"hours_min": "0"}, "hours_min", _l("Enter between 0.5 and 37 hours a week.")),
    ({"hours_max": "38"}, "hours_max", _l("Enter between 0.5 and 37 hours a week.")),
    ({"hours_min": "-2"}, "hours_min", _l("Enter between 0.5 and 37 hours a week.")),
    ({"hours_min": "2,25"}, "hours_min", _l("Use steps of half an hour, like 2.5 or 6.")),
    ({"hours_max": "6,75"}, "hours_max", _l("Use steps of half an hour, like 2.5 or 6.")),
    ({"hours_min": "abc"}, "hours_min", _l("Enter a number, like 2,5.")),
    ({"hours_max": "abc"}, "hours_max", _l("Enter a number, like 2,5.")),
    ({"hours_max": "1e999999999"}, "hours_max", _l("Enter a number, like 2,5.")),
    ({"hours_min": ""}, "hours_min", FILL_IN),
    ({"postcode": "69"}, "postcode", _l("Enter a postcode of 4 digits.")),
    ({"postcode": "abcd"}, "postcode", _l("Enter a postcode of 4 digits.")),
    ({"postcode": "69000"}, "postcode", _l("Use at most %(max)d characters.", max=4)),
    ({"postcode": ""}, "postcode", FILL_IN),
    ({"municipality": "999"}, "municipality", None),
    ({"municipality": "abc"}, "municipality", None),
    ({"municipality": ""}, "municipality", FILL_IN),
    (
        {"email": "anna@"},
        "email",
        _l("Enter a valid e-mail address, like name@example.dk."),
    ),
    (
        {"email": "anna.example.dk"},
        "email",
        _l("Enter a valid e-mail address, like name@example.dk."),
    ),
    (
        {"lifting_max_kg": "101"},
        "lifting_max_kg",
        _l("Enter a number from %(min)d to %(max)d.", min=0, max=100),
    ),
    (
        {"lifting_max_kg": "-1"},
        "lifting_max_kg",
        _l("Enter a number from %(min)d to %(max)d.", min=0, max=100),
    ),
    ({"lifting_max_kg": "ti"}, "lifting_max_kg", None),
    ({"max_hours_per_day": "abc"}, "max_hours_per_day", _l("Enter a number, like 2,5.")),
    # The database holds at most 12 hours a day (and above 0): the form must say so.
    ({"max_hours_per_day": "13"}, "max_hours_per_day", None),
    ({"max_hours_per_day": "0"}, "max_hours_per_day", None),
    ({"max_hours_per_day": "-1"}, "max_hours_per_day", None),
    ({"max_hours_per_day": "1000"}, "max_hours_per_day", None),
    ({"danish_level": "klingon"}, "danish_level", None),
    ({"wished_categories": ["2048"]}, "wished_categories", None),
    ({"available_weekdays": ["128"]}, "available_weekdays", None),
    ({"case_reference": "x" * 41}, "case_reference", _l("Use at most %(max)d characters.", max=40)),
    ({"phone": "9" * 31}, "phone", _l("Use at most %(max)d characters.", max=30)),
    ({"other_limitations": "x" * 501}, "other_limitations", None),
]


def _case_id(changes: dict[str, object]) -> str:
    shown = ",".join(f"{name}={value!s}" for name, value in changes.items()).replace("\n", "|")
    return shown if len(shown) <= 40 else f"{shown[:30]}...({len(shown)} chars)"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    BAD_INPUT,
    ids=[_case_id(changes) for changes, _, _ in BAD_INPUT],
)
def test_bad_input_is_shown_beside_the_field_keeps_what_was_typed_and_saves_nothing(
    client, mette, changes, field, message
):
    before = counts()
    typed = annas_form(case_reference="SAG-TYPED-1")
    typed.update(changes)
    response = fill(client, "/candidates/new", **typed)
    assert response.status_code == 200, f"{response.status_code}: expected the form back"
    assert counts() == before
    assert error_ids(response) == [field]
    error = field_error(response, field)
    if message is not None:
        assert da(message) in error
    for english in ("This field", "Not a valid", "Invalid", "not a valid", "Field must"):
        assert english not in error, f"untranslated message: {error}"
    assert error_summary(response)
    page = text_of(response)
    if field != "case_reference":
        assert 'value="SAG-TYPED-1"' in page  # the rest of what was typed is kept
    assert "Lager eller rengøring, gerne om formiddagen." in page or field == "job_goal"
    for name, value in changes.items():
        if name not in {"municipality", "danish_level"}:
            assert _typed_kept(page, name, value), f"{name}: {value!r} not kept"


CPR_FIELDS = [
    "full_name",
    "phone",
    "email",
    "case_reference",
    "job_goal",
    "tasks_can_do",
    "available_times",
    "languages",
    "earlier_work",
    "other_limitations",
    "consultant_note",
]


def _with_cpr(field: str, cpr: str) -> str:
    if field == "email":
        return f"{cpr}@example.dk"
    if field == "phone":
        return cpr
    if field == "tasks_can_do":
        return f"Fylde hylder\nCPR {cpr}\nGøre rent"
    return f"Anna, cpr {cpr}."


@pytest.mark.parametrize("cpr", ["010203-1234", "0102031234"])
@pytest.mark.parametrize("field", CPR_FIELDS)
def test_a_cpr_number_in_any_field_is_refused_and_never_stored(client, mette, field, cpr):
    before = counts()
    response = fill(client, "/candidates/new", **annas_form(**{field: _with_cpr(field, cpr)}))
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert da(NO_CPR) in field_error(response, field)
    assert counts() == before
    digits = cpr.replace("-", "")
    assert not [v for v in stored_candidate_text() if digits in v.replace("-", "").replace(" ", "")]
    # The message is shown beside the field, with what was typed, to be corrected.
    assert str(escape(cpr)) in text_of(response)


@pytest.mark.parametrize("field", ["consultant_note", "case_reference", "full_name", "job_goal"])
def test_a_cpr_number_typed_into_an_edit_is_refused_and_the_old_text_stays(
    client, mette, make_candidate, field
):
    candidate = make_candidate(mette, consultant_note="Ringer mandag.", case_reference="SAG-1")
    before = candidate_state(candidate)
    url = f"/candidates/{candidate.id}/edit"
    response = fill(client, url, **{field: "Se CPR 311299-4321", "hours_max": "10"})
    assert response.status_code == 200
    assert da(NO_CPR) in field_error(response, field)
    assert candidate_state(candidate) == before
    assert not [v for v in stored_candidate_text() if "3112994321" in v.replace("-", "")]


def test_phone_numbers_and_postcodes_are_not_taken_for_cpr_numbers(client, mette):
    response = fill(
        client,
        "/candidates/new",
        **annas_form(
            phone="+45 20304050",
            consultant_note="Ring på 20 30 40 50 eller +4597351212. Bor i 6900 Skjern.",
            earlier_work="Danish Crown 2010-2015, Netto 2016-2019.",
        ),
    )
    assert response.status_code == 302, error_ids(response)


@pytest.mark.parametrize("field", ["full_name", "job_goal", "consultant_note", "tasks_can_do"])
def test_a_control_character_pasted_into_a_field_never_gives_an_error_page(
    client, mette, make_candidate, field
):
    """PostgreSQL refuses a NUL in text; the form must clean or refuse it, not crash."""
    before = counts()
    response = fill(client, "/candidates/new", **annas_form(**{field: "Anna\x00 Jensen"}))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert counts() == before
    candidate = make_candidate(mette)
    before = candidate_state(candidate)
    url = f"/candidates/{candidate.id}/edit"
    response = fill(client, url, **{field: "Anna\x00 Jensen"})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert candidate_state(candidate) == before
