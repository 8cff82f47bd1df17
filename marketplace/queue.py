"""The task queue: rq on Redis when REDIS_URL is set; without it, `make run` needs no Redis."""

from __future__ import annotations

from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

QUEUE_NAME = "smajob"


def redis_connection() -> Redis | None:
    """One client per app (it holds a pool); None when no Redis is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients: dict[str, Redis] = current_app.extensions.setdefault("smajob_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return clients[url]


def get_queue() -> Any:
    from rq import Queue

    connection = redis_connection()
    if connection is None:
        raise RuntimeError("REDIS_URL is not set")
    return Queue(QUEUE_NAME, connection=connection)


def state() -> dict[str, Any]:
    """For /healthz: the mode, whether Redis answers, and how many jobs wait."""
    connection = redis_connection()
    if connection is None:
        return {"mode": "in-process", "ok": True, "depth": 0}
    try:
        connection.ping()
        depth = get_queue().count
    except RedisError as error:
        return {"mode": "rq", "ok": False, "error": type(error).__name__}
    return {"mode": "rq", "ok": True, "depth": depth}
