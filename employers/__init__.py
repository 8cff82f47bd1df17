"""The company side: pages for employers."""

from employers import (  # noqa: F401  (importing them attaches their views to bp)
    assessment_routes,
    hours_link_routes,
    hours_routes,
    placement_routes,
    proposal_routes,
    routes,
)
from employers.blueprint import bp

__all__ = ["bp"]
