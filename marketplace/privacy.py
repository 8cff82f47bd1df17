"""What a company may see of a candidate, and the consent that reveals name and phone.

A company sees a pseudonymised profile: a pseudonym that differs per company (two companies
cannot tell they saw the same person), and the profile without identity, postcode, the
consultant's note or the consultant. Name and phone are shown only for a proposal whose
consent is in force, and every such showing is written to the access log (CJEU C-579/21:
the citizen may see who saw their identity; see marketplace.access_log).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace import access_log
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.links import subject_link
from marketplace.models import (
    AccessSeen,
    Candidate,
    CandidateIdentity,
    Consent,
    ConsentMethod,
    Placement,
    Proposal,
    ProposalStatus,
    User,
)
from marketplace.notify import Kind, notify, register_kind

# No 0/O, 1/I/L: a pseudonym is read aloud on the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def pseudonym_code(candidate_id: int, company_id: int) -> str:
    """A short code, stable for one candidate and one company, different across companies."""
    key = hashlib.sha256(b"pseudonym:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, f"{candidate_id}:{company_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(5):
        number, index = divmod(number, len(_ALPHABET))
        code += _ALPHABET[index]
    return code


def pseudonym(candidate_id: int, company_id: int) -> str:
    return str(_l("Candidate %(code)s", code=pseudonym_code(candidate_id, company_id)))


@dataclass(frozen=True)
class CompanyView:
    """Everything a company may see of a candidate before consent. No identity, no postcode,
    no note, no consultant: those fields simply do not exist here."""

    pseudonym: str
    job_goal: str
    wished_categories: int
    tasks_can_do: tuple[str, ...]
    hours_min: object
    hours_max: object
    available_weekdays: int
    available_times: str
    municipality: str
    languages: str
    danish_level: str
    driving_licence: bool
    earlier_work: str
    no_heavy_lifting: bool
    lifting_max_kg: int | None
    no_long_standing: bool
    max_hours_per_day: object
    needs_quiet_surroundings: bool
    no_early_mornings: bool
    other_limitations: str


def company_view(candidate: Candidate, company_id: int) -> CompanyView:
    return CompanyView(
        pseudonym=pseudonym(candidate.id, company_id),
        job_goal=candidate.job_goal,
        wished_categories=candidate.wished_categories,
        tasks_can_do=tuple(candidate.tasks_can_do or ()),
        hours_min=candidate.hours_min,
        hours_max=candidate.hours_max,
        available_weekdays=candidate.available_weekdays,
        available_times=candidate.available_times,
        municipality=candidate.municipality.name,
        languages=candidate.languages,
        danish_level=candidate.danish_level,
        driving_licence=candidate.driving_licence,
        earlier_work=candidate.earlier_work,
        no_heavy_lifting=candidate.no_heavy_lifting,
        lifting_max_kg=candidate.lifting_max_kg,
        no_long_standing=candidate.no_long_standing,
        max_hours_per_day=candidate.max_hours_per_day,
        needs_quiet_surroundings=candidate.needs_quiet_surroundings,
        no_early_mornings=candidate.no_early_mornings,
        other_limitations=candidate.other_limitations,
    )


# --- Screening of text a company can see ---------------------------------------------------
# One screening for every text a company reads: the profile, the pitch, and what the
# jobcentre writes in a placement (steps, answers, end notes, week flags). Health words are
# refused everywhere; the person's identity wherever the company reads the text before
# consent; CPR numbers in every field. docs/PRIVACY.md lists the texts and the false
# positives accepted.

# A CPR number: a date DDMMYY, then four digits, joined by nothing, a dash or a space.
# The product never stores one (a P-number of the same shape in free text is refused too).
CPR_PATTERN = re.compile(
    r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d(?:\s?-?\s?)\d{4}(?!\d)"
)
# A Danish phone number as people write it: eight digits, the first 2-9, grouped by single
# spaces or dashes (20304050, 20 30 40 50, 2030 4050, 20-30-40-50), after +45, 0045 or 45.
PHONE_PATTERN = re.compile(r"(?<![\w+])(?:(?:\+|00)?45[ -]?)?[2-9](?:[ -]?\d){7}(?!\d)")
# ... but not years from-to or a date written with dashes (2015-2017, 23-05-2024, 2024-05-23).
NOT_A_PHONE = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d|\d\d?-\d\d?-\d{4}|\d{4}-\d\d-\d\d")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HEALTH_TERMS_FILE = Path(__file__).with_name("health_terms.txt")

NO_CPR = _l("Do not write CPR numbers here. Use the jobcentre's case reference instead.")
NO_IDENTITY = _l(
    "The company reads this before the person agrees to share who they are: leave out the"
    " name, phone, e-mail and case reference."
)
NO_HEALTH = _l(
    "Describe what the person can and cannot do at work, e.g. 'cannot lift over 10 kg'"
    " - not diagnoses or treatment"
)

# The free-text fields of CompanyView (a test keeps this list and the view in step).
PROFILE_TEXTS = (
    "job_goal",
    "tasks_can_do",
    "available_times",
    "languages",
    "earlier_work",
    "other_limitations",
)


class Problem(StrEnum):
    """Why a text may not reach a company."""

    CPR = "cpr"
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    CASE_REFERENCE = "case_reference"
    HEALTH = "health"


def message_for(problem: Problem) -> str:
    if problem == Problem.CPR:
        return NO_CPR
    return NO_HEALTH if problem == Problem.HEALTH else NO_IDENTITY


@dataclass(frozen=True)
class Person:
    """What identifies a candidate: kept out of what a company reads before consent."""

    full_name: str = ""
    phone: str = ""
    email: str = ""
    case_reference: str = ""


def person_from(identity: CandidateIdentity | None) -> Person:
    if identity is None:
        return Person()
    return Person(identity.full_name, identity.phone, identity.email, identity.case_reference)


def person_before_consent(proposal: Proposal) -> Person | None:
    """The identity to keep out of what the company reads now; none once consent is in force
    (the company may then see the name, so naming the person is no leak)."""
    if consent_in_force(proposal) is not None:
        return None
    return person_from(db.session.get(CandidateIdentity, proposal.candidate_id))


def fold(text: str) -> str:
    """Lower case without accents, æ ø å kept: 'Émile' -> 'emile', 'ÅSE' -> 'åse'."""
    folded = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        if char.isascii() or char in "æøå":
            folded.append(char)
        else:
            decomposed = unicodedata.normalize("NFD", char)
            folded.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(folded)


def words_of(text: str) -> list[str]:
    """Folded words: letters only, so 'PTSD-diagnose' is 'ptsd', 'diagnose'."""
    return re.findall(r"[^\W\d_]+", fold(text))


def _word_pattern(entry: str) -> str:
    """'word', 'word*', '*word' or '*word*' (health_terms.txt) as a regular expression."""
    core = re.escape(fold(entry.strip("*")))
    return (".*" if entry.startswith("*") else "") + core + (".*" if entry.endswith("*") else "")


@dataclass(frozen=True)
class HealthTerms:
    words: re.Pattern[str]  # one word that is health by itself
    exceptions: re.Pattern[str]  # words that look like it and are not
    phrases: tuple[tuple[re.Pattern[str], ...], ...]  # words in a row


@functools.cache
def health_terms() -> HealthTerms:
    """health_terms.txt, read once per process."""
    words, exceptions, phrases = [], [], []
    for line in HEALTH_TERMS_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if entry.startswith("!"):
            exceptions.append(_word_pattern(entry[1:]))
        elif " " in entry:
            phrases.append(tuple(re.compile(_word_pattern(part)) for part in entry.split()))
        else:
            words.append(_word_pattern(entry))
    return HealthTerms(
        words=re.compile("|".join(words)),
        exceptions=re.compile("|".join(exceptions) or "(?!)"),
        phrases=tuple(phrases),
    )


def health_words_in(text: str) -> list[str]:
    """The words of `text` that name a diagnosis, condition, medicine, treatment, admission
    or addiction (whole folded words and their stems; never a bare substring)."""
    terms = health_terms()
    words = words_of(text)
    found = [
        word
        for word in words
        if terms.words.fullmatch(word) and not terms.exceptions.fullmatch(word)
    ]
    for phrase in terms.phrases:
        for start in range(len(words) - len(phrase) + 1):
            run = words[start : start + len(phrase)]
            if all(part.fullmatch(word) for part, word in zip(phrase, run, strict=True)):
                found.append(" ".join(run))
    return found


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def identity_in(text: str, person: Person) -> Problem | None:
    """The person's name (or its genitive), any e-mail address, the case reference, any
    Danish phone number, or the person's own phone in any format."""
    words = {word.replace("aa", "å") for word in words_of(text)}
    names = {part.replace("aa", "å") for part in words_of(person.full_name) if len(part) >= 2}
    if any(name in words or f"{name}s" in words for name in names):
        return Problem.NAME
    email = person.email.strip().casefold()
    if EMAIL_PATTERN.search(text) or (email and email in text.casefold()):
        return Problem.EMAIL
    normal = unicodedata.normalize("NFKC", text)
    reference = person.case_reference.strip()
    if reference and re.search(rf"(?<!\w){re.escape(reference)}(?!\w)", normal, re.IGNORECASE):
        return Problem.CASE_REFERENCE
    if any(not NOT_A_PHONE.fullmatch(found.group()) for found in PHONE_PATTERN.finditer(normal)):
        return Problem.PHONE
    own = _digits(person.phone)[-8:]  # without a country code, whichever country
    if len(own) >= 6 and own in _digits(normal):
        return Problem.PHONE
    return None


def problem_in(text: str, *, health: bool = True, person: Person | None = None) -> Problem | None:
    """What keeps `text` from a company: a CPR number always; the person's identity when
    `person` is given (the company reads it before consent); health words when `health`."""
    if CPR_PATTERN.search(text):
        return Problem.CPR
    if person is not None:
        found = identity_in(text, person)
        if found is not None:
            return found
    if health and health_words_in(text):
        return Problem.HEALTH
    return None


def screen(
    field: str, text: str | Iterable[str], *, health: bool = True, person: Person | None = None
) -> None:
    """Refuse a text (or the lines of a list) a company may read, beside its form field."""
    for one in (text,) if isinstance(text, str) else text:
        problem = problem_in(one, health=health, person=person)
        if problem is not None:
            raise DomainError(message_for(problem), field=field)


def screen_for_placement(
    placement: Placement, user: User, field: str, text: str | Iterable[str]
) -> None:
    """What a jobcentre user writes in a placement reaches the company: no health words ever,
    and no identity while the company may not know who the person is. The company's own
    texts go to the jobcentre, which knows the person, and are not screened."""
    if user.organisation_id != placement.jobcentre_id:
        return
    screen(field, text, person=person_before_consent(placement.proposal))


def consent_in_force(proposal: Proposal) -> Consent | None:
    return db.session.scalar(
        select(Consent).where(Consent.proposal_id == proposal.id, Consent.withdrawn_at.is_(None))
    )


@dataclass(frozen=True)
class RevealedIdentity:
    full_name: str
    phone: str


def reveal_to_company(
    proposal: Proposal, viewer: User, seen: AccessSeen = AccessSeen.NAME_PHONE
) -> RevealedIdentity | None:
    """Name and phone for a company user, if consent is in force; the showing is logged
    under the route's purpose (`seen`: what the page shows of it).

    Flushes the log row; it is committed with the page (marketplace.access_log).
    """
    consent = consent_in_force(proposal)
    if consent is None or viewer.organisation_id != proposal.company_id:
        return None
    identity = db.session.get(CandidateIdentity, proposal.candidate_id)
    access_log.record([proposal.candidate_id], seen, viewer)
    return RevealedIdentity(full_name=identity.full_name, phone=identity.phone)


def reveal_many_to_company(
    placements: Sequence[Placement], viewer: User, seen: AccessSeen
) -> dict[int, RevealedIdentity]:
    """reveal_to_company() for many placements at once (an export's people): one query for
    the identities with consent in force, one INSERT for their log rows. Keyed by placement."""
    ids = [p.id for p in placements if p.company_id == viewer.organisation_id]
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Placement.id,
            Placement.candidate_id,
            CandidateIdentity.full_name,
            CandidateIdentity.phone,
        )
        .join(
            Consent,
            (Consent.proposal_id == Placement.proposal_id) & Consent.withdrawn_at.is_(None),
        )
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
        .where(Placement.id.in_(ids))
    ).all()
    access_log.record((row.candidate_id for row in rows), seen, viewer)
    return {row.id: RevealedIdentity(full_name=row.full_name, phone=row.phone) for row in rows}


def record_consent(proposal: Proposal, by: User, method: ConsentMethod, note: str = "") -> Consent:
    if proposal.status != ProposalStatus.ACCEPTED:
        raise DomainError(_l("Consent can be recorded once the company has accepted."))
    if consent_in_force(proposal) is not None:
        raise DomainError(_l("Consent is already recorded for this company."))
    consent = Consent(
        proposal_id=proposal.id,
        candidate_id=proposal.candidate_id,
        company_id=proposal.company_id,
        method=method.value,
        note=note.strip(),
        recorded_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(consent)
    except IntegrityError as error:  # a colleague recorded it a moment ago
        raise DomainError(_l("Consent is already recorded for this company.")) from error
    from marketplace.proposals import company_staff

    notify(
        company_staff(proposal.company_id),
        "consent_recorded",
        subject=proposal,
        job=proposal.job.title,
        pseudonym=pseudonym(proposal.candidate_id, proposal.company_id),
    )
    return consent


def withdraw_consent(proposal: Proposal, by: User) -> None:
    withdrawn = db.session.execute(
        update(Consent)
        .where(Consent.proposal_id == proposal.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_id=by.id)
    )
    if withdrawn.rowcount == 0:
        raise DomainError(_l("There is no consent in force to withdraw."))


register_kind(
    Kind(
        name="consent_recorded",
        urgent=False,
        subject=_l("You can now see the name of %(pseudonym)s"),
        summary=_l("The candidate for %(job)s has agreed to share name and phone with you."),
        link=subject_link,
    )
)
