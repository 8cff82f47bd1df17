# One image for the three processes of the Procfile; the command picks the process:
#   docker run … smajob                                   web (gunicorn on port 8000)
#   docker run … smajob flask --app app worker            an rq worker (as many as needed)
#   docker run … smajob flask --app app cron              exactly one in the installation
#   docker run … smajob flask --app app db upgrade        once per release, before the rest
# Settings come from the environment (docs/OPERATIONS.md); set SECRET_KEY, DATABASE_URL,
# REDIS_URL, BASE_URL and MAIL_* for every container alike.
# NOT BUILT OR RUN HERE: the machine this was written on has no Docker daemon (see
# docs/OPERATIONS.md); build and smoke-test it before relying on it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/app/.venv/bin:$PATH

# pg_dump/pg_restore for `flask backup` / `flask restore` (Debian 12 ships PostgreSQL 15's
# tools; they must be of the server's major version or newer).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/smajob smajob

WORKDIR /app
# Dependencies first, so a code change does not reinstall them. An editable install, as the
# Makefile does: the templates, static files and migrations are read from /app.
COPY pyproject.toml constraints.txt ./
COPY marketplace/__init__.py marketplace/__init__.py
COPY employers/__init__.py employers/__init__.py
COPY candidates/__init__.py candidates/__init__.py
COPY app.py ./
RUN python -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e .

COPY . .
RUN .venv/bin/pybabel -q compile -d marketplace/translations \
    && mkdir -p instance && chown smajob:smajob instance

USER smajob
EXPOSE 8000
CMD ["gunicorn", "--workers", "4", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "app:app"]
