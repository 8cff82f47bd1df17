"""The company's pages."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from employers import bp
from marketplace.access import roles
from marketplace.auth import team
from marketplace.models import Role


@bp.get("/")
@roles(Role.EMPLOYER)
def home() -> ResponseReturnValue:
    company = current_user.organisation
    return render_template(
        "employers/home.html", company=company, colleagues=team.members(company.id)
    )
