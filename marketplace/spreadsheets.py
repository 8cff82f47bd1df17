"""CSV for Danish Excel, the one way the product writes a CSV file: semicolon separated,
decimal comma, UTF-8 with a byte-order mark (without it Excel reads æøå wrongly), and no text
cell that a spreadsheet would run as a formula.

A cell is a number (a Decimal, written with a decimal comma, or an int; never touched), a
date (ISO), or text.
Text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is what Excel and
LibreOffice read as the start of a formula (or strip before one, in the last two cases), so
such text gets a leading apostrophe and is shown as written (OWASP, "CSV Injection"). A name
typed as `=HYPERLINK(...)` arrives as that text, never as a link; a negative number of hours,
a Decimal, stays a number that sums.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal

BOM = "\ufeff"
SEPARATOR = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | Decimal | int | date | None


def text_cell(value: str) -> str:
    """Text as a spreadsheet shows it: a would-be formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def number_cell(value: Decimal) -> str:
    """A number the Danish way: 2,5. Never neutralised: "-2,5" is minus two and a half."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number_cell(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return text_cell(str(value))


def lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The file line by line (header first, after the byte-order mark), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([cell(name) for name in header])
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(value) for value in row])
        yield buffer.getvalue()
