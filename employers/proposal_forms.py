"""The company's forms for answering a proposal."""

from __future__ import annotations

from wtforms import DateField, RadioField, SelectChoice, TextAreaField

from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Job
from marketplace.web.forms import Form, input_required, max_length, optional, required
from marketplace.web.labels import DECLINE_REASON_LABELS

FIRST_STEP_LABELS = {
    "trial": _l("A trial visit (snusepraktik)"),
    "praktik": _l("A work placement: the jobcentre proposes the agreement"),
    "paid": _l("Paid hours: you offer them next"),
}


class AcceptForm(Form):
    first_step = RadioField(_l("Start with"), validators=[required()])
    suggested_start = DateField(
        _l("First day"),
        validators=[input_required()],
        description=_l("The jobcentre confirms the day with the person."),
    )
    trial_end = DateField(
        _l("Last day of the trial visit"),
        validators=[optional()],
        description=_l("Only for a trial visit. Leave it empty for a visit of two days."),
    )

    def offer(self, job: Job) -> None:
        """Only the steps the job offers, the first of them chosen unless the user chose."""
        offered = {
            "trial": job.offers_trial_visit,
            "praktik": job.offers_praktik,
            "paid": job.offers_paid_direct,
        }
        self.first_step.choices = [
            SelectChoice(code, label) for code, label in FIRST_STEP_LABELS.items() if offered[code]
        ]
        if self.first_step.data is None and self.first_step.choices:
            self.first_step.data = self.first_step.choices[0].value


class DeclineForm(Form):
    reason = RadioField(
        _l("Why not?"),
        choices=[SelectChoice(code, label) for code, label in DECLINE_REASON_LABELS.items()],
        validators=[required()],
    )
    note = TextAreaField(
        _l("A few words for the jobcentre (optional)"), validators=[optional(), max_length(500)]
    )
