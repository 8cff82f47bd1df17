"""A table served as a CSV file for Danish Excel (the cells by marketplace.spreadsheets): the
jobcentre's figures and its stuck list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response

from marketplace.spreadsheets import Cell, lines


def csv_download(name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """The whole file at once (the tables are a jobcentre's: bounded), as an attachment."""
    return Response(
        "".join(lines(header, rows)),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
