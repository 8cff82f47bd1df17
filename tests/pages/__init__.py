"""Reading and posting pages through the test client, defined once for every test module, by
the code area whose pages they read (as marketplace/ is laid out); every name is importable
from tests.pages.

- forms: forms_of, main_form, button, form_to (a page's forms); filled, send, followed, kept
  (a form's values changed and posted, a redirect followed, the re-shown form holding what
  was typed); read_form, post_form, fill (a page's form as a browser sends it, posted with
  some fields changed); form_date; JUNK (values no field should take).
- reading: da_text, da_date, danish (as a Danish user reads it); error_flashes,
  flashed_after, error_beside, flashes; sections_of, section; options_of; ids_in; fresh
  (any row as the database has it now); kinds_for (a user's notifications).
- accounts: invite (the team page's invitation, posted), link_in (the invitation link).
- jobs: job_status_line, job_count, workplace_count, newest_job.
- caseload: annas_form, candidate_status_line, listed_candidates (CANDIDATE_LINK),
  newest_candidate, fresh_candidate, candidate_state, candidate_counts,
  stored_candidate_text.
- placements: timeline_url, hours_request_url; counts (Counts: steps, terms, version,
  phase); GOOD_RULES, ladder_rules_form.
- hours: WEEK (= MONDAY), TUE, THU; hours_week_page, placement_hours_page,
  consultant_hours_page; name_of, week_no, link_form; records, confirmations, everything;
  confirm_planned, confirming.
"""

from __future__ import annotations

from tests.pages.accounts import invite, link_in
from tests.pages.caseload import (
    CANDIDATE_LINK,
    annas_form,
    candidate_counts,
    candidate_state,
    candidate_status_line,
    fresh_candidate,
    listed_candidates,
    newest_candidate,
    stored_candidate_text,
)
from tests.pages.forms import (
    JUNK,
    button,
    fill,
    filled,
    followed,
    form_date,
    form_to,
    forms_of,
    kept,
    main_form,
    post_form,
    read_form,
    send,
)
from tests.pages.hours import (
    THU,
    TUE,
    WEEK,
    confirm_planned,
    confirmations,
    confirming,
    consultant_hours_page,
    everything,
    hours_week_page,
    link_form,
    name_of,
    placement_hours_page,
    records,
    week_no,
)
from tests.pages.jobs import job_count, job_status_line, newest_job, workplace_count
from tests.pages.placements import (
    GOOD_RULES,
    Counts,
    counts,
    hours_request_url,
    ladder_rules_form,
    timeline_url,
)
from tests.pages.reading import (
    da_date,
    da_text,
    danish,
    error_beside,
    error_flashes,
    flashed_after,
    flashes,
    fresh,
    ids_in,
    kinds_for,
    options_of,
    section,
    sections_of,
)

__all__ = [
    "CANDIDATE_LINK",
    "GOOD_RULES",
    "JUNK",
    "THU",
    "TUE",
    "WEEK",
    "Counts",
    "annas_form",
    "button",
    "candidate_counts",
    "candidate_state",
    "candidate_status_line",
    "confirm_planned",
    "confirmations",
    "confirming",
    "consultant_hours_page",
    "counts",
    "da_date",
    "da_text",
    "danish",
    "error_beside",
    "error_flashes",
    "everything",
    "fill",
    "filled",
    "flashed_after",
    "flashes",
    "followed",
    "form_date",
    "form_to",
    "forms_of",
    "fresh",
    "fresh_candidate",
    "hours_request_url",
    "hours_week_page",
    "ids_in",
    "invite",
    "job_count",
    "job_status_line",
    "kept",
    "kinds_for",
    "ladder_rules_form",
    "link_form",
    "link_in",
    "listed_candidates",
    "main_form",
    "name_of",
    "newest_candidate",
    "newest_job",
    "options_of",
    "placement_hours_page",
    "post_form",
    "read_form",
    "records",
    "section",
    "sections_of",
    "send",
    "stored_candidate_text",
    "timeline_url",
    "week_no",
    "workplace_count",
]
