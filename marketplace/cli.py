"""Flask commands: create-admin, seed-demo, worker."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from marketplace.auth.passwords import hash_password, password_problem
from marketplace.auth.signup import email_taken
from marketplace.extensions import db
from marketplace.models import Jobcentre, Municipality, OrgKind, Role, User


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
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(str(problem), param_hint="--password")
    jobcentre = db.session.scalar(
        select(Jobcentre).where(Jobcentre.municipality_code == municipality_code)
    )
    if jobcentre is None:
        jobcentre = Jobcentre(
            name=f"Jobcenter {municipality.name}", municipality_code=municipality_code
        )
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
    from marketplace.demo import seed_demo

    if db.engine.dialect.name != "sqlite" and not allow_non_sqlite:
        raise click.UsageError("demo data is for the local SQLite database; see --allow-non-sqlite")
    added = seed_demo()
    db.session.commit()
    click.echo(f"Demo data: {added} rows added." if added else "Demo data: already loaded.")


@click.command("worker")
def worker_command() -> None:
    """Run an rq worker with its scheduler (needs REDIS_URL)."""
    from rq import Worker

    from marketplace.queue import get_queue, redis_connection

    connection = redis_connection()
    if connection is None:
        raise click.UsageError("REDIS_URL is not set; without Redis, tasks run in the web process")
    Worker([get_queue()], connection=connection).work(with_scheduler=True)


def init_app(app: Flask) -> None:
    for command in (create_admin, seed_demo_command, worker_command):
        app.cli.add_command(command)
