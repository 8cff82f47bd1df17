"""Login, logout, company sign-up, invitations and the team page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from marketplace.auth import routes  # noqa: E402, F401  (routes attach themselves to bp)
