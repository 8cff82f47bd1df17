"""The consultant filter of the jobcentre's figure pages (/jobcentre/figures and
/jobcentre/stuck): everyone in the jobcentre, or one consultant's candidates. A GET form: it
changes nothing, so it carries no CSRF token; a value not on the list gets its message beside
the field and the page shows its default meanwhile."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice

from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import User
from marketplace.web.forms import Form, SelectField

ALL = "all"


class ConsultantFilterForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    consultant = SelectField(
        _l("Consultant"), invalid_choice_message=_l("Choose a consultant from the list.")
    )

    def offer(self, staff: Iterable[User]) -> None:
        """Everyone, then each of the jobcentre's staff by name."""
        self.consultant.choices = [
            SelectChoice(ALL, _("Everyone in the jobcentre")),
            *(SelectChoice(str(user.id), user.name) for user in staff),
        ]

    def chosen(self, default: str = ALL) -> tuple[str, int | None]:
        """The choice as the form shows it (`default` for one refused) and the consultant's
        id it stands for (None: everyone)."""
        chosen = self.consultant.data if not self.consultant.errors else default
        if chosen in (ALL, None):
            return ALL, None
        return chosen, int(chosen)
