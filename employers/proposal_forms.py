"""The company's forms for answering a proposal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, TextAreaField

from marketplace.forms import Form, input_required, max_length, optional, required
from marketplace.labels import DECLINE_REASON_LABELS


class AcceptForm(Form):
    suggested_start = DateField(
        _l("First day of the trial visit"),
        validators=[input_required()],
        description=_l("The jobcentre confirms the day with the person."),
    )


class DeclineForm(Form):
    reason = RadioField(
        _l("Why not?"),
        choices=[SelectChoice(code, label) for code, label in DECLINE_REASON_LABELS.items()],
        validators=[required()],
    )
    note = TextAreaField(
        _l("A few words for the jobcentre (optional)"), validators=[optional(), max_length(500)]
    )
