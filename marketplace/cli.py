"""Flask commands: create-admin, seed-demo, worker, cron, sweep, privacy-screen, backup,
restore, rebuild-paid-months."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.logging import default_handler
from sqlalchemy import select

from marketplace import backups, queue, tasks
from marketplace.accounts.passwords import hash_password, password_problem
from marketplace.accounts.signup import email_taken
from marketplace.demo.town import seed_demo
from marketplace.extensions import db
from marketplace.figures import rollup as figure_rollup
from marketplace.hours import paid_months
from marketplace.models import Jobcentre, Municipality, OrgKind, Role, User
from marketplace.privacy.report import stored_problems


@click.command("create-admin")
@click.option(
    "--municipality",
    "municipality_code",
    type=int,
    required=True,
    help="Municipality code of the jobcentre, e.g. 760 for Ringkøbing-Skjern.",
)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_admin(municipality_code: int, email: str, name: str, password: str) -> None:
    """Create the first jobcentre admin (and the jobcentre, if it is new)."""
    email = email.strip().lower()
    municipality = db.session.get(Municipality, municipality_code)
    if municipality is None:
        raise click.BadParameter("no municipality has this code", param_hint="--municipality")
    if email_taken(email):
        raise click.BadParameter("this e-mail address already has an account", param_hint="--email")
    jobcentre = db.session.scalar(
        select(Jobcentre).where(Jobcentre.municipality_code == municipality_code)
    )
    jobcentre_name = jobcentre.name if jobcentre else f"Jobcenter {municipality.name}"
    problem = password_problem(password, (email, name, jobcentre_name, municipality.name))
    if problem:
        raise click.BadParameter(str(problem), param_hint="--password")
    if jobcentre is None:
        jobcentre = Jobcentre(name=jobcentre_name, municipality_code=municipality_code)
        db.session.add(jobcentre)
        db.session.flush()
    db.session.add(
        User(
            organisation_id=jobcentre.id,
            org_kind=OrgKind.JOBCENTRE.value,
            role=Role.ADMIN.value,
            email=email,
            name=name.strip(),
            password_hash=hash_password(password),
        )
    )
    db.session.commit()
    click.echo(f"Admin {email} created for {jobcentre.name}.")


@click.command("seed-demo")
@click.option(
    "--allow-non-sqlite",
    is_flag=True,
    help="Demo accounts have a published password: refuse other databases unless asked.",
)
def seed_demo_command(allow_non_sqlite: bool) -> None:
    """Load the demo town (idempotent: a second run adds nothing)."""

    if db.engine.dialect.name != "sqlite" and not allow_non_sqlite:
        raise click.UsageError("demo data is for the local SQLite database; see --allow-non-sqlite")
    added = seed_demo()
    db.session.commit()
    click.echo(f"Demo data: {added} rows added." if added else "Demo data: already loaded.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
def worker_command(burst: bool) -> None:
    """Run an rq worker with its scheduler (needs REDIS_URL).

    A SimpleWorker runs each job in this process, so the database pool is never shared
    across a fork, and each job in an app context of its own whose database session is rolled
    back and removed after it (`queue.worker`). Run several for more throughput.
    """
    if queue.redis_connection() is None:
        raise click.UsageError("REDIS_URL is not set; without Redis, run `flask sweep` from cron")
    queue.worker().work(burst=burst, with_scheduler=True)


@click.command("cron")
def cron_command() -> None:
    """Enqueue the periodic work on rq, on the schedules of the table in marketplace.tasks
    (the sweep every minute, the digests once a day, the hours reminders on Monday mornings,
    retention every night). Rides out Redis outages: logs, retries, then catches up."""
    connection = queue.redis_connection()
    if connection is None:
        raise click.UsageError("REDIS_URL is not set; without Redis, run `flask sweep` from cron")
    if not logging.getLogger().handlers:  # text lines unless LOG_FORMAT=json set up the root
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        current_app.logger.removeHandler(default_handler)  # or each line would print twice
    config = current_app.config
    scheduler = tasks.CronLoop(connection=connection)
    name = config["RQ_QUEUE"]
    for work in tasks.scheduled():
        if work.every is not None:
            scheduler.register(work.run, name, interval=config[work.every])
        else:
            scheduler.register(work.run, name, cron=config[work.cron])
    # Ctrl-C ends it quietly; SIGTERM ends it outright (it holds nothing to finish).
    with contextlib.suppress(KeyboardInterrupt):
        scheduler.start()


def _sweep_options(command: Callable[..., None]) -> Callable[..., None]:
    """An option per scheduled row of the table besides the sweep: --digests, --hour-reminders,
    --retention."""

    for work in reversed(tasks.scheduled()):
        if work.run is not tasks.sweep:
            command = click.option(
                f"--{work.name}",
                work.name.replace("-", "_"),
                is_flag=True,
                help=f"Also run: {(work.run.__doc__ or work.name).splitlines()[0]}",
            )(command)
    return command


@click.command("sweep")
@_sweep_options
@click.option(
    "--only",
    "only",
    multiple=True,
    type=click.Choice([work.name for work in tasks.PERIODIC]),
    help="Run just this row of the periodic table (repeatable), without the rest of the sweep: "
    "to run or time one piece of periodic work alone.",
)
def sweep_command(only: tuple[str, ...], **also: bool) -> None:
    """One pass of the periodic sweep; with Redis it hands the work to the workers."""

    if only:
        report: dict[str, object] = {}
        for work in tasks.PERIODIC:
            if work.name in only:
                report[work.name.replace("-", "_")] = tasks.run_one(work)
    else:
        report = dict(tasks.sweep())
    for work in tasks.scheduled():
        if also.get(work.name.replace("-", "_")):
            report[work.name.replace("-", "_")] = work.run()
    ran = queue.run_inprocess_tasks()
    click.echo(" ".join(f"{key}={value}" for key, value in report.items()) + f" ran_here={ran}")


@click.command("privacy-screen")
@click.option(
    "--jobcentre",
    "municipality_code",
    type=int,
    help="Only this jobcentre's candidates: its municipality code, e.g. 760.",
)
def privacy_screen_command(municipality_code: int | None) -> None:
    """List stored texts a company can read that fail the screening of health words and
    identity (and CPR numbers anywhere), for the jobcentre to clean. Changes nothing and
    never prints the text itself."""

    jobcentre_id = None
    if municipality_code is not None:
        jobcentre_id = db.session.scalar(
            select(Jobcentre.id).where(Jobcentre.municipality_code == municipality_code)
        )
        if jobcentre_id is None:
            raise click.BadParameter("no jobcentre has this code", param_hint="--jobcentre")
    count = 0
    for found in stored_problems(jobcentre_id):
        count += 1
        click.echo(
            f"candidate={found.candidate_id}\tjobcentre={found.jobcentre}"
            f"\tfield={found.where}\tproblem={found.problem.value}"
        )
    click.echo(f"{count} stored texts fail the screening." if count else "No stored text fails.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Back up the database to PATH (PostgreSQL: pg_dump's custom format; SQLite: a copy made
    with its online backup API). Safe while the app runs. docs/OPERATIONS.md has the drill."""
    try:
        backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--clean", is_flag=True, help="Replace the tables of a database that has them.")
def restore_command(path: Path, clean: bool) -> None:
    """Restore the backup at PATH into the database (an empty one unless --clean). Stop the
    web, worker and cron processes first."""
    db.engine.dispose()  # hold no connection of our own to the database being replaced
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path, clean=clean)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path}. Run `flask db upgrade` if the code is newer than the backup.")


@click.command("rebuild-paid-months")
@click.option("--batch", default=1000, show_default=True, help="People per transaction.")
def rebuild_paid_months_command(batch: int) -> None:
    """Rebuild paid_months (who was touched by paid hours in which month: the jobcentre's
    figures) from the hour records, a batch of people per transaction, so a stopped run
    loses nothing and the next run starts again. Only needed after loading records by hand:
    every write of hours keeps it."""
    last, people, rows = 0, 0, 0
    while True:
        last, written = paid_months.rebuild(batch, after_id=last)
        if not last:
            break
        db.session.commit()
        people, rows = people + batch, rows + written
    click.echo(f"paid_months rebuilt: {rows} person-months for up to {people} people.")


@click.command("refresh-figures")
def refresh_figures_command() -> None:
    """Compute every jobcentre's figures now (figure_months), each in its own transaction:
    after rebuild-paid-months or a bulk load. The sweep keeps them otherwise."""
    done = figure_rollup.refresh_all()
    click.echo(f"figures refreshed for {done} jobcentres.")


def init_app(app: Flask) -> None:
    for command in (
        create_admin,
        seed_demo_command,
        worker_command,
        cron_command,
        sweep_command,
        privacy_screen_command,
        backup_command,
        restore_command,
        rebuild_paid_months_command,
        refresh_figures_command,
    ):
        app.cli.add_command(command)
