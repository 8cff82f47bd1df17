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

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.web.forms import show_domain_error


class Saved:
    """What `saving()` did: true when the change was committed; else the error shown."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def refuse(error: DomainError, form: FlaskForm | None = None) -> None:
    """Roll back everything the request wrote and show why."""
    db.session.rollback()
    if form is not None and (error.field is None or hasattr(form, error.field)):
        show_domain_error(form, error)
    else:
        flash(str(error.message), "error")


@contextmanager
def saving(
    form: FlaskForm | None = None, *, stale: LazyString | str | None = None
) -> Iterator[Saved]:
    """Commit what the block did; on a DomainError (or, given `stale`, a stale version) roll
    back and show the message beside the form's field, above the form, or as a flash."""
    saved = Saved()
    try:
        yield saved
        db.session.commit()
    except DomainError as error:
        saved.error = error
        refuse(error, form)
    except StaleDataError:
        if stale is None:
            raise
        saved.error = DomainError(stale)
        refuse(saved.error, form)


def commit_served() -> None:
    """Commit rows written while a page was read (audit rows), once it is rendered."""
    db.session.commit()
