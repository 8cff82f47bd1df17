import stat
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.config import load, normalise_database_url, secret_key
from marketplace.web.navigation import safe_next


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = secret_key(tmp_path, None)
    assert len(first) == 64
    assert secret_key(tmp_path, None) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_given_secret_key_wins_and_writes_no_file(tmp_path):
    assert secret_key(tmp_path, "from-the-environment") == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_defaults_need_no_service(tmp_path):
    config = load(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'smajob.sqlite'}"
    assert config["REDIS_URL"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["MAIL_SERVER"] is None
    assert config["MAIL_OUTBOX_DIR"] == str(tmp_path / "outbox")
    assert config["BABEL_DEFAULT_LOCALE"] == "da"


def test_redis_url_moves_rate_limits_to_redis(tmp_path):
    config = load(tmp_path, {"REDIS_URL": "redis://cache:6379/0"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_unknown_default_locale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="DEFAULT_LOCALE"):
        load(tmp_path, {"DEFAULT_LOCALE": "de"})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_safe_next_examples():
    assert safe_next("/company/?a=1") == "/company/?a=1"
    for bad in [None, "", "company", "//evil", "/\\evil", "https://evil", "/ok\r\nSet-Cookie: x"]:
        assert safe_next(bad) is None


@given(st.text(max_size=60))
def test_safe_next_never_leaves_the_site(target):
    result = safe_next(target)
    if result is not None:
        parts = urlsplit(result)
        assert not parts.scheme
        assert not parts.netloc
        assert result.startswith("/")
        assert not result.startswith("//")
