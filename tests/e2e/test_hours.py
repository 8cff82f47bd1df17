"""Paid hours in a real browser (JOURNEYS.md, journey 4): Hanne confirms last week's hours from
the weekly reminder's link, without logging in; Mette asks for more hours for Jens; Hanne
accepts. Every page is checked with axe.

The reminder is the one thing no page starts: the test runs the weekly task in the live app,
as `flask cron` would on a Monday, and reads the link from the e-mail it wrote.
"""

from __future__ import annotations

import email
import re
import tempfile
from datetime import timedelta
from email import policy
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from marketplace import queue
from marketplace.clock import local_today
from marketplace.demo.town import COMPANIES, JOBCENTRE_USERS
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from tests.e2e.pages import (
    PHONE,
    at,
    expect_labels_on_screen,
    expect_no_sideways_scroll,
    labelled,
    log_in,
    log_out,
    phone_only,
    submit_main_form,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

HANNE = next(employer for fields, employer in COMPANIES if fields["name"] == "Brugsen Skjern")
METTE = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("mette."))
JENS = "Jens Kristiansen"  # Mette's candidate, in a combined placement at Brugsen (demo)
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for a person to look at
LINK = re.compile(r"https?://[^/\s]+(/company/hours/link/[\w.-]+)")

# The Danish words of the interface this test reads (messages.po).
REMINDER_SUBJECT = "Timer til godkendelse"
CONFIRM_WEEKS = "Godkend de valgte uger"
THANKS = "Tak"
LINK_USED = "Linket er allerede brugt. Log ind for at se eller rette timerne."
ASK_FOR_HOURS = "Bed om at ændre de lønnede timer"
REQUEST_SENT = "Din anmodning er sendt. Den anden part accepterer eller afviser den."
REQUEST_WAITING = "Ændring af lønnede timer: Venter på svar"
TOO_MANY = "Skriv mellem 0,5 og 37 timer om ugen."
ACCEPT_HOURS = "Accepter de nye timer"
AGREED = "Aftalt. De nye vilkår står på tidslinjen."


def reminder_link(outbox: Path, to: str) -> str:
    """The path of the newest hours reminder's link in the e-mail to `to`."""
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] != to or REMINDER_SUBJECT not in str(message["Subject"]):
            continue
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = LINK.search(body.get_content())
        assert found, "the reminder carries the week's link"
        return found.group(1)
    raise AssertionError(f"no hours reminder to {to} in {outbox}")


def send_weekly_reminders(live: Live) -> None:
    with live.app.app_context():
        written = hour_reminders.send_hour_reminders()
        db.session.commit()
        queue.run_inprocess_tasks()  # the e-mails, as a worker would send them
    assert written >= 1


def next_step(page: Page) -> Locator:
    return page.locator("main section[aria-labelledby='next-title']")


# Once per run: the weekly reminder goes out once a week, and Hanne confirms on her phone.
@phone_only
def test_hanne_confirms_from_the_link_mette_asks_for_more_hours_hanne_accepts(
    page: Page, axe_check: AxeCheck, live: Live
) -> None:
    send_weekly_reminders(live)
    link = reminder_link(live.outbox, HANNE.email)

    # The link opens last week for Brugsen's placements, planned hours filled in; no login.
    page.goto(link)
    expect(page).to_have_url(at(link))
    expect(page.locator("main h1")).to_have_text(re.compile(r"^Timer i uge \d+$"))
    expect(page.locator("header .site-header__user")).to_have_count(0)
    hours_inputs = page.locator("main input.hours-input")
    assert hours_inputs.count() >= 1
    typed = [hours_inputs.nth(n).input_value() for n in range(hours_inputs.count())]
    assert any(value not in ("", "0") for value in typed), typed
    axe_check(page)

    # A wrong day first: the message stands beside it, the typed value stays.
    first = hours_inputs.first
    first_id = str(first.get_attribute("id"))
    planned = first.input_value()
    first.fill("25")
    page.get_by_role("button", name=CONFIRM_WEEKS).click()
    expect(page.locator(f"main #{first_id}-error")).to_be_visible()
    expect(page.locator(f"main #{first_id}")).to_have_value("25")
    expect(page.locator(f"main #{first_id}")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    # As planned, then: confirmed, and the link is spent.
    page.locator(f"main #{first_id}").fill(planned)
    page.get_by_role("button", name=CONFIRM_WEEKS).click()
    expect(page).to_have_url(at(f"{link}/done"))
    expect(page.locator("main h1")).to_have_text(THANKS)
    expect(page.locator(".flash--success")).to_contain_text("godkendt")
    axe_check(page)
    page.goto(link)
    expect(page.locator("main .notice--error")).to_have_text(LINK_USED)
    axe_check(page)

    # Mette finds Jens among her placements and asks for more paid hours.
    log_in(page, axe_check, METTE.email, "/placements")
    combined = page.locator("main section[aria-labelledby='phase-combined']")
    combined.locator("a", has_text=JENS).click()
    expect(page.locator("main h1")).to_have_text(JENS)
    placement_id = re.search(r"/placements/(\d+)$", page.url)
    assert placement_id, page.url
    axe_check(page)
    next_step(page).get_by_role("link", name=ASK_FOR_HOURS).click()
    expect(page).to_have_url(re.compile(r"/placements/\d+/hours-request$"))
    expect(page.locator("main h1")).to_have_text(ASK_FOR_HOURS)
    expect(labelled(page, "hours")).to_have_value("3")
    axe_check(page)

    labelled(page, "hours").fill("40")
    labelled(page, "reason").fill("Jens vil gerne have flere timer, og det går godt i butikken.")
    submit_main_form(page)
    expect(page.locator("main #hours-error")).to_contain_text(TOO_MANY)
    expect(labelled(page, "hours")).to_have_value("40")
    expect(labelled(page, "reason")).to_have_value(
        "Jens vil gerne have flere timer, og det går godt i butikken."
    )
    axe_check(page)
    labelled(page, "hours").fill("6")
    submit_main_form(page)
    expect(page).to_have_url(re.compile(rf"/placements/{placement_id.group(1)}$"))
    expect(page.locator(".flash--success")).to_have_text(REQUEST_SENT)
    expect(next_step(page).locator("h3")).to_have_text(REQUEST_WAITING)
    axe_check(page)
    log_out(page, axe_check)

    # Hanne opens the placement from her home page and accepts, with a comment.
    company_timeline = f"/company/placements/{placement_id.group(1)}"
    log_in(page, axe_check, HANNE.email, "/company/")
    page.locator(f"main a[href='{company_timeline}']").first.click()
    expect(page).to_have_url(at(company_timeline))
    expect(next_step(page).locator("h3")).to_have_text(REQUEST_WAITING)
    expect(next_step(page)).to_contain_text("det går godt i butikken")
    axe_check(page)
    labelled(page, "note").fill("Fint, fra mandag.")
    next_step(page).get_by_role("button", name=ACCEPT_HOURS).click()
    expect(page).to_have_url(at(company_timeline))
    expect(page.locator(".flash--success")).to_have_text(AGREED)
    now_and_next = page.locator("main section[aria-labelledby='now-title']")
    expect(now_and_next).to_contain_text("6 timer om ugen")
    expect(page.locator("main")).to_contain_text("Fint, fra mandag.")
    axe_check(page)


# Sofie at Vestjysk Emballage: the demo leaves last week waiting for three people on the
# packing line, and no other browser test confirms it, so it can be typed into on any day.
SOFIE = next(user for fields, user in COMPANIES if fields["name"] == "Vestjysk Emballage A/S")


@phone_only
def test_on_a_phone_each_day_is_named_and_the_week_total_follows_the_days(
    page: Page, axe_check: AxeCheck
) -> None:
    """Sofie confirms hours between shifts: at 390 x 844 the week is a list, each input says
    which day it is on screen (the column headers of a wide screen are not there), and the
    week's total changes as she changes a day (static/js/hours-week.js)."""
    page.set_viewport_size(PHONE)
    log_in(page, axe_check, SOFIE.email, "/company/")
    today = local_today()
    last_monday = today - timedelta(days=today.weekday() + 7)
    page.goto(f"/company/hours?week={last_monday.isoformat()}")
    inputs = page.locator("main input.hours-input")
    assert inputs.count() >= 3, "last week waits for several people at Vestjysk"
    expect_labels_on_screen(page)
    expect_no_sideways_scroll(page)
    # The table's caption reads as a line across the card, not a letter a line down its side.
    caption = page.locator("main table.week-table caption").first
    box = caption.bounding_box()
    assert box is not None
    assert box["width"] > 200, box
    assert box["height"] < 80, box
    first = inputs.first
    label = page.locator(f"label[for='{first.get_attribute('id')}']")
    expect(label).to_be_visible()
    expect(label).to_contain_text(
        re.compile(r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) \d+\. \w+")
    )

    # The total of the first person's week: planned hours at first, then what she types.
    first_id = str(first.get_attribute("id"))
    total = page.locator(f"main output.week-total[for~='{first_id}']")
    expect(total).to_have_count(1)
    expect(total).to_have_attribute("aria-live", "polite")
    figures = total.locator("[data-week-total]")
    days = [i for i in str(total.get_attribute("for")).split() if i]
    typed = [page.locator(f"#{i}").input_value() for i in days]

    def hours(text: str) -> float:
        return float(text.strip().replace(".", "").replace(",", ".") or 0)

    planned = sum(hours(v) for v in typed)
    expect(figures).to_have_text(f"{planned:g}".replace(".", ","))
    first.fill("7,5")
    changed = planned - hours(typed[0]) + 7.5
    expect(figures).to_have_text(f"{changed:g}".replace(".", ","))
    first.fill("x")
    expect(figures).to_have_text("–")
    first.fill(typed[0])
    expect(figures).to_have_text(f"{planned:g}".replace(".", ","))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "hours-week-phone.png"), full_page=True)
    axe_check(page)
