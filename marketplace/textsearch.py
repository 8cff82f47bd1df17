"""Free-text search in SQL: case-insensitive for Danish letters, the user's text taken literally.

On PostgreSQL the folding is the SQL function fold_text() (migration 0014), which GIN
trigram indexes are built on, so a `LIKE '%word%'` on a folded column is answered from an
index. SQLite has no such index; there the same folding is lower() and a chain of replace().
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# SQLite's lower() folds ASCII letters only; these are the non-ASCII capitals a Danish user
# meets in names and titles (Østergaard, Ærø, Café). fold_text() folds the same letters.
_FOLD = (("Æ", "æ"), ("Ø", "ø"), ("Å", "å"), ("Ä", "ä"), ("Ö", "ö"), ("Ü", "ü"), ("É", "é"))


class folded(FunctionElement[str]):  # a SQL function, named like one
    """`column` in lower case, Danish letters included: fold_text(column) on PostgreSQL,
    written exactly as the trigram indexes are, so the planner can match them."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_portable(element: folded, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    expression: ColumnElement[str] = func.lower(column)
    for upper, lower in _FOLD:
        expression = func.replace(expression, upper, lower)
    return compiler.process(expression, **kw)


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    return f"fold_text({compiler.process(element.clauses, **kw)})"


def escape_like(text: str) -> str:
    """The user's text, matched literally: % and _ are characters, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pattern(word: str) -> str:
    """The LIKE pattern for `word` anywhere in a folded text (escape character: backslash)."""
    return f"%{escape_like(word.lower())}%"


def contains(column: ColumnElement[str], word: str) -> ColumnElement[bool]:
    """`column` holds `word`, ignoring case (Danish letters included)."""
    return folded(column).like(pattern(word), escape="\\")
