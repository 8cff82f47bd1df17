"""The one transaction owner (marketplace.web.transactions): what `saving()` keeps, what it
rolls back, and where it shows a refusal."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import StringField

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Company
from marketplace.web.transactions import saving


class NoteForm(FlaskForm):
    note = StringField("Note")


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/", method="POST"):
        yield


@pytest.fixture
def form(request_context: None) -> NoteForm:
    return NoteForm(meta={"csrf": False})


def names() -> list[str]:
    return list(db.session.scalars(select(Company.name).order_by(Company.name)))


def test_a_block_that_succeeds_is_committed(form, make_company: Callable[..., Company]):
    with saving(form) as saved:
        make_company(name="Brugsen Ådum")
    db.session.rollback()  # nothing left to roll back: it was committed
    assert saved
    assert saved.error is None
    assert "Brugsen Ådum" in names()
    assert not form.errors
    assert not form.form_errors


def test_a_domain_error_rolls_back_all_and_shows_beside_its_field(form, make_company):
    with saving(form) as saved:
        make_company(name="Brugsen Ådum")
        raise DomainError("Too long.", field="note")
    assert not saved
    assert str(saved.error.message) == "Too long."
    assert "Brugsen Ådum" not in names()
    assert form.note.errors == ["Too long."]
    assert get_flashed_messages() == []


def test_an_error_of_no_field_goes_above_the_form(form):
    with saving(form) as saved:
        raise DomainError("A colleague answered first.")
    assert not saved
    assert form.form_errors == ["A colleague answered first."]
    assert not saved.flashed


def test_without_a_form_the_error_is_flashed(request_context):
    with saving() as saved:
        raise DomainError("The job is closed.")
    assert not saved
    assert saved.flashed
    assert get_flashed_messages(with_categories=True) == [("error", "The job is closed.")]


def test_flash_unplaced_flashes_an_error_that_names_no_field_of_the_form(form):
    with saving(form, flash_unplaced=True) as saved:
        raise DomainError("Gone.", field="not_a_field")
    assert saved.flashed
    assert form.form_errors == []
    assert get_flashed_messages() == ["Gone."]


def test_flash_unplaced_still_puts_an_error_beside_a_field_of_the_form(form):
    with saving(form, flash_unplaced=True) as saved:
        raise DomainError("Too long.", field="note")
    assert not saved.flashed
    assert form.note.errors == ["Too long."]


def test_quiet_rolls_back_and_shows_nothing(form, make_company):
    with saving(form, quiet=True) as saved:
        make_company(name="Brugsen Ådum")
        raise DomainError("Too long.", field="note")
    assert "Brugsen Ådum" not in names()
    assert str(saved.error.message) == "Too long."
    assert not form.note.errors
    assert get_flashed_messages() == []


def test_roll_back_keeps_nothing_without_an_exception(form, make_company):
    with saving(form) as saved:
        make_company(name="Brugsen Ådum")
        saved.roll_back()
    assert not saved
    assert saved.error is None
    assert "Brugsen Ådum" not in names()


def test_a_stale_version_is_shown_when_asked_for(form, make_company):
    with saving(form, stale="Someone else saved first.") as saved:
        make_company(name="Brugsen Ådum")
        raise StaleDataError("version")
    assert not saved
    assert form.form_errors == ["Someone else saved first."]
    assert "Brugsen Ådum" not in names()


def test_a_stale_version_is_no_domain_error_unless_asked_for(form):
    with pytest.raises(StaleDataError), saving(form):
        raise StaleDataError("version")


def test_any_other_exception_is_not_swallowed(form):
    with pytest.raises(ZeroDivisionError), saving(form):
        _ = 1 / 0
