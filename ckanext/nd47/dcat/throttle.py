"""At most ``ckanext.nd47.dcat.export_max_concurrent`` full exports at
once, across every web worker and server of the portal.

An export is anonymous and costs seconds of CPU (minutes when its entries
must all be written), so the endpoint must not let a burst of requests
take every worker. The running exports are members of a Redis sorted set
scored by their start time: a request joins it, and leaves it when its
stream ends or is cut off; one that finds the set full leaves at once and
is refused. A worker that dies mid-export cannot leave, so members older
than an hour are dropped.
"""
from __future__ import annotations

import time
import uuid

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis  # the toolkit has no Redis

__all__ = ["acquire", "release"]

KEY = "nd47:dcat:exports"
STALE_SECONDS = 3600


def _limit() -> int:
    return tk.asint(tk.config.get("ckanext.nd47.dcat.export_max_concurrent"))


def acquire() -> str | None:
    """A token for one export, or None when the limit is reached."""
    redis = connect_to_redis()
    now = time.time()
    token = uuid.uuid4().hex
    pipe = redis.pipeline()
    pipe.zremrangebyscore(KEY, 0, now - STALE_SECONDS)
    pipe.zadd(KEY, {token: now})
    pipe.zcard(KEY)
    pipe.expire(KEY, STALE_SECONDS)
    running = int(pipe.execute()[2])
    if running > _limit():
        redis.zrem(KEY, token)
        return None
    return token


def release(token: str) -> None:
    connect_to_redis().zrem(KEY, token)
