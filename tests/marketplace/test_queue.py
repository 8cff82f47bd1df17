"""rq in production mode: real Redis, real workers, Redis outages, killed workers.

Every test needs a real Redis server (the `redis` marker): TEST_REDIS_URL, or redis-server to
start one of the test's own. Without them the tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from redis import Redis
from rq import Queue
from rq.worker import SimpleWorker
from sqlalchemy import func, select

from marketplace import tasks
from marketplace.extensions import db
from marketplace.models import EmailState, Notification
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from tests import rq_worker
from tests.accounts import mails as emails
from tests.support import submit

pytestmark = pytest.mark.redis

# The fixtures of a real Redis and real rq workers, for this module only: pytest finds a
# fixture bound to a name of the test module as if it were defined here.
redis_url = rq_worker.redis_url
rq_mode = rq_worker.rq_mode
own_redis = rq_worker.own_redis


def run_worker(app) -> None:
    """A real rq worker in burst mode, in this process and app context."""
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)


def test_commit_enqueues_and_a_real_worker_delivers(app, rq_mode, employer, outbox):
    (row,) = notify([employer], "invitation_accepted", name="Kim")
    queue = Queue(rq_mode, connection=Redis.from_url(app.config["REDIS_URL"]))
    assert queue.count == 0  # nothing before the commit
    db.session.commit()
    assert queue.count == 1
    assert emails(outbox) == []
    run_worker(app)
    assert len(emails(outbox)) == 1
    assert queue.count == 0
    db.session.refresh(row)
    assert row.email_state == EmailState.SENT


def test_the_same_job_twice_sends_one_message(app, rq_mode, employer, outbox):
    (row,) = notify([employer], "invitation_accepted", name="Kim")
    db.session.commit()

    Queue(rq_mode, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
        delivery.deliver_email, row.id
    )
    run_worker(app)
    assert len(emails(outbox)) == 1


def test_redis_stopped_while_users_act_then_the_sweep_delivers_once(
    app, client, employer, login, outbox, own_redis, monkeypatch
):
    monkeypatch.setitem(app.config, "REDIS_URL", own_redis.url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", "smajob-outage")
    monkeypatch.setitem(app.config, "SWEEP_AGE_SECONDS", 0)
    login(employer)
    own_redis.stop()

    # Users keep working: every action succeeds and is saved.
    for n in range(3):
        response = submit(
            client,
            "/team",
            {"name": f"Ny {n}", "email": f"ny{n}@test.example", "role": "employer", "locale": "da"},
        )
        assert response.status_code == 302
    health = client.get("/healthz").get_json()
    assert health["queue"]["ok"] is False
    assert health["outbox"]["undelivered"] == 3
    rows = db.session.scalars(select(Notification).where(Notification.kind == "invitation")).all()
    assert [r.email_state for r in rows] == ["pending"] * 3
    assert emails(outbox) == []

    own_redis.start()
    assert tasks.sweep()["handed_out"] == 3
    run_worker(app)
    assert sorted(m["To"] for m in emails(outbox)) == [f"ny{n}@test.example" for n in range(3)]

    # Another sweep and worker later: still exactly one message each.
    assert tasks.sweep()["handed_out"] == 0
    run_worker(app)
    assert len(emails(outbox)) == 3


def test_a_worker_killed_mid_send_delivers_once_in_the_end(workdir, redis_url, make_app):
    """SIGKILL a worker process while the SMTP server holds its message; then recover."""
    from tests.conftest import migrate_to_head
    from tests.databases import scratch_database
    from tests.smtp_sink import SmtpSink

    with scratch_database(workdir, "killed") as url, SmtpSink(hold_first=True) as sink:
        settings = {
            "REDIS_URL": redis_url,
            "RQ_QUEUE": f"smajob-killed-{os.getpid()}",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": sink.port,
            "MAIL_USE_TLS": False,
            "NOTIFY_LEASE_SECONDS": 2,
            "SWEEP_AGE_SECONDS": 0,
        }
        app = make_app(url, **settings)
        migrate_to_head(app)
        environ = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            **{key: str(value) for key, value in settings.items()},
            "MAIL_USE_TLS": "false",
        }
        worker_command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"]
        with app.app_context():
            from marketplace.models import Company, OrgKind, User

            company = Company(
                name="Brugsen",
                cvr="12345674",
                address="x",
                postcode="6900",
                city="Skjern",
                municipality_code=760,
                employee_count=14,
            )
            db.session.add(company)
            db.session.flush()
            user = User(
                organisation_id=company.id,
                org_kind=OrgKind.COMPANY.value,
                role="employer",
                email="hanne@brugsen.example",
                name="Hanne",
                password_hash="x",
            )
            db.session.add(user)
            db.session.flush()
            (row,) = notify([user], "invitation_accepted", name="Kim")
            db.session.commit()  # enqueues the delivery job on Redis
            row_id = row.id

        doomed = subprocess.Popen(
            worker_command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            assert sink.first_seen.wait(60), (
                doomed.stderr.read().decode() if doomed.poll() is not None else ""
            )
            os.kill(doomed.pid, signal.SIGKILL)  # in the middle of sending
            doomed.wait(10)
        finally:
            if doomed.poll() is None:
                doomed.kill()
            doomed.stderr.close()
        sink.release_first()  # the server never accepted that message
        assert sink.accepted == []

        with app.app_context():
            stuck = db.session.get(Notification, row_id)
            assert stuck.email_state == EmailState.SENDING  # claimed by the dead worker
            assert tasks.sweep()["handed_out"] == 0  # its lease has not run out yet
            time.sleep(2.5)
            assert tasks.sweep()["handed_out"] == 1
        subprocess.run(worker_command, env=environ, check=True, capture_output=True, timeout=120)

        with app.app_context():
            assert tasks.sweep()["handed_out"] == 0
        subprocess.run(worker_command, env=environ, check=True, capture_output=True, timeout=120)

        assert len(sink.accepted) == 1  # delivered once: not lost, not twice
        assert sink.message_ids() == [f"<smajob-{row_id}@smajob.localhost>"]
        with app.app_context():
            done = db.session.get(Notification, row_id)
            assert (done.email_state, done.email_attempts) == (EmailState.SENT, 2)
            db.session.remove()
            db.engine.dispose()  # before the scratch database is dropped
        Queue(settings["RQ_QUEUE"], connection=Redis.from_url(redis_url)).delete(delete_jobs=True)


def test_a_dispatched_job_that_fails_is_run_again_later(app, rq_mode):
    """A job that met a broken connection (here: any error) is not given up on: rq runs it
    again after 10 s, 1 min and 5 min before it counts as failed."""
    from marketplace import queue as tasks_queue

    tasks_queue.dispatch(delivery.deliver_email, 1, 2)  # a wrong call: fails every time
    run_worker(app)
    queue = Queue(rq_mode, connection=Redis.from_url(app.config["REDIS_URL"]))
    assert queue.failed_job_registry.count == 0
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = queue.fetch_job(job_id)
    assert (job.retries_left, job.retry_intervals) == (2, [10, 60, 300])


def test_failed_jobs_are_counted_with_their_last_error_for_the_admin(
    app, rq_mode, client, admin, login
):

    queue = Queue(rq_mode, connection=Redis.from_url(app.config["REDIS_URL"]))
    queue.enqueue(delivery.deliver_email, 1, 2)  # a wrong call: the job itself fails
    run_worker(app)
    assert queue.failed_job_registry.count == 1
    login(admin)
    page = client.get("/jobcentre").get_data(as_text=True)
    assert "TypeError" in page
    assert client.get("/healthz").get_json()["queue"]["failed_jobs"] == 1


def test_the_admin_sees_how_many_jobs_failed_and_the_newest_error(
    app, rq_mode, client, admin, login
):
    # /jobcentre reads the count and the newest failed job only, not every failed id.
    queue = Queue(rq_mode, connection=Redis.from_url(app.config["REDIS_URL"]))
    queue.enqueue(delivery.deliver_email, 1, 2)  # TypeError
    run_worker(app)
    time.sleep(1.1)  # rq orders failed jobs by a timestamp in whole seconds
    queue.enqueue("builtins.int", "not a number")  # ValueError, the newer
    run_worker(app)
    login(admin)
    page = client.get("/jobcentre").get_data(as_text=True)
    assert re.search(r"<dd>\s*2\s*</dd>", page)
    assert "ValueError" in page
    assert "TypeError" not in page


def test_flask_cron_enqueues_the_sweep_that_recovers_a_lost_job(
    workdir, redis_url, make_app, outbox
):
    """`flask cron` (as `make worker` starts it) puts the sweep on the queue every interval."""
    from tests.conftest import migrate_to_head
    from tests.databases import scratch_database

    with scratch_database(workdir, "cron") as url:
        settings = {
            "REDIS_URL": redis_url,
            "RQ_QUEUE": f"smajob-cron-{os.getpid()}",
            "SWEEP_AGE_SECONDS": 0,
            "SWEEP_INTERVAL_SECONDS": 1,
            "MAIL_OUTBOX_DIR": str(outbox),
        }
        app = make_app(url, **settings)
        migrate_to_head(app)
        queue = Queue(settings["RQ_QUEUE"], connection=Redis.from_url(redis_url))
        with app.app_context():
            from marketplace.demo.town import seed_demo

            seed_demo()  # tells Lars about three companies, companies about proposals, …
            db.session.commit()
            queue.empty()  # the jobs enqueued at commit are lost
            waiting = db.session.scalar(
                select(func.count(Notification.id)).where(Notification.email_state == "pending")
            )
            assert waiting >= 3
        environ = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            **{key: str(value) for key, value in settings.items()},
        }
        cron = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "cron"],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                if queue.count:
                    break
                time.sleep(0.1)
        finally:
            cron.terminate()
            cron.wait(10)
        assert queue.count >= 1  # the sweep, enqueued by the cron process
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"],
            env=environ,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with app.app_context():
            db.session.expire_all()
            sent = db.session.scalar(
                select(func.count(Notification.id)).where(Notification.email_state == "sent")
            )
            # Every lost one, and what the sweep's reminders wrote (a demo praktik ends
            # soon), each once.
            assert len(emails(outbox)) == sent >= waiting
            db.session.remove()
            db.engine.dispose()
        queue.delete(delete_jobs=True)
