"""Password hashing with Argon2id, and the password policy (zxcvbn's strength estimate)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import LazyString
from zxcvbn import zxcvbn
from zxcvbn.matching import spatial_match

from marketplace.errors import DomainError
from marketplace.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's score 3 means about 10^8 guesses or more: "safely unguessable" against an online
# attack and a fair defence against an offline one on Argon2id hashes.
MIN_SCORE = 3
ESTIMATE_LENGTH = 72  # zxcvbn refuses longer input (its cost grows fast with the length)

# zxcvbn's dictionaries are English. These Danish words and words of this site, common in
# Danish passwords, are given to it beside the user's own words; the estimate stays zxcvbn's.
LOCAL_WORDS = (
    "smajob",
    "småjob",
    "jobcenter",
    "jobcentret",
    "adgangskode",
    "kodeord",
    "hemmelig",
    "velkommen",
    "sommer",
    "vinter",
    "foraar",
    "forår",
    "efteraar",
    "efterår",
    "danmark",
    "kobenhavn",
    "københavn",
    "aarhus",
    "odense",
    "kærlighed",
    "elsker",
    "fodbold",
)

_WORD_SPLIT = re.compile(r"[^\w]+|_")
_DANISH_AS_TWO = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_DANISH_AS_ONE = str.maketrans({"æ": "a", "ø": "o", "å": "a"})

# Why a password is refused, in our own words: zxcvbn's English feedback is never shown.
TOO_EASY = _l(
    "This password is too easy to guess. A short sentence of four or five words is strong"
    " and easy to remember."
)
PERSONAL = _l(
    "Do not build the password from your name, e-mail address or company name: they are"
    " the first things tried."
)
COMMON = _l(
    "This is one of the most used passwords, or close to one. Choose something of your own."
)
DANISH_WORD = _l(
    "Common words, seasons and place names are easy to guess. Add more unrelated words."
)
WORDS = _l(
    "A single word or two, even with digits added, is easy to guess. Add more unrelated words."
)
NAMES = _l("Names are easy to guess. Add more unrelated words.")
KEYBOARD = _l("Rows of neighbouring keys, like qwerty, are easy to guess. Choose words instead.")
REPEATS = _l("Repeated characters or words are easy to guess. Choose different words.")
SEQUENCE = _l("Sequences like abc or 1234 are easy to guess. Choose words instead.")
DATES = _l("Years and dates are easy to guess. Add more unrelated words instead.")


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return _hasher_for(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend the time a real check costs, so an unknown e-mail answers no faster."""
    _hasher().hash(password)


def _split_inputs(inputs: Iterable[str | None]) -> list[str]:
    """The user's own words (e-mail, name, company), whole and in parts, for the estimator.

    zxcvbn matches each input as one dictionary word, so "Hanne Kjær" is also given as
    "hanne", "kjær" and its spellings without Danish letters ("kjaer", "kjar").
    """
    words: list[str] = []
    for value in inputs:
        text = (value or "").strip().lower()
        if not text:
            continue
        words.append(text)
        for part in _WORD_SPLIT.split(text):
            if len(part) < 3:
                continue
            words.append(part)
            for spelling in (part.translate(_DANISH_AS_TWO), part.translate(_DANISH_AS_ONE)):
                if spelling != part:
                    words.append(spelling)
    return list(dict.fromkeys(words))


def _reason(sequence: list[dict[str, Any]], personal: set[str]) -> LazyString:
    """Our own translated words for the weakest part zxcvbn found (its English is not shown)."""
    if any(_is_personal(match, personal) for match in sequence):
        return PERSONAL
    longest = max(sequence, key=lambda match: len(match["token"]), default=None)
    if longest is None:
        return TOO_EASY
    pattern = longest["pattern"]
    if pattern == "dictionary":
        if longest.get("matched_word") in LOCAL_WORDS:
            return DANISH_WORD
        if longest["dictionary_name"] == "passwords":
            return KEYBOARD if _is_keyboard_run(longest["token"]) else COMMON
        if longest["dictionary_name"] in {"surnames", "male_names", "female_names"}:
            return NAMES
        return WORDS
    return {
        "spatial": KEYBOARD,
        "repeat": REPEATS,
        "sequence": SEQUENCE,
        "regex": DATES,
        "date": DATES,
    }.get(pattern, TOO_EASY)


def _is_keyboard_run(token: str) -> bool:
    """A common password that is a walk over neighbouring letter keys (qwertyuiop, asdfgh)."""
    return token.isalpha() and any(
        (m["i"], m["j"]) == (0, len(token) - 1) for m in spatial_match(token.lower())
    )


def _is_personal(match: dict[str, Any], personal: set[str]) -> bool:
    return match["pattern"] == "dictionary" and match.get("matched_word") in personal


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> LazyString | None:
    """Why this password is refused, as a translatable message, or None if it is fine.

    `user_inputs` are the person's own data (e-mail, name, company name): a password built
    from them is weak, however long.
    """
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=MAX_LENGTH)
    personal = _split_inputs(user_inputs)
    personal_words = set(personal)
    # zxcvbn estimates at most its own maximum length; a longer password is judged by its
    # start, which can only make the verdict stricter.
    estimate = zxcvbn(
        password[:ESTIMATE_LENGTH],
        user_inputs=[*personal, *LOCAL_WORDS],
        max_length=ESTIMATE_LENGTH,
    )
    sequence = estimate["sequence"]
    covered = sum(len(m["token"]) for m in sequence if _is_personal(m, personal_words))
    if estimate["score"] >= MIN_SCORE and covered * 2 < len(password[:ESTIMATE_LENGTH]):
        return None
    return _reason(sequence, personal_words)


def check_new_password(password: str, user_inputs: Iterable[str | None] = ()) -> None:
    """A password chosen in the app (sign-up, invitation, change): its problem is raised
    beside the password field, for the form to show."""
    problem = password_problem(password, user_inputs)
    if problem:
        raise DomainError(problem, field="password")
