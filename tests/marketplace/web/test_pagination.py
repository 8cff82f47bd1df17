"""paged(): one page of any ordered SELECT with the number of all its rows (issue 16), the same
page and total a separate COUNT and slice give, on either database."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Municipality
from marketplace.web.pagination import paged


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.integers(min_value=0, max_value=30),
    per_page=st.integers(min_value=1, max_value=7),
    page=st.integers(min_value=1, max_value=12),
)
def test_a_page_holds_the_slice_of_its_number_and_the_total_of_all_rows(app, rows, per_page, page):
    # The first `rows` municipalities (seeded by the migrations) in a descending order.
    every = db.session.scalars(select(Municipality.code).order_by(Municipality.code)).all()
    cut = every[rows - 1] if rows else -1
    statement = (
        select(Municipality.code).where(Municipality.code <= cut).order_by(Municipality.code.desc())
    )
    expected = sorted(every[:rows], reverse=True)
    last = max(1, -(-rows // per_page))
    shown = min(page, last)  # a page past the last shows the last

    result = paged(statement, page, per_page)

    assert result.total == rows
    assert result.page == shown
    assert result.pages == last
    assert result.items == expected[(shown - 1) * per_page : shown * per_page]


def test_a_page_is_one_statement_and_an_empty_one_two(app, count_queries):
    statement = select(Municipality.code).order_by(Municipality.code)
    with count_queries() as one:
        assert len(paged(statement, 2, 10).items) == 10
    with count_queries() as past_the_last:
        assert paged(statement.where(Municipality.code < 0), 3, 10).items == []
    assert one.count == 1
    assert past_the_last.count == 2


def test_a_page_of_several_columns_maps_their_labels(app):
    statement = select(Municipality.code, Municipality.name.label("called")).order_by(
        Municipality.code
    )
    first = paged(statement, 1, 3)
    assert first.total == db.session.scalar(select(func.count(Municipality.code)))
    assert [set(item) for item in first.items] == [{"code", "called"}] * 3
    assert first.items[0]["code"] < first.items[1]["code"]
