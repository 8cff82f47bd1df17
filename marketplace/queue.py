"""The task queue: rq on Redis when REDIS_URL is set, otherwise tasks run in this process.

Tasks are handed over only after the transaction that wrote their rows has committed, so a
worker never looks for a row that is not there yet, and a rolled-back action sends nothing.
A Redis outage is logged, never raised: the rows are saved, and the sweep re-sends them.

`flask worker` runs `worker()`: every job in an app context of its own, its database session
rolled back and removed afterwards, failed or not, so a job whose connection broke fails
alone and the next job starts on a clean session (the pool's pre-ping replaces the dead
connection). Jobs are retried a few times by rq, and the rows' own state lets the sweep hand
out whatever is still undone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import logs
from marketplace.extensions import db

log = logging.getLogger(__name__)

PENDING_KEY = "smajob_tasks_after_commit"

# Seconds before rq runs a failed job again (each job is idempotent: it reloads its rows and
# returns quietly when the work is done). A database outage outlasting them is the sweep's.
RETRY_INTERVALS = (10, 60, 300)

Task = tuple[Callable[..., Any], tuple[Any, ...]]


def redis_connection() -> Redis | None:
    """One client per app and URL (it holds a pool); None when no Redis is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients: dict[str, Redis] = current_app.extensions.setdefault("smajob_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return clients[url]


def get_queue() -> Any:
    from rq import Queue

    connection = redis_connection()
    if connection is None:
        raise RuntimeError("REDIS_URL is not set")
    return Queue(current_app.config["RQ_QUEUE"], connection=connection)


def enqueue_after_commit(func: Callable[..., Any], *args: Any) -> None:
    """Run `func(*args)` once the current transaction has committed."""
    db.session.info.setdefault(PENDING_KEY, []).append((func, args))


def dispatch(func: Callable[..., Any], *args: Any, delay: timedelta | None = None) -> None:
    """Hand a task to rq, or in-process mode's list for the end of this app context."""
    connection = redis_connection()
    if connection is None:
        g.setdefault("smajob_inprocess_tasks", []).append((func, args))
        return
    from rq import Retry

    retry = Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))
    try:
        meta = logs.job_meta()  # the request id, for the worker's log lines
        if delay:
            get_queue().enqueue_in(delay, func, *args, meta=meta, retry=retry)
        else:
            get_queue().enqueue(func, *args, meta=meta, retry=retry)
    except RedisError as error:
        log.warning(
            "queue unavailable (%s); %s%r is left for the sweep", error, func.__name__, args
        )


def reset_session() -> None:
    """End the session's transaction and give its connection back, whatever state it is in.

    After a broken connection the session refuses every statement until it is rolled back
    (SQLAlchemy's PendingRollbackError): without this one dead connection failed every later
    job of the worker."""
    try:
        db.session.rollback()
        db.session.remove()
    except Exception:  # the connection is beyond rollback: start the pool afresh
        log.exception("resetting the database session failed; discarding the pool")
        db.engine.dispose()


@contextmanager
def job_context() -> Iterator[None]:
    """Run one job in an app context of its own (a new session, a new `g`), and leave the
    session rolled back and removed after it, failed or not."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        try:
            yield
        finally:
            reset_session()


def worker() -> Any:
    """An rq SimpleWorker on this app's queue whose jobs each start clean (`job_context`).

    SimpleWorker runs jobs in this process (no fork), so the database pool is never shared
    across processes; the app context comes from the command that starts it."""
    from rq.worker import SimpleWorker

    class CleanJobsWorker(SimpleWorker):
        def execute_job(self, job: Any, queue: Any) -> None:
            with job_context():
                super().execute_job(job, queue)

    connection = redis_connection()
    if connection is None:
        raise RuntimeError("REDIS_URL is not set")
    return CleanJobsWorker([get_queue()], connection=connection)


def run_inprocess_tasks() -> int:
    """Run the in-process tasks handed over so far (tasks may hand over more)."""
    ran = 0
    while tasks := g.pop("smajob_inprocess_tasks", []):
        for func, args in tasks:
            ran += 1
            try:
                func(*args)
            except Exception:  # a task's failure must never reach the user's request
                log.exception("in-process task %s%r failed", func.__name__, args)
                db.session.rollback()
    return ran


def dispatch_many(tasks: list[Task]) -> None:
    """Hand many tasks to rq in one pipeline per thousand (a batch of reminders commits
    hundreds of e-mails: one round trip each took a third of a national sweep's time).
    Without Redis, or for a single task, `dispatch` each."""
    connection = redis_connection()
    if connection is None or len(tasks) < 2:
        for func, args in tasks:
            dispatch(func, *args)
        return
    from rq import Queue, Retry

    queue = get_queue()
    meta = logs.job_meta()
    try:
        for offset in range(0, len(tasks), 1000):
            queue.enqueue_many(
                [
                    Queue.prepare_data(
                        func,
                        args,
                        meta=meta,
                        retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
                    )
                    for func, args in tasks[offset : offset + 1000]
                ]
            )
    except RedisError as error:
        log.warning("queue unavailable (%s); %d tasks are left for the sweep", error, len(tasks))


def _after_commit(session: Session) -> None:
    tasks: list[Task] = session.info.pop(PENDING_KEY, [])
    if not tasks or not has_app_context():
        return
    dispatch_many(tasks)


def _after_rollback(session: Session) -> None:
    # Rows written in the rolled-back transaction are gone; so are their tasks.
    session.info.pop(PENDING_KEY, None)


def state() -> dict[str, Any]:
    """For /healthz: the mode, whether Redis answers, and how many jobs wait."""
    connection = redis_connection()
    if connection is None:
        return {"mode": "in-process", "ok": True, "depth": 0}
    try:
        connection.ping()
        queue = get_queue()
        depth = queue.count
        failed = queue.failed_job_registry.count
    except RedisError as error:
        return {"mode": "rq", "ok": False, "error": type(error).__name__}
    return {"mode": "rq", "ok": True, "depth": depth, "failed_jobs": failed}


def failed_jobs() -> dict[str, Any]:
    """For the admin: how many rq jobs failed, and the last error."""
    connection = redis_connection()
    if connection is None:
        return {"count": 0, "last_error": None}
    try:
        registry = get_queue().failed_job_registry
        # The count and the newest id only: a long outage can leave many thousand failed ids,
        # and /jobcentre must not read them all (issue 16).
        count = registry.get_job_count()
        newest = registry.get_job_ids(-1, -1, cleanup=False) if count else []
        last_error = None
        if newest:
            from rq.job import Job

            job = Job.fetch(newest[0], connection=connection)
            info = job.latest_result()
            last_error = (info.exc_string or "").strip().splitlines()[-1] if info else None
        return {"count": count, "last_error": last_error}
    except RedisError as error:
        return {"count": None, "last_error": f"Redis: {type(error).__name__}"}


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)

    @app.teardown_appcontext
    def _drain(_error: BaseException | None) -> None:
        # In-process mode: the request's (or command's) work is committed by now.
        run_inprocess_tasks()
