from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale


def test_times_are_shown_in_copenhagen_and_formatted_per_locale(app):
    summer_noon_utc = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("da"):
            danish = render_template_string("{{ t | datetime('short') }}", t=summer_noon_utc)
            number = render_template_string("{{ n | number }}", n=1234.5)
            money = render_template_string("{{ n | money }}", n=Decimal("142.5"))
        with force_locale("en"):
            english = render_template_string("{{ t | datetime('short') }}", t=summer_noon_utc)
    assert "12.00" in danish  # CEST is UTC+2, Danish uses a dot in times
    assert danish.startswith("01.07.2026")
    assert "12:00" in english
    assert number == "1.234,5"
    assert money == "142,50"


def test_naive_datetimes_are_refused_by_the_database_layer(app):
    import pytest

    from marketplace.models.base import UTCDateTime

    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)  # noqa: DTZ001


def test_templates_follow_a_forced_locale_and_back_within_one_request(app):
    # The templates' _() keeps the catalogue per request (marketplace.i18n.translations), so
    # an e-mail rendered in the recipient's language must still switch it, and switch back.
    page = "{{ _('Log in') }} / {{ ngettext('%(num)d open job', '%(num)d open jobs', 2) }}"
    with app.test_request_context(headers={"Accept-Language": "da"}):
        before = render_template_string(page)
        with force_locale("en"):
            english = render_template_string(page)
            with force_locale("da"):
                danish_inside = render_template_string(page)
        after = render_template_string(page)
    assert english == "Log in / 2 open jobs"
    assert before == after == danish_inside == "Log ind / 2 åbne job"


@pytest.mark.parametrize("locale", ["da", "en"])
def test_numbers_are_written_as_babel_writes_them(app, locale):
    """The number filter's own writing of whole numbers and decimals equals babel's."""
    from flask_babel import force_locale, format_decimal
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from marketplace.i18n import _fmt_number

    with app.test_request_context("/"), force_locale(locale):

        @settings(max_examples=400, deadline=None)
        @given(
            st.integers(-(10**12), 10**12)
            | st.decimals(-(10**9), 10**9, allow_nan=False, allow_infinity=False, places=4)
            | st.decimals(-(10**6), 10**6, allow_nan=False, allow_infinity=False)
        )
        def check(value):
            assert _fmt_number(value) == format_decimal(value), value

        check()
        assert _fmt_number(Decimal("2.5")) == ("2,5" if locale == "da" else "2.5")
        assert _fmt_number(Decimal("0.0005")) == "0"  # half to even, as babel
        assert _fmt_number(Decimal("-0.0004")) == format_decimal(Decimal("-0.0004"))
        assert _fmt_number(1234567) == ("1.234.567" if locale == "da" else "1,234,567")
