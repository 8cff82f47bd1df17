"""Every page the web tests render is valid HTML with its headings in order (WCAG 2.1 1.3.1,
4.1.1), checked once at the end of the run.

The test client (tests/conftest.py, `IsolatedClient`) hands each text/html response to
`record()`, which writes it once per distinct body (CSRF tokens and the like blanked before
hashing) into a directory shared by the controller and its xdist workers. When the session
ends, the controller runs the Nu Html Checker (the `vnu-jar` npm package, on the machine's
Java) once over that directory, and checks itself that headings start at one h1 and skip no
level and that each link within a page has its target; any error is printed with the request
(and test) that rendered the page and fails the run. Without Java or node_modules/vnu-jar the
check is skipped with a note, and fails the run in CI (CI=true).

`pytest --no-html-validation` turns it off for a quick local run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES_ENV = "SMAJOB_HTML_PAGES"
# The JIT's quick tier only (the checker runs once, not long enough for the optimising one to
# pay back): a third of the CPU time. That tier needs a deeper stack for the HTML schema.
JAVA = ("java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# No language detection: it only ever warns, and warnings are not asked for.
VNU_OPTIONS = ("--errors-only", "--no-langdetect", "--format", "json", "--exit-zero-always")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Values that differ between two renderings of the same page: hidden inputs (the CSRF token,
# the version a form was opened on, a `next`), so one page rendered by many tests is kept once.
HIDDEN_VALUE = re.compile(r'(<input\b[^>]*\btype="hidden"[^>]*\bvalue=")[^"]*(")')
CSRF_VALUE = re.compile(r'(\bname="csrf_token"[^>]*\bvalue=")[^"]*(")')

_pages: Path | None = None


def record(response: Any) -> None:
    """Keep an HTML response's body for the end-of-run check (once per distinct page)."""
    if _pages is None or response.mimetype != "text/html":
        return
    body = response.get_data(as_text=True)
    if "<html" not in body[:1000].lower():
        return  # no page (a test's own route answering "ok"); a page without doctype is kept
    normal = CSRF_VALUE.sub(r"\1\2", HIDDEN_VALUE.sub(r"\1\2", body))
    digest = hashlib.sha256(normal.encode()).hexdigest()[:20]
    page = _pages / f"{digest}.html"
    if page.exists():
        return
    request = response.request
    query = request.query_string.decode() if request is not None else ""
    where = {
        "request": (
            f"{request.method} {request.path}{'?' + query if query else ''}"
            if request is not None
            else "?"
        ),
        "status": response.status_code,
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0],
    }
    # Write under a temporary name and rename, so the checker never reads half a page and two
    # workers writing the same page leave one whole file.
    partial = page.with_suffix(f".{os.getpid()}.part")
    partial.write_text(body, encoding="utf-8")
    (_pages / "meta").mkdir(exist_ok=True)
    (_pages / "meta" / f"{digest}.json").write_text(json.dumps(where), encoding="utf-8")
    partial.replace(page)


@dataclass(frozen=True)
class Problem:
    page: Path
    line: int | None
    message: str
    extract: str


def missing_tools() -> list[str]:
    """What the checker needs and this machine lacks."""
    return [
        what
        for what, present in (
            ("java", shutil.which("java") is not None),
            (f"{VNU_JAR.relative_to(ROOT)} (make node-deps)", VNU_JAR.exists()),
        )
        if not present
    ]


def validate(pages: list[Path]) -> list[Problem]:
    """The Nu Html Checker's errors for these files, in one JVM (a few seconds)."""
    problems: list[Problem] = []
    for start in range(0, len(pages), 2000):  # keep the command line well under ARG_MAX
        batch = pages[start : start + 2000]
        result = subprocess.run(
            [*JAVA, "-jar", str(VNU_JAR), *VNU_OPTIONS, *(str(page) for page in batch)],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            messages = json.loads(result.stderr or result.stdout)["messages"]
        except (ValueError, KeyError) as error:
            raise RuntimeError(f"vnu gave no report: {result.stdout}{result.stderr}") from error
        for message in messages:
            if message.get("type") not in {"error", "non-document-error"}:
                continue
            url = message.get("url", "")
            problems.append(
                Problem(
                    page=Path(url.removeprefix("file:")) if url else Path("?"),
                    line=message.get("lastLine"),
                    message=message.get("message", ""),
                    extract=" ".join(message.get("extract", "").split()),
                )
            )
    return problems


class _Outline(HTMLParser):
    """The headings of a page, its ids and its links within the page."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[tuple[int, int]] = []  # (level, line)
        self.ids: set[str] = set()
        self.fragments: list[tuple[str, int]] = []  # (id, line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append((int(tag[1]), line))
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        href = values.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.fragments.append((href[1:], line))


def outline_problems(page: Path) -> list[Problem]:
    """A page opens with one h1 and never skips a level going down (h1 then h3 skips h2);
    each link within the page (the error summary's to its fields) has an element to go to."""
    outline = _Outline()
    outline.feed(page.read_text(encoding="utf-8"))
    levels = outline.levels
    problems = [
        Problem(page, line, f"a link to #{target}, which no element on the page has as id", "")
        for target, line in outline.fragments
        if target not in outline.ids
    ]
    if not levels or levels[0][0] != 1:
        line = levels[0][1] if levels else None
        return [*problems, Problem(page, line, "the page's first heading is not an h1", "")]
    problems += [
        Problem(page, line, "a second h1 on the page", "")
        for level, line in levels[1:]
        if level == 1
    ]
    for (before, _), (level, line) in itertools.pairwise(levels):
        if level > before + 1:
            problems.append(Problem(page, line, f"h{level} follows h{before}: a level skipped", ""))
    return problems


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-html-validation",
        action="store_true",
        help="do not validate the HTML the web tests render (tests/html_validation.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _pages
    if config.getoption("--no-html-validation"):
        return
    if hasattr(config, "workerinput"):  # an xdist worker: the controller made the directory
        shared = os.environ.get(PAGES_ENV)
        _pages = Path(shared) if shared else None
        return
    _pages = Path(tempfile.mkdtemp(prefix="smajob-html-"))
    os.environ[PAGES_ENV] = str(_pages)  # inherited by the workers xdist starts later


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _pages is None or hasattr(config, "workerinput"):
        return
    pages = sorted(_pages.glob("*.html"))
    if not pages:
        shutil.rmtree(_pages, ignore_errors=True)
        return
    lines: list[str] = []
    config.stash[_summary] = lines
    if missing := missing_tools():
        note = f"HTML validation of {len(pages)} pages not run: missing {', '.join(missing)}"
        lines.append(note)
        if IN_CI:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        shutil.rmtree(_pages, ignore_errors=True)
        return
    started = time.monotonic()
    problems = validate(pages)
    took = time.monotonic() - started
    problems += [problem for page in pages for problem in outline_problems(page)]
    lines.append(
        f"HTML validation: {len(pages)} distinct pages checked by vnu in {took:.1f} s, "
        f"{len(problems)} error(s)"
    )
    if not problems:
        shutil.rmtree(_pages, ignore_errors=True)
        return
    lines.extend(describe(problems))
    lines.append(f"These errors fail the run; the pages are kept in {_pages}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def describe(problems: list[Problem]) -> list[str]:
    """Each error once, with the requests (and tests) of up to three pages that show it."""
    where: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        where[(problem.message, problem.extract)].append(problem)
    lines: list[str] = []
    for (message, extract), found in where.items():
        lines.append(f"- {message}")
        if extract:
            lines.append(f"    {extract[:160]}")
        for problem in found[:3]:
            meta = problem.page.parent / "meta" / f"{problem.page.stem}.json"
            about = json.loads(meta.read_text()) if meta.exists() else {}
            lines.append(
                f"    {about.get('request', problem.page.name)} ({about.get('status', '?')}),"
                f" line {problem.line}, from {about.get('test', '?')}"
            )
        if len(found) > 3:
            lines.append(f"    … and {len(found) - 3} more page(s)")
    return lines


_summary = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_summary, [])
    if lines:
        terminalreporter.section("HTML validation")
        for line in lines:
            terminalreporter.line(line)
