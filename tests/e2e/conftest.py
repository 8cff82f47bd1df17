"""Browser tests: the app with its demo data on a live server, driven in Debian's Chromium.

Every journey runs twice: on a desktop (1280 x 800) and on a touch phone (390 x 844), the
`screen` fixture. Every page a test checks with `axe_check` must fit the screen (no sideways
scrolling) and pass axe-core (WCAG 2.1 A and AA; a serious or critical violation fails); on
the phone every visible input must also show its label and every target in the header,
navigation, tables and forms must be at least 24 x 24 px (WCAG 2.5.8). A test that only makes
sense on one screen says so with `pages.phone_only` or `pages.desktop_only`. Without
/usr/bin/chromium or node_modules/axe-core (`make node-deps`) these tests are skipped locally
and fail in CI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from marketplace.paths import PROJECT_ROOT
from tests.conftest import migrate_to_head, test_config
from tests.databases import scratch_database
from tests.e2e.pages import (
    PHONE,
    expect_labels_on_screen,
    expect_no_sideways_scroll,
    expect_no_squeezed_text,
    expect_targets_of_24px,
    is_phone,
)
from tests.support import missing_service

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from playwright.sync_api import Browser, Page, Response

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000
# The browser contexts each journey runs in. The phone is a touch screen with a mobile
# viewport (so `width=device-width` applies); a scale factor of 1 keeps screenshots cheap.
SCREENS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}

AxeCheck = Callable[["Page"], None]


@dataclass(frozen=True)
class Live:
    url: str
    app: Flask  # for what no page does: running the weekly reminder task, reading e-mail
    outbox: Path


@pytest.fixture(scope="session")
def live_server(live: Live) -> str:
    """The base URL of the app, seeded with the demo data, on a database of its own."""
    return live.url


def _buffered(app: Flask) -> WSGIApplication:
    """The app with each response read into memory and its iterable closed before Werkzeug's
    development server writes it. That server skips closing the iterable when the browser
    drops the connection while it drains the request (a favicon fetch cut short by the next
    navigation), which leaves a static file open until the garbage collector finds it, then
    fails whichever test is running with a ResourceWarning. Production's gunicorn is not it."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture(scope="session")
def live(workdir: Path) -> Iterator[Live]:
    from app import create_app
    from marketplace.demo.town import seed_demo
    from marketplace.extensions import db

    e2e_dir = workdir / "e2e"
    e2e_dir.mkdir(exist_ok=True)
    with scratch_database(e2e_dir, "e2e") as url:
        app = create_app(test_config(url, e2e_dir, SESSION_COOKIE_SECURE=False))
        migrate_to_head(app)
        with app.app_context():
            seed_demo()
            db.session.commit()
        server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        try:
            yield Live(
                f"http://127.0.0.1:{server.server_port}", app, Path(app.config["MAIL_OUTBOX_DIR"])
            )
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        missing_service(f"{AXE_SCRIPT.relative_to(PROJECT_ROOT)} is missing: run `make node-deps`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing_service(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    """The screen a journey runs on: "desktop" or "phone" (see SCREENS)."""
    return str(request.param)


@pytest.fixture
def page(browser: Browser, live_server: str, axe_source: str, screen: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, in Danish, with the base URL set, on
    the screen the test runs on.

    bypass_csp lets axe be injected inline: the app's CSP allows no inline script.
    """
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, locale="da-DK", **SCREENS[screen]
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def on_response(response: Response) -> None:
        # A server error anywhere, or a broken stylesheet, image or script, is a failure.
        if response.status >= 500 or (
            response.status >= 400 and response.request.resource_type != "document"
        ):
            problems.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail("the browser met:\n  " + "\n  ".join(problems))


def _describe(violation: dict[str, Any]) -> str:
    nodes = "; ".join(
        " ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])
    )
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -> {nodes}"


@pytest.fixture
def axe_check(axe_source: str) -> AxeCheck:
    """Check the page as it is now: it fits the screen; on a phone its inputs show their
    labels and its targets are large enough; axe-core finds no serious or critical
    violation."""

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        expect_no_sideways_scroll(page)
        if is_phone(page):
            expect_labels_on_screen(page)
            expect_targets_of_24px(page)
            expect_no_squeezed_text(page)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        bad = [v for v in result["violations"] if v.get("impact") in FAILING_IMPACTS]
        if bad:
            listing = "\n  ".join(_describe(v) for v in bad)
            pytest.fail(f"axe found on {page.url}:\n  {listing}")

    return check
