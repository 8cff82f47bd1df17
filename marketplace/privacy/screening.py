"""Screening of every text a company reads: health words, identity before consent, CPR.

One screening for the profile, the pitch, and what the jobcentre writes in a placement (steps,
answers, end notes, week flags). Health words are refused everywhere; the person's identity
wherever the company reads the text before consent; CPR numbers in every field. The health
words are data in health_terms.txt; docs/PRIVACY.md lists the texts and the false positives
accepted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import CandidateIdentity, Placement, Proposal, User
from marketplace.privacy.disclosure import consent_in_force

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
