"""The Danish catalog covers every message in the source, and keeps its placeholders.

The messages are extracted afresh from the code and templates (as `make extract-messages`
does), so a string added without updating the catalog fails here, not in front of a user.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
DANISH_PO = ROOT / "marketplace" / "translations" / "da" / "LC_MESSAGES" / "messages.po"
# The same keywords as the Makefile's extract-messages target.
KEYWORDS = ("_l", "lazy_gettext")

# A %-directive: %(name)s, %(n)d, %d, %5.1f, %% ...
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z%]")


@pytest.fixture(autouse=True)
def _transaction() -> None:
    """These tests read files only: replace conftest's database transaction with nothing."""


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
    subprocess.run(
        [*command, *keywords, "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    with pot.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def danish() -> Catalog:
    with DANISH_PO.open("rb") as f:
        return read_po(f, locale="da")


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _where(message: Message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:2])


def test_extraction_finds_messages(source_messages: Catalog) -> None:
    # Guards the test below: an extraction that found nothing would pass it trivially.
    assert any(m.id == "Skip to content" for m in source_messages)


def test_every_source_message_has_a_danish_translation(
    source_messages: Catalog, danish: Catalog
) -> None:
    problems = []
    for message in source_messages:
        if not message.id:
            continue
        translated = danish.get(message.id, message.context)
        if translated is None:
            problem = "missing"
        elif translated.fuzzy:
            problem = "fuzzy"
        elif not all(form.strip() for form in _forms(translated.string or "")):
            problem = "empty"
        else:
            continue
        problems.append(f"{problem}: {_forms(message.id)[0]!r} ({_where(message)})")
    assert not problems, (
        f"{len(problems)} message(s) lack a Danish translation in {DANISH_PO.relative_to(ROOT)}"
        " (run `make extract-messages`, then translate):\n  " + "\n  ".join(problems)
    )


def test_translations_keep_the_placeholders(danish: Catalog) -> None:
    problems = []
    for message in danish:
        if not message.id or not message.string:
            continue
        ids = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            original = ids[min(index, len(ids) - 1)]
            expected = Counter(PLACEHOLDER.findall(original))
            found = Counter(PLACEHOLDER.findall(translation))
            if expected != found:
                problems.append(
                    f"{original!r} -> {translation!r}: "
                    f"expected {sorted(expected.elements())}, found {sorted(found.elements())}"
                )
    assert not problems, "Placeholders differ from the English:\n  " + "\n  ".join(problems)
