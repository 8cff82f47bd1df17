"""The password policy (zxcvbn's estimate with the person's own words) and the hashing."""

import pytest
from flask_babel import force_locale
from zxcvbn import zxcvbn

from marketplace.accounts import passwords
from marketplace.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from marketplace.demo.data import DEMO_PASSWORD
from tests.conftest import PASSWORD

HANNE = ("hanne@brugsen.dk", "Hanne Kjær", "Brugsen Skjern")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort", None),  # the length rule, before any estimate
        ("elleve tegn", None),
        ("x" * 201, None),
        ("qwertyuiopas", passwords.KEYBOARD),
        ("asdfghjklzxc", passwords.KEYBOARD),
        ("123456789012", passwords.COMMON),
        ("password1234", passwords.COMMON),
        ("julemand1987", passwords.COMMON),
        ("aaaaaaaaaaaaaaaa", passwords.REPEATS),
        ("abababababababab", passwords.REPEATS),
        ("abcdefghijklmn", passwords.SEQUENCE),
        ("adgangskode123", passwords.DANISH_WORD),
        ("velkommen1234", passwords.DANISH_WORD),
        ("Michael1984!", passwords.NAMES),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with app.test_request_context():
        problem = password_problem(password)
        assert problem is not None
        if reason is not None:
            assert str(problem) == str(reason)


@pytest.mark.parametrize(
    "password",
    [
        "hanne@brugsen.dk",
        "Hanne@Brugsen.dk",
        "hannekjaer2026",
        "kjærhanne1970",
        "Brugsen2026!!",
        "skjernbrugsen1",
        "Hanne Kjær på Brugsen",
    ],
)
def test_a_password_built_from_the_persons_own_words_is_refused(app, password):
    with app.test_request_context():
        assert str(password_problem(password, HANNE)) == str(passwords.PERSONAL)


def test_the_same_passwords_pass_for_someone_else(app):
    """The refusals above come from the person's own words, not from the words themselves."""
    with app.test_request_context():
        assert password_problem("hannekjaer2026", ("per@gartneri.dk", "Per Mølgaard")) is None
        assert password_problem("skjernbrugsen1") is None


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,  # the tests' own users
        DEMO_PASSWORD,  # set by the demo without the policy, but passes it anyway
        "hylderne fyldes om tirsdagen",
        "cykler i regnvejr er bedst",
        "pakkelinjen om fredagen",
        "Tr0ub4dour&3xyz",
        "en meget lang sætning " * 9,  # longer than zxcvbn's limit of 72
    ],
)
def test_strong_passwords_are_accepted(app, password):
    with app.test_request_context():
        assert password_problem(password, HANNE) is None


def test_the_reason_is_ours_and_translated(app):
    """zxcvbn's English feedback never reaches the page: our own message, in Danish too."""
    with app.test_request_context():
        with force_locale("en"):
            english = str(password_problem("qwertyuiopas"))
        with force_locale("da"):
            danish = str(password_problem("qwertyuiopas"))
    theirs = zxcvbn("qwertyuiopas")["feedback"]
    assert english not in [theirs["warning"], *theirs["suggestions"]]
    assert english.startswith("Rows of neighbouring keys")
    assert danish.startswith("Rækker af taster")


def test_hash_is_argon2id_and_verifies(app):
    with app.app_context():
        hashed = hash_password("hylderne fyldes om tirsdagen")
        assert hashed.startswith("$argon2id$")
        assert verify_password(hashed, "hylderne fyldes om tirsdagen")
        assert not verify_password(hashed, "hylderne fyldes om onsdagen")
        assert not verify_password("not a hash", "anything")
        assert not needs_rehash(hashed)
