"""CSV cells: text that a spreadsheet would run as a formula is shown as text; numbers stay
numbers. And every CSV the product writes goes through marketplace.spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace.spreadsheets import BOM, cell, lines

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_begins_a_formula_gets_an_apostrophe(start):
    typed = f'{start}HYPERLINK("https://evil.example","Klik")'
    assert cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "typed",
    ["Anna Jensen", "Kandidat 7F3A", "'=quoted already", " =1+1", "2026-01-06", "a=b", "x-y", ""],
)
def test_other_text_is_written_as_it_is(typed):
    assert cell(typed) == typed


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("2.5"), "2,5"),
        (Decimal("-2.5"), "-2,5"),  # a negative correction is a number, not a formula
        (Decimal("3.00"), "3"),
        (Decimal("142.50"), "142,5"),
        (-3, "-3"),
        (date(2026, 1, 6), "2026-01-06"),
        (None, ""),
    ],
)
def test_numbers_and_dates_stay_what_they_are(value, written):
    assert cell(value) == written


def test_a_file_reads_back_as_the_text_and_numbers_written():
    written = "".join(
        lines(["Navn", "-Timer"], [["=1+1", Decimal("-2.5")], ["+45-2026", Decimal(3)]])
    )
    assert written.startswith(BOM)
    rows = list(csv.reader(io.StringIO(written.removeprefix(BOM)), delimiter=";"))
    assert rows == [["Navn", "'-Timer"], ["'=1+1", "-2,5"], ["'+45-2026", "3"]]


def test_every_csv_the_product_writes_goes_through_spreadsheets():
    """A module that writes CSV of its own would skip the neutralising: only one may."""
    writers = []
    for folder in ("marketplace", "employers", "candidates"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if re.search(r"^\s*(import csv|from csv import)", source, re.MULTILINE):
                writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["marketplace/spreadsheets.py"]
