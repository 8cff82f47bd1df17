"""The jobcentre side: pages for consultants and jobcentre admins."""

from flask import Blueprint

bp = Blueprint("candidates", __name__)

from candidates import (  # noqa: E402, F401  (they attach to bp)
    caseload,
    citizen_routes,
    hours_routes,
    placement_routes,
    proposal_routes,
    retention_routes,
    routes,
)
