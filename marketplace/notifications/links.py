"""Where a notification about a row leads, for the recipient's role.

The core does not know the sides' pages: the composition root (app.py) registers, per table
and role, the endpoint that shows such a row, in app.config["SUBJECT_ENDPOINTS"].
"""

from __future__ import annotations

from flask import current_app, url_for

from marketplace.models import Notification


def subject_link(notification: Notification) -> str | None:
    if notification.recipient is None or notification.subject_id is None:
        return None
    endpoints = current_app.config.get("SUBJECT_ENDPOINTS", {})
    found = endpoints.get((notification.subject_type, notification.recipient.role))
    if found is None:
        return None
    endpoint, parameter = found
    return url_for(endpoint, **{parameter: notification.subject_id})
