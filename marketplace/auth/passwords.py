"""Password hashing with Argon2id, and the password policy."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 200

# Long enough to pass the length rule, yet the first thing an attacker tries.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "passwordpassword",
        "password1234",
        "qwertyuiopasdf",
        "adgangskode123",
        "adgangskode1234",
        "sommer2026sommer",
        "velkommen1234",
    }
)


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


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password is refused, as a translatable message, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _l("This password is too easy to guess. Choose another.")
    if email and lowered == email.lower():
        return _l("The password must not be your e-mail address.")
    return None
