"""The shared form pieces of marketplace/web/forms.py."""

from __future__ import annotations

import pytest
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField
from wtforms.widgets import Select

from marketplace.i18n import lazy_gettext as _l
from marketplace.web.forms import QuickSelect, SelectField

CHOICES = [
    SelectChoice("", "Alle"),
    SelectChoice(1, 'Hanne <Kjær> & "Co"'),
    SelectChoice("a'b", "Café"),
    SelectChoice(True, "Ja"),
    SelectChoice("tom", ""),
    SelectChoice(7, _l("Municipality")),
]


@pytest.mark.parametrize("chosen", ["", "1", "a'b", "True", "tom", "7", "none of them"])
def test_the_quick_select_writes_what_wtforms_writes(app, chosen):
    class Quick(Form):
        field = SelectField("Felt", choices=CHOICES, validate_choice=False)

    class Plain(Form):
        field = WTFormsSelectField("Felt", choices=CHOICES, validate_choice=False)

    quick, plain = Quick(data={"field": chosen}), Plain(data={"field": chosen})
    with app.test_request_context():
        assert str(quick.field()) == str(plain.field())
        assert "&lt;Kjær&gt; &amp; &#34;Co&#34;" in str(quick.field())


ATTRIBUTES = [SelectChoice("1", "En", {"disabled": True}), SelectChoice("2", "To")]


def test_an_option_with_its_own_attributes_is_left_to_wtforms(app):
    class Quick(Form):
        field = SelectField("Felt", choices=ATTRIBUTES)

    class Plain(Form):
        field = WTFormsSelectField("Felt", choices=ATTRIBUTES)

    assert isinstance(Quick().field.widget, QuickSelect)
    assert isinstance(Plain().field.widget, Select)
    assert str(Quick().field()) == str(Plain().field())
    assert 'disabled value="1"' in str(Quick().field())


def test_a_month_input_holds_only_a_real_month():
    from marketplace.web.forms import holds

    assert holds("month", "2026-11")
    assert holds("month", "")
    assert not holds("month", "2026-13")
    assert not holds("month", "nov")
    assert not holds("month", "2026-11-01")
