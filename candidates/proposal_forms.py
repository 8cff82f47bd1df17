"""The consultant's forms for proposals and consent."""

from __future__ import annotations

from wtforms import RadioField, SelectChoice, TextAreaField

from marketplace.i18n import lazy_gettext as _l
from marketplace.web.forms import Form, max_length, optional, required

CONSENT_METHOD_LABELS = {
    "in_person": _l("In person, at a meeting"),
    "phone": _l("By phone"),
    "written": _l("In writing"),
}


class ProposeForm(Form):
    pitch = TextAreaField(
        _l("A few words for the company"),
        validators=[required(), max_length(600)],
        description=_l(
            "Why this person fits the job. No name, phone, e-mail or case reference:"
            " the company sees the profile under a pseudonym."
        ),
    )


class ConsentForm(Form):
    method = RadioField(
        _l("How did the person give consent?"),
        choices=[SelectChoice(code, label) for code, label in CONSENT_METHOD_LABELS.items()],
        validators=[required()],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[optional(), max_length(500)])
