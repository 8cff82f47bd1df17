"""Free-text search in SQL: case-insensitive for Danish letters, the user's text taken literally."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func

# SQLite's lower() folds ASCII letters only; these are the non-ASCII capitals a Danish user
# meets in names and titles (Østergaard, Ærø, Café). PostgreSQL folds them already.
_FOLD = (("Æ", "æ"), ("Ø", "ø"), ("Å", "å"), ("Ä", "ä"), ("Ö", "ö"), ("Ü", "ü"), ("É", "é"))


def folded(column: ColumnElement[str]) -> ColumnElement[str]:
    expression = func.lower(column)
    for upper, lower in _FOLD:
        expression = func.replace(expression, upper, lower)
    return expression


def escape_like(text: str) -> str:
    """The user's text, matched literally: % and _ are characters, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: ColumnElement[str], word: str) -> ColumnElement[bool]:
    """`column` holds `word`, ignoring case (Danish letters included)."""
    return folded(column).like(f"%{escape_like(word.lower())}%", escape="\\")
