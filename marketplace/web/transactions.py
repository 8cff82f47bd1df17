"""The one owner of a request's transaction.

Domain code flushes and never commits: a route's change is one transaction, committed once by
`saving()` after the domain has done everything, or rolled back as a whole. A domain rule
broken on the way (DomainError) is shown where the user looks: beside its form field, above
the form when it names no field of the form, or as a flash message for a button without a
form of its own. A form the other side changed meanwhile (a stale version) is the same: the
message is shown and nothing is saved.

    with saving(form) as saved:
        companies.save_workplace(company, data, workplace)
    if saved:
        flash(...)
        return redirect(...)
    return render_template(..., form=form)  # the error is beside its field

Rows a page writes while reading (the access log of who saw a person) are committed by
`commit_served()` after the page is rendered, through the same owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash
from flask_babel import LazyString
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.web.forms import show_domain_error


class Saved:
    """What `saving()` did: true when the change was committed. Otherwise `error` is the
    domain's refusal (shown already unless `quiet`), or the block chose `roll_back()`."""

    def __init__(self) -> None:
        self.error: DomainError | None = None
        self.rolled_back = False
        self.flashed = False

    def roll_back(self) -> None:
        """Keep nothing of this block (a result that is not an exception says no)."""
        self.rolled_back = True

    def __bool__(self) -> bool:
        return self.error is None and not self.rolled_back


def _show(saved: Saved, form: FlaskForm | None, flash_unplaced: bool) -> None:
    error = saved.error
    assert error is not None
    unplaced = error.field is None or not isinstance(getattr(form, error.field, None), Field)
    if form is not None and not (flash_unplaced and unplaced):
        show_domain_error(form, error)
    else:
        flash(str(error.message), "error")
        saved.flashed = True


@contextmanager
def saving(
    form: FlaskForm | None = None,
    *,
    stale: LazyString | str | None = None,
    flash_unplaced: bool = False,
    quiet: bool = False,
) -> Iterator[Saved]:
    """Commit what the block did. On a DomainError (or, given `stale`, a stale version) roll
    back everything the request wrote and show the message: beside the form's field, above
    the form, or as a flash when there is no form. `flash_unplaced`: an error that names no
    field of the form is flashed instead (the caller redirects, `saved.flashed`). `quiet`:
    show nothing, the caller shows `saved.error` its own way."""
    saved = Saved()
    try:
        yield saved
        if saved.rolled_back:
            db.session.rollback()
        else:
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        saved.error = error
    except StaleDataError:
        if stale is None:
            raise
        db.session.rollback()
        saved.error = DomainError(stale)
    if saved.error is not None and not quiet:
        _show(saved, form, flash_unplaced)


def commit_served() -> None:
    """Commit rows written while a page was read (audit rows), once it is rendered."""
    db.session.commit()
