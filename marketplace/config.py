"""Settings from environment variables, each with a safe embedded default.

The defaults make `make run` work on a fresh machine: an SQLite file in instance/, no Redis,
e-mail written as .eml files to instance/outbox/. Nothing here reads a hard-coded secret.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

SUPPORTED_LOCALES = ("da", "en")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL comes in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: Path, given: str | None) -> str:
    """The given key, or one generated once into instance/ and reused on every start.

    The file is created with O_EXCL so two processes starting together agree on one key.
    """
    if given:
        return given
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()


def load(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'smajob.sqlite'}"
    redis_url = env.get("REDIS_URL") or None
    default_locale = env.get("DEFAULT_LOCALE", "da")
    if default_locale not in SUPPORTED_LOCALES:
        raise ValueError(f"DEFAULT_LOCALE must be one of {SUPPORTED_LOCALES}")
    return {
        "SECRET_KEY": secret_key(instance_path, env.get("SECRET_KEY")),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Seconds to wait for a PostgreSQL connection: a database that does not answer gives
        # the outage page (503) instead of a request hanging until the worker is killed.
        "DATABASE_CONNECT_TIMEOUT": int(env.get("DATABASE_CONNECT_TIMEOUT", "5")),
        "REDIS_URL": redis_url,
        "RQ_QUEUE": env.get("RQ_QUEUE", "smajob"),
        # Rate limits live in Redis when there is one, so every web process shares them.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes"),
        "SIGNUP_LIMIT_PER_ADDRESS": env.get("SIGNUP_LIMIT_PER_ADDRESS", "20 per hour"),
        # One-click unsubscribe: mail providers post from few addresses, so it is generous.
        "UNSUBSCRIBE_LIMIT_PER_ADDRESS": env.get("UNSUBSCRIBE_LIMIT_PER_ADDRESS", "30 per minute"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), True),
        "MAIL_FROM": env.get("MAIL_FROM", "Småjob <no-reply@smajob.localhost>"),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR") or str(instance_path / "outbox"),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "20")),
        "MAIL_MESSAGE_ID_DOMAIN": env.get("MAIL_MESSAGE_ID_DOMAIN", "smajob.localhost"),
        # Retries: after attempt n wait base × 4^(n-1); give up after the last attempt.
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "5")),
        "MAIL_RETRY_BASE_SECONDS": int(env.get("MAIL_RETRY_BASE_SECONDS", "60")),
        # A claimed e-mail whose worker has not finished within this is handed out again.
        "NOTIFY_LEASE_SECONDS": int(env.get("NOTIFY_LEASE_SECONDS", "300")),
        # The sweep leaves younger pending rows to the task enqueued at commit.
        "SWEEP_AGE_SECONDS": int(env.get("SWEEP_AGE_SECONDS", "120")),
        "SWEEP_INTERVAL_SECONDS": int(env.get("SWEEP_INTERVAL_SECONDS", "60")),
        # Periodic tasks walk their rows in batches of this many (keyset), committing each.
        "SWEEP_BATCH": int(env.get("SWEEP_BATCH", "500")),
        # Unanswered proposals: the company is reminded once, then the proposal expires.
        "PROPOSAL_REMIND_DAYS": int(env.get("PROPOSAL_REMIND_DAYS", "3")),
        "PROPOSAL_EXPIRE_DAYS": int(env.get("PROPOSAL_EXPIRE_DAYS", "14")),
        "DIGEST_CRON": env.get("DIGEST_CRON", "0 6 * * *"),
        # Mondays, hourly through the morning: a run missed while a worker was down is made up
        # by the next, and the reminder's unique key keeps it to one message per employer.
        "HOURS_REMINDER_CRON": env.get("HOURS_REMINDER_CRON", "0 6-11 * * 1"),
        "HOURS_LINK_MAX_AGE": timedelta(days=int(env.get("HOURS_LINK_DAYS", "10"))),
        # Retention (marketplace.privacy.retention): daily at night; people per batch, batches
        # per rule and run (a backlog larger than both is finished by the following nights).
        "RETENTION_CRON": env.get("RETENTION_CRON", "30 1 * * *"),
        "RETENTION_BATCH_SIZE": int(env.get("RETENTION_BATCH_SIZE", "200")),
        "RETENTION_MAX_BATCHES": int(env.get("RETENTION_MAX_BATCHES", "50")),
        # The public address, for links in e-mail (sent by a worker, outside any request).
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        "BABEL_DEFAULT_LOCALE": default_locale,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
        # Number of proxies in front of the app whose X-Forwarded-For may be trusted.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "INVITATION_MAX_AGE": timedelta(days=int(env.get("INVITATION_DAYS", "7"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_HOURS", "12"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # None means "secure unless the app runs in debug"; build_app resolves it.
        "SESSION_COOKIE_SECURE": (
            _flag(env["SESSION_COOKIE_SECURE"], True) if env.get("SESSION_COOKIE_SECURE") else None
        ),
        "WTF_CSRF_TIME_LIMIT": None,
        # Argon2id cost; tests lower it so the suite stays fast.
        "ARGON2_TIME_COST": int(env.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(env.get("ARGON2_MEMORY_COST", "65536")),
        # Operations (docs/OPERATIONS.md "What to watch"): /metrics answers only with this
        # bearer token and is a 404 without one; "json" writes one JSON object a log line.
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
        "LOG_FORMAT": env.get("LOG_FORMAT", "text"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
    }
