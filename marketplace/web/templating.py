"""Template helpers: accessible attributes for form fields."""

from __future__ import annotations

from typing import Any

from flask import Flask
from wtforms import Field


def field_attrs(field: Field, has_hint: bool = False, **extra: Any) -> dict[str, Any]:
    """Attributes that tie an input to its hint and error, leaving out the unset ones."""
    described = []
    if has_hint:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-error")
    attrs: dict[str, Any] = {k: v for k, v in extra.items() if v is not None and v is not False}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def init_app(app: Flask) -> None:
    app.jinja_env.globals["field_attrs"] = field_attrs
