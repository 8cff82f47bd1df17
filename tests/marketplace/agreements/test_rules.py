"""A jobcentre's ladder rules (marketplace.agreements.rules): the messages a broken rule
gives, in the reader's language with its decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import force_locale

from marketplace.agreements.rules import check_total_hours, rules_for
from marketplace.errors import DomainError
from marketplace.models import User


@pytest.mark.parametrize(("locale", "total", "limit"), [("da", "38,5", "37"), ("en", "38.5", "37")])
def test_too_many_hours_are_told_with_the_readers_decimals(
    app: Flask, consultant: User, locale: str, total: str, limit: str
):
    rules = rules_for(consultant.organisation_id)
    with app.test_request_context(), force_locale(locale):
        with pytest.raises(DomainError) as refused:
            check_total_hours(rules, Decimal("38.5"), Decimal(0))
        message = str(refused.value.message)
        assert f" {total} " in message
        assert f" {limit}." in message


def test_hours_with_other_placements_are_told_with_danish_decimals(app: Flask, consultant: User):
    rules = rules_for(consultant.organisation_id)
    with app.test_request_context(), force_locale("da"):
        with pytest.raises(DomainError) as refused:
            check_total_hours(rules, Decimal("20"), Decimal("17.5"))
        assert " 37,5 timer om ugen" in str(refused.value.message)
