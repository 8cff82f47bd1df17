"""The notification list on the page: each user's own, newest first; e-mail settings; and
the one-click unsubscribe an e-mail's List-Unsubscribe header points at."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_time
from flask_login import current_user
from sqlalchemy import func, select, update
from wtforms import RadioField, SelectChoice

from marketplace.clock import utcnow
from marketplace.extensions import csrf, db, limiter
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import AccessPurpose, EmailPreference, Notification, Role
from marketplace.notifications import unsubscribe as unsubscribing
from marketplace.notifications.kinds import KINDS, texts
from marketplace.web.access import ALL_ROLES, public, roles
from marketplace.web.forms import EmptyForm, Form
from marketplace.web.navigation import safe_next
from marketplace.web.pagination import page_arg, page_size, paged
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
    # One COUNT and one page of rows, newest first; a page beyond the last is the last.
    result = paged(
        select(Notification)
        .where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page_arg(),
        page_size(PAGE_SIZE),
    )
    read = texts(result.items, current_user)
    items = [
        {
            "n": n,
            "headline": read[n.id].headline,
            "summary": read[n.id].summary,
            "when": when(n.created_at),
            "unread": n.read_at is None,
        }
        for n in result.items
    ]
    return render_template(
        "notifications/index.html",
        items=items,
        result=result,
        page_url=lambda number: url_for("inbox.index", page=number),
        button=EmptyForm(),
    )


# A notification names the person as its reader may see them, and privacy.naming logs each
# name it shows under the route's purpose. This is what privacy.access_log.purpose() sets;
# the notifications layer sits below privacy and may not import it. E-mails are written in
# this route's context (delivery.INBOX_PATH), so their names are logged under it too.
index.access_purpose = AccessPurpose.PLACEMENT  # type: ignore[attr-defined]


def when(moment: datetime) -> str:
    """ "7. dec. 2026 kl. 10.05": the reader's language, Copenhagen time."""
    return _(
        "%(day)s at %(time)s", day=format_date(moment, "medium"), time=format_time(moment, "short")
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


# -- One-click unsubscribe (RFC 8058) ----------------------------------------------------------


def _unsubscribe_limit() -> str:
    return current_app.config["UNSUBSCRIBE_LIMIT_PER_ADDRESS"]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # a mail client posts "List-Unsubscribe=One-Click" with no session: the
# signed token is the check (notifications.unsubscribe)
@limiter.limit(_unsubscribe_limit)
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET asks (a link scanner that follows it changes nothing); POST stops the e-mail,
    whether a mail client sends it in one click or the person presses the page's button."""
    found = unsubscribing.of_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", state="invalid"), 404
    if request.method == "GET":
        state = "off" if found.user.email_preference == EmailPreference.OFF else "ask"
        return render_template("notifications/unsubscribe.html", state=state, token=token)
    with saving():
        unsubscribing.stop_email(found.user)
    return render_template("notifications/unsubscribe.html", state="done")


def init_app(app: object) -> None:
    app.register_blueprint(bp)  # type: ignore[attr-defined]

    @app.context_processor  # type: ignore[attr-defined]
    def unread_in_header() -> dict[str, int]:
        if current_user and current_user.is_authenticated:
            return {"unread_notifications": unread_count(current_user.id)}
        return {"unread_notifications": 0}
