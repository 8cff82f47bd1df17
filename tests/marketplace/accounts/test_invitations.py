"""Inviting colleagues: signed links that expire and work once; who may invite whom."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from sqlalchemy import func, select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import Invitation, User
from tests.pages import invite, link_in
from tests.support import assert_refused_by_database, csrf_token_from, submit

NEW_PASSWORD = "pakkelinjen om fredagen"


def sent_mails(outbox) -> list[Message]:
    return [message_from_bytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"))]


def text_of(mail: Message) -> str:
    part = mail.get_body(preferencelist=("plain",)) if hasattr(mail, "get_body") else mail
    return part.get_payload(decode=True).decode()


def accept(newcomer, link: str, name: str, password: str = NEW_PASSWORD):
    """Open the invitation link and create the account, as the invited person does."""
    page = newcomer.get(link)
    assert page.status_code == 200
    form = {"name": name, "password": password, "password_confirm": password}
    return newcomer.post(link, data={**form, "csrf_token": csrf_token_from(page)})


def test_employer_invites_a_colleague_who_joins_once(app, client, employer, login, outbox):
    login(employer)
    response = invite(client)
    assert response.status_code == 302
    link = link_in(outbox)

    newcomer = app.test_client()
    assert 'value="Ny Kollega"' in newcomer.get(link).get_data(as_text=True)
    assert accept(newcomer, link, "Ny Kollega").headers["Location"] == "/company/"
    user = db.session.scalar(select(User).where(User.email == "kollega@test.example"))
    assert (user.organisation_id, user.role) == (employer.organisation_id, "employer")

    # The same link a second time, by anyone, is refused.
    again = app.test_client().get(link)
    assert again.status_code == 410


def test_invitation_mail_is_in_the_chosen_language(client, employer, login, outbox):
    from email import policy

    login(employer)
    invite(client, locale="en")
    mail = message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert mail["To"] == "kollega@test.example"
    assert "invited" in mail["Subject"]
    assert mail.get_body(preferencelist=("html",)) is not None


def test_reused_invitation_post_is_refused_and_saves_nothing(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_token_from(c.get(link)) for c in (first, second)]
    form = {"name": "A", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert first.post(link, data={**form, "csrf_token": tokens[0]}).status_code == 302
    users_before = db.session.scalar(select(func.count(User.id)))
    assert second.post(link, data={**form, "csrf_token": tokens[1]}).status_code == 410
    assert db.session.scalar(select(func.count(User.id))) == users_before


def test_expired_invitation_is_refused(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "kollega@test.example")
    )
    invitation.created_at = utcnow() - timedelta(days=9)
    invitation.expires_at = utcnow() - timedelta(days=2)
    db.session.flush()
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True) or "udløbet" in response.get_data(
        as_text=True
    )


def test_tampered_invitation_link_is_refused(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    # Change a character in the middle of the signature (the last one carries padding bits).
    flipped = "A" if link[-10] != "A" else "B"
    assert app.test_client().get(link[:-10] + flipped + link[-9:]).status_code == 410
    assert app.test_client().get("/invitation/garbage").status_code == 410


def test_a_withdrawn_invitation_no_longer_works(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "kollega@test.example")
    )
    response = submit(client, f"/team/invitations/{invitation.id}/revoke", {}, page="/team")
    assert response.status_code == 302
    assert app.test_client().get(link).status_code == 410


def test_weak_password_on_acceptance_keeps_the_name(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    newcomer = app.test_client()
    page = newcomer.get(link)
    response = newcomer.post(
        link,
        data={
            "name": "Kim",
            "password": "short",
            "password_confirm": "short",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert 'value="Kim"' in response.get_data(as_text=True)


def test_inviting_a_colleague_who_is_already_on_the_team_is_refused(
    client, employer, login, outbox, make_user
):
    colleague = make_user(employer.organisation, email="kollega2@test.example")
    login(employer)
    response = invite(client, email=colleague.email.upper())
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert not list(outbox.glob("*.eml"))


def test_an_address_with_an_account_elsewhere_is_invited_like_any_other(
    app, client, employer, login, outbox, consultant
):
    """The inviter learns nothing; the reader of the address is told when opening the link."""
    login(employer)
    taken = invite(client, email=consultant.email)
    taken_flash = client.get(taken.headers["Location"]).get_data(as_text=True)
    free = invite(client, email="ny.kollega@test.example")
    free_flash = client.get(free.headers["Location"]).get_data(as_text=True)
    assert taken.status_code == free.status_code == 302
    assert taken_flash.count(consultant.email) == free_flash.count("ny.kollega@test.example")
    assert sorted(m["To"] for m in sent_mails(outbox)) == sorted(
        [consultant.email, "ny.kollega@test.example"]
    )

    from email import policy

    mail = next(
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in outbox.glob("*.eml")
        if message_from_bytes(p.read_bytes())["To"] == consultant.email
    )
    link = re.search(r"http://localhost(/invitation/\S+)", mail.get_body(("plain",)).get_content())
    assert link
    users_before = db.session.scalar(select(func.count(User.id)))
    opened = app.test_client().get(link.group(1))
    assert opened.status_code == 410
    assert "allerede en Småjob-konto" in opened.get_data(as_text=True)
    assert employer.name in opened.get_data(as_text=True)  # whom to ask for another address
    assert db.session.scalar(select(func.count(User.id))) == users_before


def test_a_password_from_the_invitation_is_refused(app, client, employer, login, outbox):
    login(employer)
    invite(client)
    link = link_in(outbox)
    response = accept(app.test_client(), link, "Kim Kollega", password="kimkollega2026")
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert not db.session.scalar(select(User).where(User.email == "kollega@test.example"))


def test_employer_cannot_invite_a_jobcentre_role(client, employer, login, outbox):
    login(employer)
    response = invite(client, role="admin")
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_admin_invites_a_consultant(app, client, admin, login, outbox):
    login(admin)
    assert invite(client, email="mette@jobcenter.example", role="consultant").status_code == 302
    link = link_in(outbox)
    assert accept(app.test_client(), link, "Mette Holm").headers["Location"] == "/placements"


def test_consultant_cannot_invite(client, consultant, login):
    login(consultant)
    assert client.get("/team").status_code == 403


@pytest.mark.parametrize(
    ("role", "org_kind"),
    [
        ("employer", "jobcentre"),
        ("consultant", "company"),
        ("admin", "company"),
        ("boss", "jobcentre"),
    ],
)
def test_database_refuses_a_role_that_does_not_fit_the_organisation(
    consultant, employer, role, org_kind
):
    organisation_id = (
        consultant.organisation_id if org_kind == "jobcentre" else employer.organisation_id
    )
    assert_refused_by_database(
        "INSERT INTO users (organisation_id, org_kind, role, email, name, password_hash, locale,"
        " active, created_at) VALUES (:org, :kind, :role, 'raw@test.example', 'x', 'x', 'da',"
        " true, CURRENT_TIMESTAMP)",
        org=organisation_id,
        kind=org_kind,
        role=role,
    )


def test_database_refuses_a_kind_that_lies_about_the_organisation(consultant):
    """org_kind must match the organisation's real kind (composite foreign key)."""
    assert_refused_by_database(
        "INSERT INTO users (organisation_id, org_kind, role, email, name, password_hash, locale,"
        " active, created_at) VALUES (:org, 'company', 'employer', 'raw@test.example', 'x', 'x',"
        " 'da', true, CURRENT_TIMESTAMP)",
        org=consultant.organisation_id,
    )


def test_deactivated_colleague_is_logged_out_everywhere(app, client, employer, login, make_user):
    colleague = make_user(employer.organisation, email="kollega2@test.example")
    colleague_client = app.test_client()
    login(colleague, via=colleague_client)
    assert colleague_client.get("/company/").status_code == 200
    login(employer)
    response = submit(client, f"/team/members/{colleague.id}/deactivate", {}, page="/team")
    assert response.status_code == 302
    assert colleague_client.get("/company/").status_code == 302


def test_cannot_deactivate_yourself(client, employer, login):
    login(employer)
    submit(client, f"/team/members/{employer.id}/deactivate", {}, page="/team")
    assert client.get("/company/").status_code == 200
