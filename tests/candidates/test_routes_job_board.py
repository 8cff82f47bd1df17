"""The consultants' job board: open jobs only; filters, sorting, paging, bad input, roles, SQL."""

from __future__ import annotations

import html
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from sqlalchemy import func, inspect, select, text

from marketplace.clock import LOCAL_TZ, utcnow
from marketplace.extensions import db
from marketplace.jobs.board import BoardFilters, conditions
from marketplace.models import Job, Weekday

JOB_LINK = re.compile(r'class="job-card__title"><a href="/jobs/(\d+)">([^<]*)</a>')


def titles(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [html.unescape(title) for _, title in JOB_LINK.findall(response.get_data(as_text=True))]


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def jonas(consultant):
    """A consultant at Jobcenter Ringkøbing-Skjern (760), reading English."""
    consultant.locale = "en"
    db.session.flush()
    return consultant


@pytest.fixture
def board(client, login, jonas):
    login(jonas)
    return client


@pytest.fixture
def post(make_company, make_job, employer):
    """A job of a company of its own: post("Title", municipality_code=…, **job fields)."""

    def make(title: str, municipality_code: int = 760, company: str | None = None, **fields):
        where = {} if municipality_code == 760 else {"city": "Herning", "postcode": "7400"}
        owner = make_company(
            name=company or f"Firma {title}", municipality_code=municipality_code, **where
        )
        return make_job(owner, employer, title=title, **fields)

    return make


# The board and the default municipality


def test_the_board_shows_the_consultants_own_municipality_by_default(board, post):
    post("Opfyldning i Skjern")
    post("Pakning i Herning", municipality_code=657)

    assert titles(board.get("/jobs")) == ["Opfyldning i Skjern"]
    page = text_of(board.get("/jobs"))
    assert re.search(r'<option selected value="760">|<option value="760" selected', page)

    assert sorted(titles(board.get("/jobs?municipality=all"))) == [
        "Opfyldning i Skjern",
        "Pakning i Herning",
    ]
    assert titles(board.get("/jobs?municipality=657")) == ["Pakning i Herning"]


def test_each_job_is_listed_with_what_a_consultant_scans_for(board, post):
    post(
        "Opfyldning af varer",
        company="Brugsen Skjern",
        time_from=time(7, 0),
        time_to=time(10, 0),
        offers_paid_direct=True,
    )
    post("Have og udeareal", flexible_days=True, weekdays=0, category="gardening")
    page = text_of(board.get("/jobs"))
    assert "2 open jobs" in page
    assert "Brugsen Skjern · Skjern, Ringkøbing-Skjern" in page
    assert "Retail" in page
    assert "Gardening and outdoor" in page
    assert 'title="Tuesday">Tue</abbr>, <abbr title="Thursday">Thu</abbr> · 07:00–10:00' in page
    assert "flexible" in page
    assert "ongoing" in page
    assert "Trial visit, Paid hours from the start" in page


def test_admin_uses_the_board_too(client, login, admin, post):
    post("Rengøring")
    login(admin)
    assert client.get("/jobs").status_code == 200
    assert "Rengøring" in client.get("/jobs?municipality=all").get_data(as_text=True)


# Filters


def test_category_filter(board, post):
    post("Hylder", category="retail")
    post("Opvask", category="kitchen")
    assert titles(board.get("/jobs?category=kitchen")) == ["Opvask"]
    assert sorted(titles(board.get("/jobs?category="))) == ["Hylder", "Opvask"]


def test_hours_range_filter_includes_both_ends(board, post):
    for hours in ("3", "6", "12", "20"):
        post(f"{hours} timer", hours_per_week=Decimal(hours))
    assert sorted(titles(board.get("/jobs?hours_min=6&hours_max=12"))) == ["12 timer", "6 timer"]
    assert sorted(titles(board.get("/jobs?hours_min=12"))) == ["12 timer", "20 timer"]
    assert sorted(titles(board.get("/jobs?hours_max=5,5"))) == ["3 timer"]  # a Danish comma
    assert titles(board.get("/jobs?hours_min=2.5&hours_max=3")) == ["3 timer"]


def test_weekday_filter_matches_any_chosen_day_and_flexible_jobs(board, post):
    post("Mandag", weekdays=int(Weekday.MON))
    post("Tirsdag og torsdag", weekdays=int(Weekday.TUE | Weekday.THU))
    post("Fleksibel", weekdays=0, flexible_days=True)
    post("Fredag", weekdays=int(Weekday.FRI))
    assert sorted(titles(board.get("/jobs?weekdays=8"))) == ["Fleksibel", "Tirsdag og torsdag"]
    assert sorted(titles(board.get("/jobs?weekdays=1&weekdays=16"))) == [
        "Fleksibel",
        "Fredag",
        "Mandag",
    ]
    assert sorted(titles(board.get("/jobs?weekdays=32"))) == ["Fleksibel"]


def test_steps_filter_needs_every_chosen_step(board, post):
    post("Kun snusepraktik")
    post("Praktik og snus", offers_praktik=True)
    post("Lønnede timer", offers_trial_visit=False, offers_paid_direct=True)
    assert sorted(titles(board.get("/jobs?steps=praktik"))) == ["Praktik og snus"]
    assert titles(board.get("/jobs?steps=praktik&steps=trial_visit")) == ["Praktik og snus"]
    assert titles(board.get("/jobs?steps=paid_direct")) == ["Lønnede timer"]
    assert titles(board.get("/jobs?steps=paid_direct&steps=praktik")) == []


# The search's two forms: tested on the jobs of one municipality (the board's default), and a
# set of matching ids from the text indexes across the country (municipality=all).
@pytest.mark.parametrize("where", ["", "&municipality=all"])
def test_free_text_searches_title_description_and_company_without_case(board, post, where):
    post("Opfyldning af varer", company="Brugsen Skjern")
    post("Opvask", description="Køkkenhjælp til frokost", company="Kroen")
    post("Sortering", company="Østergade Genbrug")
    post("Opfyldning i Herning", municipality_code=657, company="Brugsen Herning")

    def found(query: str) -> list[str]:
        return sorted(titles(board.get(f"/jobs?q={query}{where}")))

    elsewhere = ["Opfyldning i Herning"] if where else []
    assert found("OPFYLDNING") == sorted(["Opfyldning af varer", *elsewhere])
    assert found("frokost") == ["Opvask"]
    assert found("brugsen") == sorted(["Opfyldning af varer", *elsewhere])
    assert found("%C3%B8stergade") == ["Sortering"]  # "østergade"
    # Every word must match somewhere: here one in the title, one in the company's name.
    assert found("varer+skjern") == ["Opfyldning af varer"]
    assert found("varer+kroen") == []


@pytest.mark.parametrize(
    ("typed", "found", "not_found"),
    [
        ("100%", "Rengøring 100% økologisk", "Rengøring 100 kr bonus"),
        ("a_b", "Lager a_b", "Lager axb"),
        ("50%_", "Rabat 50%_", "Rabat 50 procent"),
        ("c\\d", "Kode c\\d", "Kode cxd"),
    ],
)
def test_wildcards_the_user_types_are_matched_literally(board, post, typed, found, not_found):
    post(found)
    post(not_found)
    assert titles(board.get("/jobs", query_string={"q": typed})) == [found]


def test_a_bad_filter_leaves_the_good_ones_working(board, post):
    post("Opvask", category="kitchen")
    post("Hylder", category="retail")
    response = board.get("/jobs?category=kitchen&hours_min=abc")
    assert titles(response) == ["Opvask"]
    page = text_of(response)
    assert "Enter a number of hours, like 2,5 or 10." in page
    assert 'value="abc"' in page  # kept as typed
    assert 'aria-invalid="true"' in page
    assert "Filters with an error were left out of the search." in page


# Sorting


def test_sort_orders(board, post):
    now = utcnow()
    for title, hours, days_ago in [("Ti", "10", 2), ("Tre", "3", 3), ("Seks", "6", 1)]:
        job = post(title, hours_per_week=Decimal(hours))
        job.published_at = now - timedelta(days=days_ago)
    db.session.flush()
    assert titles(board.get("/jobs")) == ["Seks", "Ti", "Tre"]
    assert titles(board.get("/jobs?sort=newest")) == ["Seks", "Ti", "Tre"]
    assert titles(board.get("/jobs?sort=hours_asc")) == ["Tre", "Seks", "Ti"]
    assert titles(board.get("/jobs?sort=hours_desc")) == ["Ti", "Seks", "Tre"]


@pytest.mark.parametrize("newer_posted_first", [True, False])
def test_equal_hours_sort_newest_first(board, post, newer_posted_first):
    """The tie-break is the publication time, not the order the rows happen to come in."""
    now = utcnow()
    order = ["Nyere", "Ældre"] if newer_posted_first else ["Ældre", "Nyere"]
    for title in order:
        job = post(title, hours_per_week=Decimal("5"))
        job.published_at = now - timedelta(days=1 if title == "Nyere" else 2)
    post("Færre", hours_per_week=Decimal("2"))
    post("Flere", hours_per_week=Decimal("9"))
    db.session.flush()
    assert titles(board.get("/jobs?sort=hours_asc")) == ["Færre", "Nyere", "Ældre", "Flere"]
    assert titles(board.get("/jobs?sort=hours_desc")) == ["Flere", "Nyere", "Ældre", "Færre"]


# Only open jobs


def test_drafts_and_closed_jobs_never_appear(board, post):
    shown = post("Åben")
    draft = post("Kladde", status="draft")
    closed = post("Lukket", status="closed")
    assert titles(board.get("/jobs?municipality=all")) == ["Åben"]
    assert titles(board.get("/jobs?q=kladde")) == []
    assert titles(board.get("/jobs?q=lukket")) == []
    assert board.get(f"/jobs/{shown.id}").status_code == 200
    assert board.get(f"/jobs/{draft.id}").status_code == 404
    assert board.get(f"/jobs/{closed.id}").status_code == 404


@pytest.mark.parametrize("path", ["/jobs/0", "/jobs/2147483647", "/jobs/99999999999999999999"])
def test_an_unknown_job_is_404(board, path):
    assert board.get(path).status_code == 404


def test_a_job_closed_after_it_was_listed_is_gone(board, post):
    job = post("Snart lukket")
    assert board.get(f"/jobs/{job.id}").status_code == 200
    job.status, job.closed_at, job.close_reason = "closed", utcnow(), "filled_elsewhere"
    db.session.flush()
    assert board.get(f"/jobs/{job.id}").status_code == 404
    assert titles(board.get("/jobs")) == []


# Paging


def test_pages_of_twenty(board, post):
    for n in range(25):
        post(f"Job {n:02d}")
    first = board.get("/jobs")
    assert len(titles(first)) == 20
    assert "25 open jobs" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    second = titles(board.get("/jobs?page=2"))
    assert len(second) == 5
    assert set(second).isdisjoint(titles(first))
    # A page beyond the last shows the last.
    assert titles(board.get("/jobs?page=3")) == second


def test_page_links_keep_the_filters(board, post):
    for n in range(25):
        post(f"Hylder {n:02d}", category="retail")
    post("Opvask", category="kitchen")
    first = board.get("/jobs?category=retail&weekdays=2&weekdays=8&q=hylder")
    links = re.findall(r'<a href="([^"]+)" rel="next">', first.get_data(as_text=True))
    assert len(links) == 1
    link = html.unescape(links[0])
    for part in ("category=retail", "weekdays=2", "weekdays=8", "q=hylder", "page=2"):
        assert part in link
    second = titles(board.get(link))
    assert len(second) == 5
    assert all(title.startswith("Hylder") for title in second)
    previous = re.findall(r'<a href="([^"]+)" rel="prev">', board.get(link).get_data(as_text=True))
    assert "category=retail" in html.unescape(previous[0])


# Bad input never gives a 500


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=99999999999999999999", None),
        ("page=-3", None),
        ("page=abc", None),
        ("page=", None),
        ("hours_min=abc", "Enter a number of hours, like 2,5 or 10."),
        ("hours_max=1,2,3", "Enter a number of hours, like 2,5 or 10."),
        ("hours_min=NaN", "Enter a number of hours, like 2,5 or 10."),
        ("hours_min=sNaN", "Enter a number of hours, like 2,5 or 10."),
        ("hours_max=Infinity", "Enter a number of hours, like 2,5 or 10."),
        ("hours_min=1e999999999", "Enter a number of hours, like 2,5 or 10."),
        ("hours_min=-3", "Enter hours from 0,5 to 37."),
        ("hours_max=100", "Enter hours from 0,5 to 37."),
        ("hours_min=20&hours_max=5", "“At most” must not be less than “At least”."),
        ("category=astronaut", "Choose a category from the list."),
        ("category=%00", None),  # control characters are dropped: no category chosen
        ("municipality=99999999999999999999", "Choose a municipality from the list."),
        ("municipality=abc", "Choose a municipality from the list."),
        ("municipality=", "Choose a municipality from the list."),
        ("weekdays=9", "Choose days from the list."),
        ("weekdays=abc", "Choose days from the list."),
        ("weekdays=1&weekdays=128", "Choose days from the list."),
        ("steps=free_lunch", "Choose steps from the list."),
        ("sort=drop table", "Choose an order from the list."),
        ("q=" + "x" * 101, "Use at most 100 characters."),
        ("q=%00%01", None),
        ("q=%27%3B+drop+table+jobs%3B--", None),
        ("q=%E2%80%AE%F0%9F%99%82", None),
        ("foo=bar", None),
    ],
)
def test_bad_input_gives_a_message_and_never_a_500(board, post, query, message):
    post("Opfyldning af varer")
    response = board.get(f"/jobs?{query}")
    assert response.status_code == 200
    page = text_of(response)
    if message is None:
        assert "Error:" not in page
        if not query.startswith("q="):
            assert titles(response) == ["Opfyldning af varer"]
    else:
        assert message in page
        assert "Error:" in page  # beside the field
        # The refused filter is left out: the job is still found.
        assert titles(response) == ["Opfyldning af varer"]


def test_messages_are_danish_for_a_danish_consultant(client, login, consultant, post):
    post("Opfyldning af varer")
    login(consultant)  # locale "da"
    page = text_of(client.get("/jobs?hours_min=abc"))
    assert "Jobopslag" in page
    assert "Timer om ugen" in page
    assert "Snusepraktik" in page
    assert "Enter a number of hours" not in page


# Roles


@pytest.mark.parametrize("path", ["/jobs", "/jobs/{id}"])
def test_employers_may_not_see_the_board(client, login, employer, post, path):
    job = post("Opfyldning")
    login(employer)
    assert client.get(path.format(id=job.id)).status_code == 403


@pytest.mark.parametrize("path", ["/jobs", "/jobs/{id}"])
def test_anonymous_is_sent_to_login(client, post, path):
    job = post("Opfyldning")
    response = client.get(path.format(id=job.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_consultant_cannot_change_a_job(board, post, method):
    job = post("Opfyldning af varer")
    before = (job.title, job.status, job.version)
    response = board.open(f"/jobs/{job.id}", method=method, data={"title": "Hacked"})
    assert response.status_code == 405
    db.session.expire_all()
    assert (job.title, job.status, job.version) == before


def test_the_nav_leads_consultants_to_the_board_first(board):
    page = board.get("/caseload").get_data(as_text=True)
    nav = page[page.index('class="site-nav"') :]
    assert nav.index('href="/jobs"') < nav.index('href="/caseload"')


# The job page


def test_the_job_page_shows_everything_needed_to_decide(board, make_company, make_workplace, post):
    job = post(
        "Opfyldning af varer",
        company="Brugsen Skjern",
        description="Varer på hylderne.\nTirsdag og torsdag morgen.",
        task_lines=["Fylde hylder", "Tjekke datoer"],
        time_from=time(7, 0),
        time_to=time(10, 0),
        offers_praktik=True,
        hourly_wage=Decimal("142.50"),
        agreement_wage=Decimal("135.00"),
        wage_agreement_name="Detailoverenskomsten",
        requires_heavy_lifting=True,
        lifting_max_kg=15,
        requires_standing=True,
        requires_early_mornings=True,
        requires_driving_licence=True,
        danish_level="basic",
        other_requirements="Rene sko",
        contact_name="Hanne Kjær",
        contact_phone="+45 12 34 56 78",
    )
    job.end_date = job.start_date + timedelta(days=60)
    db.session.flush()
    page = text_of(board.get(f"/jobs/{job.id}"))
    workplace = job.workplace
    expected = [
        "<h1>Opfyldning af varer</h1>",
        "Brugsen Skjern",
        workplace.name,
        f"{workplace.address}, {workplace.postcode} {workplace.city}",
        "Ringkøbing-Skjern",
        workplace.p_number,
        "Varer på hylderne.\nTirsdag og torsdag morgen.",
        "<li>Fylde hylder</li>",
        "<li>Tjekke datoer</li>",
        "Retail",
        "Tuesday, Thursday",
        "07:00–10:00",
        format_date(job.start_date, "medium", locale="en"),
        format_date(job.end_date, "medium", locale="en"),
        "Trial visit",
        "Work placement",
        "142.50 kr.",
        "135.00 kr. (Detailoverenskomsten)",
        "Lifting up to 15 kg",
        "Standing for long periods",
        "Early mornings",
        "Driving licence",
        "Basic Danish",
        "Rene sko",
        "Hanne Kjær",
        'href="tel:+4512345678"',
        # The day it was published in Denmark: late in the evening UTC it is the next day.
        format_date(job.published_at.astimezone(LOCAL_TZ).date(), "medium", locale="en"),
    ]
    missing = [part for part in expected if part not in page]
    assert missing == []
    assert "Paid hours from the start" not in page


def test_the_job_page_of_an_ongoing_flexible_job(board, post):
    job = post("Have", weekdays=0, flexible_days=True, time_from=time(6, 30))
    page = text_of(board.get(f"/jobs/{job.id}"))
    assert "the days are flexible" in page
    assert "from 06:30" in page
    assert "ongoing" in page
    assert "No heavy lifting" in page
    assert "No Danish needed" in page


def test_the_job_page_has_no_way_to_change_the_job(board, post):
    job = post("Opfyldning af varer")
    page = board.get(f"/jobs/{job.id}").get_data(as_text=True)
    main = page[page.index('<main id="main"') : page.index("</main>")]
    assert "<form" not in main
    assert "/company/" not in main
    assert "Edit" not in main


# Queries and indexes


def test_the_board_runs_the_same_queries_for_5_and_50_jobs(board, post, count_queries):
    for n in range(5):
        post(f"Job {n}", hours_per_week=Decimal(n + 1))
    board.get("/jobs")  # warm up
    with count_queries() as few:
        assert len(titles(board.get("/jobs?sort=hours_desc"))) == 5
    for n in range(5, 50):
        post(f"Job {n}", hours_per_week=Decimal(n % 37 + 1))
    with count_queries() as many:
        assert len(titles(board.get("/jobs?sort=hours_desc"))) == 20
    assert many.count == few.count
    # The login (session + user), the unread count, the municipalities and the page, which
    # counts every match in the same statement (a window count).
    assert few.count <= 4, few.statements
    (page_of_jobs,) = [s for s in many.statements if "FROM jobs" in s]
    assert "LIMIT" in page_of_jobs
    assert "count(*) OVER ()" in page_of_jobs


def test_the_board_counts_every_match_and_a_page_past_the_last_shows_the_last(board, post):
    for n in range(23):
        post(f"Opvask {n}")
    post("Rengøring")
    first = board.get("/jobs?q=opvask")
    assert len(titles(first)) == 20
    assert "23 open jobs" in text_of(first)
    past_the_last = board.get("/jobs?q=opvask&page=9")
    assert sorted(titles(past_the_last)) == ["Opvask 0", "Opvask 1", "Opvask 2"]
    assert "Page 2 of 2" in text_of(past_the_last)
    nothing = board.get("/jobs?q=gartner")
    assert titles(nothing) == []
    assert "0 open jobs" in text_of(nothing)


def test_the_job_page_runs_a_fixed_number_of_queries(board, post, count_queries):
    job = post("Opfyldning")
    board.get(f"/jobs/{job.id}")
    with count_queries() as q:
        assert board.get(f"/jobs/{job.id}").status_code == 200
    # Session, job, best-fitting candidates (one ranked query), unread count.
    assert q.count <= 4, q.statements


def test_the_board_indexes_exist():
    names = {index["name"] for index in inspect(db.session.connection()).get_indexes("jobs")}
    assert {"ix_jobs_board", "ix_jobs_status_category", "ix_jobs_status_hours"} <= names
    columns = {
        index["name"]: index["column_names"]
        for index in inspect(db.session.connection()).get_indexes("jobs")
    }
    assert columns["ix_jobs_board"] == ["status", "municipality_code", "published_at"]


def test_the_model_is_not_changed_by_reading(board, post):
    job = post("Opfyldning")
    version = job.version
    board.get(f"/jobs/{job.id}")
    board.get("/jobs")
    db.session.expire_all()
    assert db.session.get(Job, job.id).version == version


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"municipality_code": 760}, "ix_jobs_board"),
        ({"category": "kitchen"}, "ix_jobs_status_category"),
        ({"hours_min": Decimal(3), "hours_max": Decimal(8)}, "ix_jobs_status_hours"),
    ],
)
def test_the_board_filters_use_their_index(filters, index):
    """On SQLite the query plan shows the index in use. PostgreSQL rightly scans tables this
    small whatever indexes exist, so there the test checks that the index covers the filter's
    columns, leading with the status every board query filters on."""
    connection = db.session.connection()
    where = conditions(BoardFilters(**filters))
    if connection.dialect.name != "sqlite":
        from sqlalchemy import inspect

        found = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("jobs")}
        assert found[index][0] == "status"
        assert set(found[index][1:2]) <= {"municipality_code", "category", "hours_per_week"}
        assert {c for f in filters for c in found[index] if f.startswith(c.split("_")[0])}
        return
    for statement in (select(func.count(Job.id)).where(*where), select(Job).where(*where)):
        sql = statement.compile(connection, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
        )
        assert f"INDEX {index}" in plan, plan
