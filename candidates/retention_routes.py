"""/jobcentre/erasures: the admin's log of what retention erased, and the rules in force."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from candidates.blueprint import bp
from marketplace.clock import LOCAL_TZ, utcnow
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import ErasureRecord, RetentionAction, RetentionKind, Role
from marketplace.privacy import retention
from marketplace.web.access import roles
from marketplace.web.pagination import page_arg, page_size, paged

PER_PAGE = 50

KIND_LABELS = {
    RetentionKind.IDENTITY.value: _l("Name, phone, e-mail and case reference"),
    RetentionKind.PROFILE.value: _l("Profile texts, limitations and the consultant's note"),
    RetentionKind.PROPOSALS.value: _l("Pitches and the companies' notes on proposals"),
    RetentionKind.CONSENTS.value: _l("Notes on consents"),
    RetentionKind.PLACEMENTS.value: _l("Placement texts: tasks, mentor, reasons, notes"),
    RetentionKind.HOUR_TEXTS.value: _l("Notes and reasons on hours, questions about weeks"),
    RetentionKind.HOUR_FIGURES.value: _l(
        "The hour figures: days and hours worked, confirmed weeks, questions about weeks"
    ),
    RetentionKind.NOTIFICATIONS.value: _l("Notifications about the person"),
    RetentionKind.ACCESS_LOG.value: _l("The log of who saw the person's data"),
}
ACTION_LABELS = {
    RetentionAction.ERASE.value: _l("Erased"),
    RetentionAction.PSEUDONYMISE.value: _l("Pseudonymised (figures kept)"),
}
# A rule says what will happen; the log says what did.
RULE_ACTION_LABELS = {
    RetentionAction.ERASE.value: _l("Erase"),
    RetentionAction.PSEUDONYMISE.value: _l("Pseudonymise (figures kept)"),
}


@bp.get("/jobcentre/erasures")
@roles(Role.ADMIN)
def erasures() -> ResponseReturnValue:
    # One COUNT and one page of the log, newest first; a page beyond the last is the last.
    result = paged(
        select(ErasureRecord)
        .where(ErasureRecord.jobcentre_id == current_user.organisation_id)
        .order_by(ErasureRecord.run_at.desc(), ErasureRecord.id.desc()),
        page_arg(),
        page_size(PER_PAGE),
    )
    return render_template(
        "candidates/erasures.html",
        result=result,
        page_url=lambda number: url_for("candidates.erasures", page=number),
        rules=retention.rules_in_force(utcnow().astimezone(LOCAL_TZ).date()),
        kind_labels=KIND_LABELS,
        action_labels=ACTION_LABELS,
        rule_action_labels=RULE_ACTION_LABELS,
    )
