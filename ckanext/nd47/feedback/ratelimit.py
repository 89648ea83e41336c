"""Per-user rate limits on creating requests, comments and votes.

The counts live in Redis (CKAN's own connection), so a limit holds across
every web worker and server of the portal. A fixed window per user and
kind: ``INCR`` of ``nd47:rate:<kind>:<user>:<window>`` with an expiry of
one window; the first action past the limit is refused until the window
turns.
"""
from __future__ import annotations

import time

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis  # the toolkit has no Redis

from ckanext.nd47 import config
from ckanext.nd47.logic.validators import message

KINDS = {
    "requests": ("yêu cầu dữ liệu", "data requests"),
    "comments": ("bình luận", "comments"),
    "votes": ("lượt ủng hộ", "supports"),
}


def hit(kind: str, user_id: str) -> None:
    """Count one ``kind`` action of the user, refusing it (a validation
    error, HTTP 409 in the API) when the user is over the limit."""
    limit = config.rate_limit(kind)
    window = max(config.rate_limit_window(), 1)
    slot = int(time.time()) // window
    key = f"nd47:rate:{kind}:{user_id}:{slot}"
    pipe = connect_to_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window + 5)
    count = int(pipe.execute()[0])
    if count > limit:
        vi, en = KINDS[kind]
        minutes = max(window // 60, 1)
        raise tk.ValidationError({"rate_limit": [message(
            f"Bạn đã gửi quá {limit} {vi} trong {minutes} phút; "
            "xin thử lại sau",
            f"You have made more than {limit} {en} in {minutes} minutes; "
            "please try again later")]})
