"""contains(): Danish capitals fold, the user's text is literal, the same on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Job
from marketplace.textsearch import contains


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("østergaard", True),
        ("ØSTERGAARD", True),
        ("ærø", True),
        ("CAFÉ", True),
        ("100%", True),
        ("10%", False),  # % is a character, not a wildcard
        ("a_b", False),  # so is _
        ("Aarhus", False),
    ],
)
def test_contains_folds_danish_letters_and_takes_the_text_literally(
    employer, make_job, word, found
):
    job = make_job(employer.organisation, employer, title="Østergaard Café på ÆRØ, 100% ok")
    ids = db.session.scalars(select(Job.id).where(contains(Job.title, word))).all()
    assert (job.id in ids) is found
