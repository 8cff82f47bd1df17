"""Page numbers from the query string: never below 1, never beyond what SQL can offset."""

from __future__ import annotations

from flask import request

MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    page = request.args.get(name, 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
