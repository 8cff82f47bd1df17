"""Builders of domain data, defined once for every test module (issue 13), by the code area
they build (as marketplace/ is laid out); every name is importable from tests.factories.

- clock: today, in_days, MONDAY (three weeks ago, where paid hours begin), THIS_WEEK,
  NEXT_MONDAY, noon, at_hour; DAYS (Tuesday and Thursday), MON_WED_FRI.
- organisations: make_jobcentre, make_company (with a valid CVR), make_user (password
  PASSWORD), make_workplace: one row each, straight in the database (the conftest fixtures
  of the same names return these functions).
- jobs: make_job (published by default), ladder_job (offers every first step).
- caseload: new_candidate ("Anna Jensen"), candidate_with_phone (CANDIDATE_NAME,
  CANDIDATE_PHONE: a name and phone number no page shows by accident).
- proposals: accepted_proposal (a new candidate proposed to a job and accepted).
- placements: praktik_terms, paid_terms; at_trial, agree_praktik, agree_paid (straight
  through the domain); start_placement, propose_praktik, offer_paid, agree (in a request, as
  the pages make them); rules_data; notices, step_count, hours_requests, terms_count;
  refused_field (an action refused that saves nothing).
- hours: paid_placement, start_paid, paid_since (paid hours Tuesday and Thursday);
  confirm, confirm_weeks; ask, answer (a request to change the hours, and its acceptance);
  more_hours_notices, due; WAITING_WEEKS, remind, hour_reminders_of, the_hour_reminder,
  hours_waiting_notices (the weekly hours reminder).
- assessment_answers: asked (a period of the ladder and its request), answer_with (the
  company's answer, held, early end and recommendation as asked), placement_of.
- figures: climb (a proposal made on a day, climbing the ladder as far as asked, on the
  ladder's days LADDER_MONDAY, PRAKTIK_MONDAY, PAID_MONDAY, RAISE_MONDAY), proposed_on.
- privacy: person (every text carries a tag, SENTINEL by default; PHONE), whole_case,
  log_access, erasure_record, later, AGED, TEN_YEARS, every_value, holding.
"""

from __future__ import annotations

from tests.factories.assessment_answers import answer_with, asked, placement_of
from tests.factories.assessments import assessment_for, request_for
from tests.factories.caseload import (
    CANDIDATE_NAME,
    CANDIDATE_PHONE,
    candidate_with_phone,
    new_candidate,
)
from tests.factories.clock import (
    DAYS,
    MON_WED_FRI,
    MONDAY,
    NEXT_MONDAY,
    THIS_WEEK,
    at_hour,
    in_days,
    noon,
    today,
)
from tests.factories.figures import (
    LADDER_MONDAY,
    PAID_MONDAY,
    PRAKTIK_MONDAY,
    RAISE_MONDAY,
    climb,
    proposed_on,
)
from tests.factories.hours import (
    WAITING_WEEKS,
    answer,
    ask,
    confirm,
    confirm_weeks,
    due,
    hour_reminders_of,
    hours_waiting_notices,
    more_hours_notices,
    paid_placement,
    paid_since,
    remind,
    start_paid,
    the_hour_reminder,
)
from tests.factories.jobs import ladder_job, make_job
from tests.factories.organisations import (
    PASSWORD,
    make_company,
    make_jobcentre,
    make_user,
    make_workplace,
)
from tests.factories.placements import (
    agree,
    agree_paid,
    agree_praktik,
    at_trial,
    hours_requests,
    notices,
    offer_paid,
    paid_terms,
    praktik_terms,
    propose_praktik,
    refused_field,
    rules_data,
    start_placement,
    step_count,
    terms_count,
)
from tests.factories.privacy import (
    AGED,
    PHONE,
    SENTINEL,
    TEN_YEARS,
    erasure_record,
    every_value,
    holding,
    later,
    log_access,
    person,
    whole_case,
)
from tests.factories.proposals import accepted_proposal

__all__ = [
    "AGED",
    "CANDIDATE_NAME",
    "CANDIDATE_PHONE",
    "DAYS",
    "LADDER_MONDAY",
    "MONDAY",
    "MON_WED_FRI",
    "NEXT_MONDAY",
    "PAID_MONDAY",
    "PASSWORD",
    "PHONE",
    "PRAKTIK_MONDAY",
    "RAISE_MONDAY",
    "SENTINEL",
    "TEN_YEARS",
    "THIS_WEEK",
    "WAITING_WEEKS",
    "accepted_proposal",
    "agree",
    "agree_paid",
    "agree_praktik",
    "answer",
    "answer_with",
    "ask",
    "asked",
    "assessment_for",
    "at_hour",
    "at_trial",
    "candidate_with_phone",
    "climb",
    "confirm",
    "confirm_weeks",
    "due",
    "erasure_record",
    "every_value",
    "holding",
    "hour_reminders_of",
    "hours_requests",
    "hours_waiting_notices",
    "in_days",
    "ladder_job",
    "later",
    "log_access",
    "make_company",
    "make_job",
    "make_jobcentre",
    "make_user",
    "make_workplace",
    "more_hours_notices",
    "new_candidate",
    "noon",
    "notices",
    "offer_paid",
    "paid_placement",
    "paid_since",
    "paid_terms",
    "person",
    "placement_of",
    "praktik_terms",
    "propose_praktik",
    "proposed_on",
    "refused_field",
    "remind",
    "request_for",
    "rules_data",
    "start_paid",
    "start_placement",
    "step_count",
    "terms_count",
    "the_hour_reminder",
    "today",
    "whole_case",
]
