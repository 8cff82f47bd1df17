"""The notification list on the page: each user's own, newest first; and e-mail settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select, update
from wtforms import RadioField, SelectChoice

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import EmailPreference, Notification, Role
from marketplace.notifications.kinds import KINDS, render_text
from marketplace.web.access import ALL_ROLES, roles
from marketplace.web.forms import EmptyForm, Form
from marketplace.web.navigation import safe_next
from marketplace.web.pagination import page_arg
from marketplace.web.transactions import saving

bp = Blueprint("inbox", __name__, url_prefix="/notifications")

PAGE_SIZE = 20
EVERYONE = tuple(Role(r) for r in sorted(ALL_ROLES))


class PreferenceForm(Form):
    email_preference = RadioField(
        _l("E-mail about notifications"),
        choices=[
            SelectChoice(EmailPreference.IMMEDIATE.value, _l("At once")),
            SelectChoice(EmailPreference.DAILY.value, _l("Once a day, in a digest")),
            SelectChoice(EmailPreference.OFF.value, _l("No e-mail; I look on the page")),
        ],
    )


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def _own_or_404(notification_id: int) -> Notification:
    # Notifications belong to one person, not to an organisation: colleagues' are 404 too.
    found = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient_id == current_user.id
        )
    )
    if found is None:
        abort(404)
    return found


@bp.get("/")
@roles(*EVERYONE)
def index() -> ResponseReturnValue:
    page = page_arg()
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    items = [
        {"n": n, "summary": render_text(KINDS[n.kind].summary, n), "unread": n.read_at is None}
        for n in rows[:PAGE_SIZE]
    ]
    return render_template(
        "notifications/index.html",
        items=items,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        button=EmptyForm(),
    )


@bp.get("/<id:notification_id>")
@roles(*EVERYONE)
def open_item(notification_id: int) -> ResponseReturnValue:
    """Follow a notification: it is read from then on, and the user lands on its subject."""
    notification = _own_or_404(notification_id)
    if notification.read_at is None:
        with saving():
            notification.read_at = utcnow()
    link = KINDS[notification.kind].link(notification)
    return redirect(safe_next(link) or url_for("inbox.index"))


@bp.post("/<id:notification_id>/read")
@roles(*EVERYONE)
def mark_read(notification_id: int) -> ResponseReturnValue:
    notification = _own_or_404(notification_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if notification.read_at is None:
        with saving():
            notification.read_at = utcnow()
    return redirect(url_for("inbox.index"))


@bp.post("/read-all")
@roles(*EVERYONE)
def mark_all_read() -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        db.session.execute(
            update(Notification)
            .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    if saved:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("inbox.index"))


@bp.route("/settings", methods=["GET", "POST"])
@roles(*EVERYONE)
def settings() -> ResponseReturnValue:
    form = PreferenceForm(email_preference=current_user.email_preference)
    if form.validate_on_submit():
        with saving(form) as saved:
            current_user.email_preference = form.email_preference.data
        if saved:
            flash(_("Your e-mail settings are saved."), "success")
            return redirect(url_for("inbox.settings"))
    return render_template("notifications/settings.html", form=form)


def init_app(app: object) -> None:
    app.register_blueprint(bp)  # type: ignore[attr-defined]

    @app.context_processor  # type: ignore[attr-defined]
    def unread_in_header() -> dict[str, int]:
        if current_user and current_user.is_authenticated:
            return {"unread_notifications": unread_count(current_user.id)}
        return {"unread_notifications": 0}
