"""The jobcentre side: pages for consultants and jobcentre admins."""

from candidates import (  # noqa: F401  (importing them attaches their views to bp)
    assessment_routes,
    caseload,
    citizen_routes,
    figures_routes,
    hours_routes,
    placement_routes,
    proposal_routes,
    retention_routes,
    routes,
    stuck_routes,
)
from candidates.blueprint import bp

__all__ = ["bp"]
