"""The citizen's access log (CJEU C-579/21): who saw the person's identity, when and why.

A route that shows identity declares its purpose once, beside its roles:

    @bp.get("/candidates/<id:candidate_id>")
    @roles(*STAFF)
    @purpose(AccessPurpose.CASE_WORK)
    def candidate(...): ...

and the code that shows names calls `record(candidate_ids, AccessSeen.X)`, which reads the
purpose from the route being served (a route that shows identity without declaring one is a
programming error, raised at once). `record()` writes one INSERT for all the candidates it is
given (a list page, an export's batch), never one per row, and flushes like any domain
function; an after-request hook commits the rows of a page that was served, so a GET page
needs no commit of its own. Exports that stream commit their rows before the first byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import func, insert, select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import AccessLogEntry, AccessPurpose, AccessSeen, Organisation, User
from marketplace.web import transactions

F = TypeVar("F", bound=Callable[..., Any])

BATCH = 500  # rows per INSERT: 7 parameters each, far below SQLite's and PostgreSQL's limits
PER_PAGE = 20
_PENDING = "access_log_pending"

PURPOSE_LABELS = {
    AccessPurpose.CASE_WORK.value: _l("for the work on the person's case"),
    AccessPurpose.PROPOSING.value: _l("to propose the person for a job"),
    AccessPurpose.TRIAL_VISIT.value: _l("to agree a trial visit or the start"),
    AccessPurpose.PLACEMENT.value: _l("to follow the placement"),
    AccessPurpose.HOURS.value: _l("to follow the hours worked"),
    AccessPurpose.PAYROLL.value: _l("for payroll"),
    AccessPurpose.HOURS_REPORT.value: _l("for the jobcentre's account of hours"),
    AccessPurpose.CITIZEN_REQUEST.value: _l("because the person asked for a copy of their data"),
}

SEEN_LABELS = {
    AccessSeen.NAME_PHONE.value: _l("saw name and phone"),
    AccessSeen.PROFILE.value: _l("saw name, phone, e-mail and case reference"),
    AccessSeen.NAME.value: _l("saw the name"),
    AccessSeen.LIST.value: _l("saw name and case reference in the list of candidates"),
    AccessSeen.SEARCH.value: _l("found name and case reference by searching the candidates"),
    AccessSeen.EXPORT_NAME.value: _l("took name and hours out in a file"),
    AccessSeen.EXPORT_CASE.value: _l("took case reference and hours out in a file"),
    AccessSeen.COPY.value: _l("made a copy of all data about the person"),
}


# -- Declaring a route's purpose ------------------------------------------------------------


def purpose(code: AccessPurpose) -> Callable[[F], F]:
    """Why this route shows identity; `record()` writes it on every row the route logs."""

    def decorate(view: F) -> F:
        view.access_purpose = code  # type: ignore[attr-defined]
        return view

    return decorate


def purpose_of(endpoint: str) -> AccessPurpose | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_purpose", None)


def _route_purpose() -> AccessPurpose:
    endpoint = request.endpoint if has_request_context() else None
    found = purpose_of(endpoint) if endpoint else None
    if found is None:
        raise RuntimeError(
            f"{endpoint or 'code outside a request'} shows identity but declares no purpose"
            " (@access_log.purpose)"
        )
    return found


# -- Writing --------------------------------------------------------------------------------


def record(candidate_ids: Iterable[int], seen: AccessSeen, viewer: User | None = None) -> int:
    """Log one showing per candidate to the current user, under the route's purpose.

    One INSERT per BATCH candidates (a page or an export batch is one statement). Flushes;
    the after-request hook (or a streaming export) commits. Returns the number of rows.
    """
    ids = sorted(set(candidate_ids))
    if not ids:
        return 0
    who = viewer if viewer is not None else current_user._get_current_object()
    code = _route_purpose().value
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        db.session.execute(
            insert(AccessLogEntry.__table__).values(
                [
                    {
                        "candidate_id": candidate_id,
                        "viewer_id": who.id,
                        "organisation_id": who.organisation_id,
                        "purpose": code,
                        "seen": seen.value,
                        "at": now,
                    }
                    for candidate_id in ids[start : start + BATCH]
                ]
            )
        )
    db.session.info[_PENDING] = True
    return len(ids)


def _commit_served(response: Response) -> Response:
    """A page that showed identity was served: its log rows are kept.

    A refused action rolled back before its page was rendered again, so this commits only
    the showing. If the commit fails, the page is not sent (a 500 instead): no showing
    without its row.
    """
    if db.session.info.pop(_PENDING, False):
        transactions.commit_served()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_commit_served)


# -- Reading, for the citizen ---------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    at: datetime
    viewer: str
    organisation: str
    seen: str
    purpose: str

    def sentence(self) -> str:
        """Like "Hanne Kjær, Brugsen Skjern, saw name and phone 3 Dec 2026 - to agree …"."""
        return _(
            "%(who)s, %(organisation)s, %(seen)s %(day)s - %(purpose)s",
            who=self.viewer,
            organisation=self.organisation,
            seen=SEEN_LABELS[self.seen],
            day=format_date(self.at, "medium"),
            purpose=PURPOSE_LABELS[self.purpose],
        )


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLine]
    total: int
    page: int
    pages: int


def _lines_query(candidate_id: int) -> Any:
    return (
        select(
            AccessLogEntry.at,
            User.name,
            Organisation.name,
            AccessLogEntry.seen,
            AccessLogEntry.purpose,
        )
        .join(User, User.id == AccessLogEntry.viewer_id)
        .join(Organisation, Organisation.id == AccessLogEntry.organisation_id)
        .where(AccessLogEntry.candidate_id == candidate_id)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    )


def for_candidate(candidate_id: int, page: int, per_page: int = PER_PAGE) -> LogPage:
    """One COUNT and one page of lines, newest first, however long the log is."""
    total = (
        db.session.scalar(
            select(func.count(AccessLogEntry.id)).where(AccessLogEntry.candidate_id == candidate_id)
        )
        or 0
    )
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    rows = db.session.execute(
        _lines_query(candidate_id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return LogPage(lines=[LogLine(*row) for row in rows], total=total, page=page, pages=pages)


def all_for_candidate(candidate_id: int) -> list[LogLine]:
    """The whole log, newest first (the citizen's copy holds all of it)."""
    return [LogLine(*row) for row in db.session.execute(_lines_query(candidate_id))]
