"""The company side: pages for employers."""

from flask import Blueprint

bp = Blueprint("employers", __name__, url_prefix="/company")

from employers import hours_link_routes, hours_routes, placement_routes, proposal_routes, routes  # noqa: E402, F401  (they attach to bp)
