"""A message the SMTP server accepted while its row could not be marked sent (issue 15,
finding 4): the sweep must not send it again when the worker that sent it left a note in
Redis. Needs a real Redis (TEST_REDIS_URL); skipped without one locally, failed in CI."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.exc import OperationalError

from marketplace import tasks
from marketplace.extensions import db
from marketplace.models import EmailState
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from tests import rq_worker
from tests.accounts import mails as emails

pytestmark = pytest.mark.redis

redis_url = rq_worker.redis_url
rq_mode = rq_worker.rq_mode


def database_gone(*_args: object) -> None:
    raise OperationalError("UPDATE notifications", {}, Exception("server closed the connection"))


@pytest.fixture
def short_lease(app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "NOTIFY_LEASE_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "SWEEP_AGE_SECONDS", 0)


def test_a_mail_accepted_but_never_marked_is_not_sent_again(
    app, rq_mode, short_lease, employer, outbox, monkeypatch
):
    (row,) = notify([employer], "invitation_accepted", name="Kim")
    db.session.commit()
    # The server accepts the message; recording it fails for as long as the worker tries.
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record_outcome", database_gone)
        with pytest.raises(OperationalError):
            delivery.deliver_email(row.id)
    db.session.rollback()
    assert len(emails(outbox)) == 1
    db.session.refresh(row)
    assert row.email_state == EmailState.SENDING

    time.sleep(0.3)  # the lease runs out: the sweep hands the row out again
    assert tasks.sweep()["handed_out"] == 1
    delivery.deliver_email(row.id)

    assert len(emails(outbox)) == 1  # not twice
    db.session.refresh(row)
    assert (row.email_state, row.email_attempts) == (EmailState.SENT, 2)
    assert tasks.sweep()["handed_out"] == 0


def test_a_digest_accepted_but_never_marked_is_not_sent_again(
    app, rq_mode, short_lease, employer, outbox, monkeypatch
):
    employer.email_preference = "daily"
    rows = notify([employer], "invitation_accepted", name="Kim")
    db.session.commit()
    assert [r.email_state for r in rows] == [EmailState.DIGEST]
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record_outcome", database_gone)
        with pytest.raises(OperationalError):
            delivery.send_digest(employer.id)
    db.session.rollback()
    assert len(emails(outbox)) == 1

    time.sleep(0.3)
    tasks.sweep()  # frees the dead claim: the digest was sent, so its rows are sent
    delivery.send_digest(employer.id)

    assert len(emails(outbox)) == 1
    db.session.refresh(rows[0])
    assert rows[0].email_state == EmailState.SENT
