"""The composition root: the core app with both sides registered on it.

`flask --app app ...` and `gunicorn app:app` use the module-level `app`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from candidates import bp as candidates_bp
from employers import bp as employers_bp
from marketplace import build_app
from marketplace.models import Role

HOME_ENDPOINTS = {
    Role.EMPLOYER.value: "employers.home",
    Role.CONSULTANT.value: "candidates.placements_home",
    Role.ADMIN.value: "candidates.jobcentre",
}


# Which page shows a row a notification is about, per table and recipient role.
SUBJECT_ENDPOINTS = {
    ("proposals", Role.EMPLOYER.value): ("employers.proposal", "proposal_id"),
    ("proposals", Role.CONSULTANT.value): ("candidates.proposal", "proposal_id"),
    ("proposals", Role.ADMIN.value): ("candidates.proposal", "proposal_id"),
    ("placements", Role.EMPLOYER.value): ("employers.placement", "placement_id"),
    ("placements", Role.CONSULTANT.value): ("candidates.placement", "placement_id"),
    ("placements", Role.ADMIN.value): ("candidates.placement", "placement_id"),
    ("hour_reminders", Role.EMPLOYER.value): ("employers.hours_reminder", "reminder_id"),
    ("assessments", Role.EMPLOYER.value): ("employers.assessment", "assessment_id"),
    ("assessments", Role.CONSULTANT.value): ("candidates.assessment", "assessment_id"),
    ("assessments", Role.ADMIN.value): ("candidates.assessment", "assessment_id"),
}


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = build_app(overrides)
    app.config["HOME_ENDPOINTS"] = HOME_ENDPOINTS
    app.config["SUBJECT_ENDPOINTS"] = SUBJECT_ENDPOINTS
    # The page the weekly hours reminder's one-click link opens (marketplace.hours.reminders).
    app.config["HOURS_LINK_ENDPOINT"] = "employers.hours_link"
    app.register_blueprint(employers_bp)
    app.register_blueprint(candidates_bp)
    return app


app = create_app()
