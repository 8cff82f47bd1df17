"""The notification list, the unread count in the header, reading, and e-mail settings.

Notifications belong to one person: a colleague's are as missing as another organisation's.
Everything is driven through the test client with CSRF on, as a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace import queue
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import Jobcentre, Notification, Role, User
from marketplace.notifications.kinds import KINDS, Kind, register_kind
from marketplace.notifications.outbox import notify
from tests.accounts import finish_signup, mails, plain_text, signup_form, signup_link
from tests.support import csrf_token_from, submit, valid_cvr

INBOX = "/notifications/"
SETTINGS = "/notifications/settings"
NEW_PASSWORD = "pakkelinjen om fredagen"
BADGE = re.compile(r'class="badge badge--count">\s*(\d+)')
ITEM_LINK = re.compile(r'<a href="/notifications/(\d+)">([^<]*)</a>')
MESSAGE_ID = re.compile(r"<smajob-(\d+)@[^>]+>")
INVALID_CHOICE_DA = "Vælg en af mulighederne."


# -- helpers ---------------------------------------------------------------------------------


def unread_badge(client: FlaskClient, path: str = INBOX) -> int | None:
    """The number in the header's badge, or None when the header shows no badge."""
    response = client.get(path)
    assert response.status_code == 200, path
    found = BADGE.search(response.get_data(as_text=True))
    return int(found.group(1)) if found else None


def listed(client: FlaskClient, query: str = "") -> list[tuple[int, str]]:
    """(id, summary) of each notification on the list page, top to bottom."""
    response = client.get(INBOX + query)
    assert response.status_code == 200, query
    return [(int(i), text) for i, text in ITEM_LINK.findall(response.get_data(as_text=True))]


def accepted(user: User, name: str, **fields: object) -> Notification:
    """A non-urgent notification for one user, written as the app writes it."""
    (row,) = notify([user], "invitation_accepted", name=name)
    for key, value in fields.items():
        setattr(row, key, value)
    db.session.flush()
    return row


def read_at(notification: Notification) -> object:
    return db.session.scalar(select(Notification.read_at).where(Notification.id == notification.id))


def post_with_token(client: FlaskClient, url: str, page: str = INBOX) -> object:
    """POST with a real token from one of the user's own pages."""
    return client.post(url, data={"csrf_token": csrf_token_from(client.get(page))})


def checked_preference(client: FlaskClient) -> list[str]:
    page = client.get(SETTINGS).get_data(as_text=True)
    checked = [
        tag for tag in re.findall(r"<input[^>]*>", page) if re.search(r"\schecked(\s|>|=)", tag)
    ]
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in checked]  # type: ignore[union-attr]


@pytest.fixture
def second_client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def urgent_kind() -> Iterator[Kind]:
    """An urgent kind for this test only (plain strings: nothing for the catalog)."""
    kind = register_kind(
        Kind(
            name="test_hours_waiting",
            urgent=True,
            subject="Hours wait for %(name)s",  # type: ignore[arg-type]
            summary="%(name)s has hours waiting for your confirmation.",  # type: ignore[arg-type]
            link=lambda n: None,
        )
    )
    try:
        yield kind
    finally:
        KINDS.pop(kind.name, None)


# -- the header's unread count, and opening a notification ------------------------------------


def test_unread_count_shows_only_to_the_recipient_and_drops_when_opened(
    client, second_client, employer, colleague, login
):
    first = accepted(employer, "Anna Andersen")
    accepted(employer, "Bo Bertelsen")
    login(employer)
    login(colleague, via=second_client)

    assert unread_badge(client) == 2
    assert unread_badge(client, "/company/") == 2  # on every page, not just the list
    assert unread_badge(second_client) is None
    assert unread_badge(second_client, "/company/") is None

    opened = client.get(f"/notifications/{first.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/team"
    assert read_at(first) is not None
    assert unread_badge(client) == 1

    # Opening it again keeps it read and still leads to its page.
    again = client.get(f"/notifications/{first.id}")
    assert again.headers["Location"] == "/team"
    assert unread_badge(client) == 1


def test_company_signed_up_leads_the_admin_to_the_jobcentre_page(client, admin, login):
    (row,) = notify([admin], "company_signed_up", company="Skjern Cykler", municipality="760")
    db.session.flush()
    login(admin)
    assert unread_badge(client) == 1
    opened = client.get(f"/notifications/{row.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/jobcentre"
    assert unread_badge(client) is None


def test_anonymous_visitor_is_sent_to_login(client, employer):
    row = accepted(employer, "Anna Andersen")
    for path in (INBOX, f"/notifications/{row.id}", SETTINGS):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    assert read_at(row) is None


# -- marking as read ---------------------------------------------------------------------------


def test_mark_one_as_read(client, employer, login):
    first = accepted(employer, "Anna Andersen")
    second = accepted(employer, "Bo Bertelsen")
    login(employer)
    page = client.get(INBOX).get_data(as_text=True)
    assert f'action="/notifications/{first.id}/read"' in page

    response = post_with_token(client, f"/notifications/{first.id}/read")
    assert response.status_code == 302
    assert response.headers["Location"] == INBOX
    assert read_at(first) is not None
    assert read_at(second) is None
    page = client.get(INBOX).get_data(as_text=True)
    assert f'action="/notifications/{first.id}/read"' not in page  # no button for a read one
    assert f'action="/notifications/{second.id}/read"' in page
    assert unread_badge(client) == 1


def test_mark_all_as_read_marks_only_ones_own(client, employer, colleague, login):
    mine = [accepted(employer, f"Person {i}") for i in range(3)]
    theirs = accepted(colleague, "Kollegas Gæst")
    login(employer)
    assert unread_badge(client) == 3

    response = post_with_token(client, "/notifications/read-all")
    assert response.status_code == 302
    assert response.headers["Location"] == INBOX
    page = client.get(INBOX).get_data(as_text=True)
    assert "Alle notifikationer er markeret som læst." in page
    assert BADGE.search(page) is None
    assert all(read_at(row) is not None for row in mine)
    assert read_at(theirs) is None


@pytest.mark.parametrize("which", ["one", "all"])
def test_marking_as_read_needs_the_csrf_token(client, employer, login, which):
    row = accepted(employer, "Anna Andersen")
    login(employer)
    url = f"/notifications/{row.id}/read" if which == "one" else "/notifications/read-all"
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 400
    assert read_at(row) is None
    assert unread_badge(client) == 1


# -- someone else's notification ---------------------------------------------------------------


# The shared colleague (same company) and other_employer (another company), tests/conftest.py.
@pytest.mark.parametrize("who", ["colleague", "other_employer"], ids=["colleague", "outsider"])
def test_someone_elses_notification_is_missing_and_stays_unread(
    request, client, second_client, employer, login, who
):
    row = accepted(employer, "Anna Andersen")
    other: User = request.getfixturevalue(who)
    login(other, via=second_client)

    assert second_client.get(f"/notifications/{row.id}").status_code == 404
    # With a valid token of their own: refused for ownership, not for the token.
    response = post_with_token(second_client, f"/notifications/{row.id}/read")
    assert response.status_code == 404
    # Marking "all" as read touches only their own.
    assert post_with_token(second_client, "/notifications/read-all").status_code == 302
    assert "Anna Andersen" not in second_client.get(INBOX).get_data(as_text=True)

    assert read_at(row) is None
    login(employer)
    assert unread_badge(client) == 1


def test_missing_notification_is_404(client, employer, login):
    login(employer)
    assert client.get("/notifications/987654321").status_code == 404
    assert post_with_token(client, "/notifications/987654321/read").status_code == 404


# -- the list ----------------------------------------------------------------------------------


def test_list_shows_own_notifications_newest_first_twenty_a_page(
    client, employer, colleague, login
):
    now = utcnow()
    # Written newest first, so the ids run against the time order: the page must sort by time.
    names = [f"Person {i:02d}" for i in range(25)]  # Person 00 is the newest
    for age, name in enumerate(names):
        accepted(employer, name, created_at=now - timedelta(minutes=age))
    accepted(colleague, "Kollegas Gæst")
    login(employer)

    first_page = client.get(INBOX).get_data(as_text=True)
    first = [text for _, text in ITEM_LINK.findall(first_page)]
    assert len(first) == 20
    assert [next(n for n in names if n in text) for text in first] == names[:20]
    assert 'href="/notifications/?page=2"' in first_page
    assert "Kollegas Gæst" not in first_page

    second_page = client.get(INBOX + "?page=2").get_data(as_text=True)
    second = [text for _, text in ITEM_LINK.findall(second_page)]
    assert [next(n for n in names if n in text) for text in second] == names[20:]
    assert "?page=3" not in second_page
    assert 'href="/notifications/?page=1"' in second_page
    assert "Kollegas Gæst" not in second_page


@pytest.mark.parametrize("garbage", ["abc", "-5", "0", "", "2.5", "%00"])
def test_garbage_page_number_gives_the_first_page(client, employer, login, garbage):
    now = utcnow()
    for age in range(21):
        accepted(employer, f"Person {age:02d}", created_at=now - timedelta(minutes=age))
    login(employer)
    expected = listed(client)
    assert len(expected) == 20
    assert listed(client, f"?page={garbage}") == expected


@pytest.mark.parametrize("huge", ["99999999999999999999", "4611686018427387904"])
def test_huge_page_number_is_not_a_server_error(client, employer, login, huge):
    accepted(employer, "Anna Andersen")
    login(employer)
    response = client.get(INBOX + f"?page={huge}")
    assert response.status_code == 200, response.status_code


def test_empty_list_says_so(client, employer, login):
    login(employer)
    page = client.get(INBOX).get_data(as_text=True)
    assert ITEM_LINK.search(page) is None
    assert 'action="/notifications/read-all"' not in page
    assert BADGE.search(page) is None


def test_list_runs_the_same_queries_for_3_and_20(client, employer, login, count_queries):
    for i in range(3):
        accepted(employer, f"Person {i}")
    login(employer)
    client.get(INBOX)  # warm up
    with count_queries() as few:
        assert client.get(INBOX).status_code == 200
    for i in range(3, 20):
        if i % 2:
            accepted(employer, f"Person {i}")
        else:
            notify([employer], "company_signed_up", company=f"Firma {i}", municipality="760")
            db.session.flush()
    with count_queries() as many:
        page = client.get(INBOX)
    assert len(ITEM_LINK.findall(page.get_data(as_text=True))) == 20
    assert many.count == few.count


# -- e-mail settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["immediate", "daily", "off"])
def test_settings_save_the_preference(client, employer, login, choice):
    employer.email_preference = "daily" if choice != "daily" else "off"  # start elsewhere
    db.session.flush()
    login(employer)
    response = submit(client, SETTINGS, {"email_preference": choice})
    assert response.status_code == 302
    assert response.headers["Location"] == SETTINGS
    assert db.session.scalar(select(User.email_preference).where(User.id == employer.id)) == choice
    assert "Dine e-mailindstillinger er gemt." in client.get(SETTINGS).get_data(as_text=True)
    assert checked_preference(client) == [choice]  # kept on a later visit too


def test_settings_start_at_immediate(client, employer, login):
    login(employer)
    assert checked_preference(client) == ["immediate"]


def test_settings_need_the_csrf_token(client, employer, login):
    login(employer)
    assert client.post(SETTINGS, data={"email_preference": "off"}).status_code == 400
    assert db.session.scalar(select(User.email_preference).where(User.id == employer.id)) == (
        "immediate"
    )


@pytest.mark.parametrize("bad", ["weekly", "", "OFF"])
def test_unknown_preference_is_refused_beside_the_field(client, employer, login, bad):
    login(employer)
    submit(client, SETTINGS, {"email_preference": "daily"})
    response = submit(client, SETTINGS, {"email_preference": bad})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert INVALID_CHOICE_DA in page, "the refusal is not shown anywhere on the page"
    start = page.index("<fieldset")
    fieldset = page[start : page.index("</fieldset>", start)]
    assert INVALID_CHOICE_DA in fieldset, "no message beside the field"
    # The message is tied to the group of options, so a screen reader reads it out with them.
    opening = fieldset[: fieldset.index(">") + 1]
    described = re.search(r'aria-describedby="([^"]+)"', opening)
    assert described, opening
    assert any(
        INVALID_CHOICE_DA in fieldset[fieldset.find(f'id="{i}"') :][:300]
        for i in described.group(1).split()
        if f'id="{i}"' in fieldset
    ), opening
    assert db.session.scalar(select(User.email_preference).where(User.id == employer.id)) == (
        "daily"
    )
    assert checked_preference(client) == ["daily"]


@pytest.mark.parametrize(("choice", "state"), [("daily", "digest"), ("off", "skipped")])
def test_preference_holds_back_ordinary_mail_but_not_urgent(
    client, employer, login, outbox, urgent_kind, choice, state
):
    login(employer)
    assert submit(client, SETTINGS, {"email_preference": choice}).status_code == 302
    db.session.expire_all()  # the route saved the preference in its own session

    ordinary = accepted(employer, "Anna Andersen")
    assert ordinary.email_state == state
    db.session.commit()  # the test's own savepoint; the outer transaction is still rolled back
    queue.run_inprocess_tasks()
    assert mails(outbox) == []

    (urgent,) = notify([employer], urgent_kind.name, name="Anna Andersen")
    assert urgent.email_state == "pending"
    db.session.commit()
    queue.run_inprocess_tasks()
    sent = mails(outbox)
    assert [m["To"] for m in sent] == [employer.email]
    assert sent[0]["Subject"] == "Hours wait for Anna Andersen"
    assert sent[0]["Message-ID"] == f"<smajob-{urgent.id}@smajob.localhost>"
    db.session.expire_all()
    assert db.session.get(Notification, urgent.id).email_state == "sent"
    assert db.session.get(Notification, ordinary.id).email_state == state
    # Both are on the page whatever the e-mail setting.
    assert unread_badge(client) == 2


def test_immediate_preference_mails_an_ordinary_notification(client, employer, login, outbox):
    login(employer)
    row = accepted(employer, "Anna Andersen")
    assert row.email_state == "pending"
    db.session.commit()
    queue.run_inprocess_tasks()
    (sent,) = mails(outbox)
    assert sent["To"] == employer.email
    assert "Anna Andersen" in sent["Subject"]
    assert "http://localhost/team" in plain_text(sent)
    assert "http://localhost/notifications/settings" in plain_text(sent)


# -- whole journeys through HTTP ---------------------------------------------------------------


def test_invited_colleague_joins_and_the_inviter_is_told(app, client, employer, login, outbox):
    login(employer)
    response = submit(
        client,
        "/team",
        {"name": "Karen Bæk", "email": "karen@test.example", "role": "employer", "locale": "da"},
    )
    assert response.status_code == 302

    (invitation_mail,) = mails(outbox)
    assert invitation_mail["To"] == "karen@test.example"
    found = MESSAGE_ID.fullmatch(invitation_mail["Message-ID"])
    assert found, invitation_mail["Message-ID"]
    row = db.session.get(Notification, int(found.group(1)))
    assert (row.kind, row.recipient_email) == ("invitation", "karen@test.example")
    body = plain_text(invitation_mail)
    link = re.search(r"http://localhost(/invitation/\S+)", body)
    assert link, body

    newcomer = app.test_client()
    form_page = newcomer.get(link.group(1))
    assert form_page.status_code == 200
    joined = newcomer.post(
        link.group(1),
        data={
            "name": "Karen Bæk",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "csrf_token": csrf_token_from(form_page),
        },
    )
    assert joined.status_code == 302
    assert joined.headers["Location"] == "/company/"

    # The inviter sees it on the page ...
    assert unread_badge(client) == 1
    items = listed(client)
    assert len(items) == 1
    assert "Karen Bæk" in items[0][1]
    told = db.session.get(Notification, items[0][0])
    assert (told.kind, told.recipient_id, told.read_at) == (
        "invitation_accepted",
        employer.id,
        None,
    )
    # ... and by e-mail, in Danish.
    told_mails = [m for m in mails(outbox) if m["To"] == employer.email]
    assert len(told_mails) == 1, [m["To"] for m in mails(outbox)]
    told_mail = told_mails[0]
    assert told_mail["Subject"] == "Karen Bæk er kommet med på Småjob"
    assert told_mail["Message-ID"] == f"<smajob-{told.id}@smajob.localhost>"
    assert "http://localhost/team" in plain_text(told_mail)
    # The newcomer is not told about themselves.
    assert unread_badge(newcomer, "/company/") is None

    # Following it leads to the team page, where Karen now is.
    opened = client.get(f"/notifications/{told.id}")
    assert opened.headers["Location"] == "/team"
    assert "Karen Bæk" in client.get("/team").get_data(as_text=True)
    assert unread_badge(client) is None


def test_company_sign_up_tells_the_admins_of_its_jobcentre_only(
    app,
    client,
    admin,
    consultant,
    make_user,
    make_jobcentre: Callable[..., Jobcentre],
    login,
    outbox,
):
    second_admin = make_user(admin.organisation, Role.ADMIN, name="Anden Admin")
    herning = make_jobcentre(657, "Jobcenter Herning")
    far_admin = make_user(herning, Role.ADMIN, name="Fjern Admin")
    make_user(herning, Role.CONSULTANT)
    cvr = valid_cvr()

    newcomer = app.test_client()
    response = submit(
        newcomer,
        "/signup",
        signup_form(
            company_name="Skjern Cykler",
            cvr=cvr,
            name="Karen Bæk",
            email="karen@skjern-cykler.example",
            employee_count="4",
        ),
    )
    assert response.status_code == 302
    link = signup_link(outbox, "karen@skjern-cykler.example")
    for path in outbox.glob("*.eml"):
        path.unlink()  # the sign-up link itself is not what this test is about
    assert finish_signup(newcomer, link).status_code == 302

    sent = mails(outbox)
    assert sorted(m["To"] for m in sent) == sorted([admin.email, second_admin.email])
    for mail in sent:
        assert mail["Subject"] == "Ny virksomhed på Småjob: Skjern Cykler"
        assert "Ringkøbing-Skjern" in plain_text(mail)
        assert "http://localhost/jobcentre" in plain_text(mail)

    login(admin)
    assert unread_badge(client) == 1
    ((row_id, summary),) = listed(client)
    assert "Skjern Cykler" in summary
    assert client.get(f"/notifications/{row_id}").headers["Location"] == "/jobcentre"

    for user in (consultant, far_admin):
        other = app.test_client()
        login(user, via=other)
        assert unread_badge(other) is None, user.email
        assert listed(other) == [], user.email
