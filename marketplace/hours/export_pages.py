"""Serving an export: the period form with its messages, or the CSV streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from flask import Response, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from marketplace.clock import local_today
from marketplace.hours.forms import ExportForm


def export(
    title: str,
    filename: str,
    make_rows: Callable[[date, date], Iterator[str]],
) -> ResponseReturnValue:
    form = ExportForm(request.args)
    if "start" not in request.args:  # first visit: the last full month, nothing refused yet
        today = local_today()
        end = today.replace(day=1) - timedelta(days=1)
        form = ExportForm(formdata=None, start=end.replace(day=1), end=end)
        return render_template("hours/export.html", form=form, title=title)
    if not form.validate():
        return render_template("hours/export.html", form=form, title=title)
    start, end = form.start.data, form.end.data
    name = f"{filename}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        stream_with_context(make_rows(start, end)),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
