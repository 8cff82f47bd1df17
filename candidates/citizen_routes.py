"""The citizen's copy of their data, for the consultant to hand over: one printable page and
one JSON file with everything held about the person (marketplace.privacy.citizen_copy). Only the
candidate's own jobcentre; making either is logged under the citizen's request."""

from __future__ import annotations

import json

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from candidates.blueprint import bp
from candidates.caseload import STAFF, _own
from candidates.proposal_forms import CONSENT_METHOD_LABELS
from marketplace.clock import utcnow
from marketplace.models import AccessPurpose, AccessSeen
from marketplace.privacy import access_log, citizen_copy
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.labels import HOUR_KIND_LABELS


def _logged_copy(candidate_id: int) -> citizen_copy.CitizenCopy:
    found = _own(candidate_id)
    access_log.record([found.id], AccessSeen.COPY)  # first, so the copy holds its own making
    return citizen_copy.collect(found)


@bp.get("/candidates/<id:candidate_id>/copy")
@roles(*STAFF)
@purpose(AccessPurpose.CITIZEN_REQUEST)
def citizen_copy_page(candidate_id: int) -> ResponseReturnValue:
    return render_template(
        "candidates/citizen_copy.html",
        copy=_logged_copy(candidate_id),
        made_at=utcnow(),
        consent_labels=CONSENT_METHOD_LABELS,
        hour_kind_labels=HOUR_KIND_LABELS,
    )


@bp.get("/candidates/<id:candidate_id>/copy.json")
@roles(*STAFF)
@purpose(AccessPurpose.CITIZEN_REQUEST)
def citizen_copy_json(candidate_id: int) -> ResponseReturnValue:
    made_at = utcnow()
    data = citizen_copy.as_json(_logged_copy(candidate_id), made_at, current_user)
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    name = f"data-{candidate_id}-{made_at.date().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
