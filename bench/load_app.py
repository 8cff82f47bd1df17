"""The app as `make bench-load` serves it: the production app (app.create_app, so every hook,
blueprint and setting of `gunicorn app:app`) plus one bench-only route, /bench/hello, which
answers "Hello, World!" without touching the database. bench.load serves it with

    DATABASE_URL=… gunicorn --workers 2 --bind 127.0.0.1:PORT bench.load_app:app

and compares each page's throughput with this route's on the same server and workers. The
route lives here, not in marketplace/ or app.py, so production never has it.

Two settings differ from a production start, both so the load measures pages, not guards:
the rate limiter is off (RATELIMIT_ENABLED; the bench logs in a few times and then sends
thousands of requests from one address), and the session cookie is not Secure (plain http on
127.0.0.1, as `make serve` does with SESSION_COOKIE_SECURE=false). Everything else comes from
the environment as in production (marketplace.config): DATABASE_URL, REDIS_URL if set
(without it tasks run in-process, as on a machine without Redis), SECRET_KEY.
"""

from __future__ import annotations

import os

from flask import Flask, Response

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app as create_web_app
from marketplace.web.access import public

HELLO_PATH = "/bench/hello"
HELLO_TEXT = "Hello, World!"


def hello() -> Response:
    return Response(HELLO_TEXT, mimetype="text/plain")


def create_app() -> Flask:
    web = create_web_app({"RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    # Public (no login, no role check) like /healthz; the app's other hooks (request id,
    # metrics, security headers) run for it as for every page.
    web.add_url_rule(HELLO_PATH, "bench_hello", public(hello))
    return web


app = create_app()
