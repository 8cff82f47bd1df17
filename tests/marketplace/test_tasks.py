"""The one table of periodic work (marketplace.tasks.PERIODIC): `flask cron` schedules every
scheduled row, `flask sweep` offers an option per row besides the sweep, and the sweep runs
the rows marked to run with it, each on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from marketplace import tasks
from marketplace.tasks import Periodic
from tests.support import cron_registrations


def test_flask_cron_schedules_every_scheduled_row_from_its_setting(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "DIGEST_CRON", "1 2 * * *")
    queue = app.config["RQ_QUEUE"]
    assert cron_registrations(app, monkeypatch) == [
        (tasks.sweep, queue, {"interval": app.config["SWEEP_INTERVAL_SECONDS"]}),
        (tasks.send_digests, queue, {"cron": "1 2 * * *"}),
        (tasks.send_hour_reminders, queue, {"cron": app.config["HOURS_REMINDER_CRON"]}),
        (tasks.apply_retention, queue, {"cron": app.config["RETENTION_CRON"]}),
    ]


def test_every_scheduled_row_names_a_setting_that_exists(app: Flask) -> None:
    for work in tasks.scheduled():
        setting = work.every or work.cron
        assert setting in app.config, work.name


def test_flask_sweep_offers_an_option_per_scheduled_row_besides_the_sweep(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["sweep", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--digests", "--hour-reminders", "--retention"):
        assert option in result.output
    assert "--sweep" not in result.output


def test_the_sweep_runs_each_row_marked_for_it_and_one_failure_stops_none(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def first(now: datetime) -> int:
        ran.append("first")
        return 2

    def broken(now: datetime) -> int:
        ran.append("broken")
        raise RuntimeError("a reminder with a bug")

    def last(now: datetime) -> int:
        ran.append("last")
        return 1

    monkeypatch.setattr(
        tasks,
        "PERIODIC",
        (
            Periodic("first", first, each_sweep=True),
            Periodic("digests", tasks.send_digests, cron="DIGEST_CRON"),
            Periodic("broken", broken, each_sweep=True),
            Periodic("last", last, each_sweep=True),
        ),
    )
    report = tasks.sweep()
    assert ran == ["first", "broken", "last"]
    assert report["reminders"] == 3


def test_the_reminders_and_the_figures_refresh_run_with_the_sweep() -> None:
    with_sweep = {work.name for work in tasks.PERIODIC if work.each_sweep}
    assert with_sweep == {"proposal-reminders", "placement-reminders", "assessments", "figures"}


def test_the_cron_loop_finds_each_rows_due_times_from_the_clock_in_utc() -> None:
    """Due times come from the clock alone, so a restarted or a second `flask cron` agrees on
    them (and on the job id made from them)."""
    monday_six = datetime(2026, 11, 30, 6, 0, tzinfo=UTC).timestamp()  # a Monday
    hours = tasks._Entry(tasks.send_hour_reminders, queue=None, interval=None, cron="0 6-11 * * 1")
    assert hours.latest_due(monday_six) == monday_six  # due at the very second counts
    previous_monday_eleven = datetime(2026, 11, 23, 11, 0, tzinfo=UTC).timestamp()
    assert hours.latest_due(monday_six - 1) == previous_monday_eleven
    assert hours.next_due(monday_six) == monday_six + 3600
    sweep = tasks._Entry(tasks.sweep, queue=None, interval=60, cron=None)
    assert sweep.latest_due(monday_six + 59.5) == monday_six
    assert sweep.next_due(monday_six + 59.5) == monday_six + 60
