"""The company's placement form: offering paid hours."""

from __future__ import annotations

from wtforms import BooleanField

from marketplace.i18n import lazy_gettext as _l
from marketplace.placements.forms import StepForm
from marketplace.web.forms import LocalDecimalField, input_required


class PaidOfferForm(StepForm):
    hourly_wage = LocalDecimalField(
        _l("Hourly wage (kr.)"),
        validators=[input_required()],
        description=_l("At least the agreement wage of the job."),
    )
    praktik_continues = BooleanField(
        _l("Praktik goes on beside the paid hours (combined)"),
        description=_l("Each part keeps its own tasks and hours."),
    )
