import pytest

from marketplace.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


@pytest.mark.parametrize(
    "password",
    ["kort", "elleve tegn", "123456789012", "aaaaaaaaaaaaaaaa", "abababababababab", "x" * 201],
)
def test_weak_passwords_are_refused(app, password):
    with app.app_context():
        assert password_problem(password) is not None


def test_password_may_not_be_the_email(app):
    with app.app_context():
        assert password_problem("hanne@brugsen.dk", "Hanne@Brugsen.dk") is not None


def test_a_sentence_is_fine(app):
    with app.app_context():
        assert password_problem("hylderne fyldes om tirsdagen") is None


def test_hash_is_argon2id_and_verifies(app):
    with app.app_context():
        hashed = hash_password("hylderne fyldes om tirsdagen")
        assert hashed.startswith("$argon2id$")
        assert verify_password(hashed, "hylderne fyldes om tirsdagen")
        assert not verify_password(hashed, "hylderne fyldes om onsdagen")
        assert not verify_password("not a hash", "anything")
        assert not needs_rehash(hashed)
