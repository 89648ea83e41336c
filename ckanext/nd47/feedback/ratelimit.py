"""Rate limits on the writes of the feedback feature (requests and problem
reports, comments, supports and ratings, follows) and on web sign-up.

The counts live in Redis (CKAN's own connection), so a limit holds across
every web worker and server of the portal. Each limit is a sliding window:
a sorted set per key holds the time of every admitted action, and one Lua
script (atomic in Redis) drops those older than the window, checks every
key's count and, only when all are under their limits, records the new
action in all of them. Unlike a fixed window, no burst at a window's edge
can double the limit; a refused action is not recorded, so whoever waits
until the oldest action leaves the window may act again.

Two counts are kept for each action of an account: one per account (a
lower limit for accounts created less than
``ckanext.nd47.rate_limit.new_account_hours`` ago) and one per client
address, with a limit ``ckanext.nd47.rate_limit.per_ip_factor`` times the
account's, so that many fresh accounts from one machine are bounded too.
Sysadmins are not limited.

The client address is the address of the peer that connected to CKAN
(CKAN 2.11 has no setting of its own for a reverse proxy). Behind a proxy
set ``ckanext.nd47.rate_limit.proxy_hops`` to the number of proxies that
append to ``X-Forwarded-For`` (as werkzeug's ``ProxyFix(x_for=n)`` does):
only the entry the nearest trusted proxy wrote is believed, never what a
client sends itself.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import math
import time
import uuid
from typing import Optional, Sequence

import flask

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis  # the toolkit has no Redis

from ckanext.nd47 import config
from ckanext.nd47.logic.validators import message

KINDS = {
    "requests": ("yêu cầu dữ liệu", "data requests"),
    "comments": ("bình luận", "comments"),
    "votes": ("lượt ủng hộ", "supports"),
    "follows": ("lượt theo dõi", "follows"),
    "signups": ("lượt đăng ký tài khoản", "sign-ups"),
}

# KEYS: the sorted sets; ARGV: now, window (seconds), a unique member,
# then one limit per key. Returns {0} when admitted, else {i, t}: the
# 1-based index of the first key over its limit and the time (a string,
# so that Lua keeps its fraction) at which it falls back under it.
_SLIDE = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
end
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local nth = redis.call('ZRANGE', key, count - limit, count - limit,
                           'WITHSCORES')
    if nth[2] then
      return {i, tostring(tonumber(nth[2]) + window)}
    end
    return {i, tostring(now + window)}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
end
return {0}
"""


def admit(checks: Sequence[tuple[str, int]], window: float,
          now: Optional[float] = None) -> Optional[tuple[int, float]]:
    """Record one action under every ``(key, limit)`` of ``checks``, or
    none when any key already holds ``limit`` actions of the last
    ``window`` seconds.

    :returns: None when admitted; else the index of the first check over
        its limit and the seconds until it admits again
    """
    now = time.time() if now is None else now
    script = connect_to_redis().register_script(_SLIDE)
    answer = script(keys=[key for key, _ in checks],
                    args=[repr(now), window, f"{now!r}:{uuid.uuid4().hex}",
                          *(limit for _, limit in checks)])
    if int(answer[0]) == 0:
        return None
    until = float(answer[1].decode() if isinstance(answer[1], bytes)
                  else answer[1])
    return int(answer[0]) - 1, max(until - now, 0.0)


def client_address() -> Optional[str]:
    """The address of the client of the current web request (None outside
    one: commands and background jobs are not counted per address)."""
    if not flask.has_request_context():
        return None
    hops = config.rate_limit_proxy_hops()
    if hops > 0:
        forwarded = [part.strip() for part in tk.request.headers.get(
            "X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            try:
                return str(ipaddress.ip_address(forwarded[-hops]))
            except ValueError:
                pass  # not an address: fall back to the peer's
    return tk.request.remote_addr or None


def is_new(account: model.User) -> bool:
    """Whether the account is younger than the new-account period."""
    hours = config.rate_limit_new_account_hours()
    # CKAN stamps ``created`` with the server's local time, without zone
    return hours > 0 and account.created is not None and \
        dt.datetime.now() - account.created < dt.timedelta(hours=hours)


def duration(seconds: float) -> tuple[str, str]:
    """A span of time in Vietnamese and English, rounded up to whole
    seconds below a minute and to whole minutes above."""
    whole = max(math.ceil(seconds), 1)
    if whole < 60:
        return f"{whole} giây", f"{whole} second{'s' if whole > 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} phút", f"{minutes} minute{'s' if minutes > 1 else ''}"


def refusal(kind: str, limit: int, window: int, wait: float,
            who: str = "user") -> str:
    """The bilingual message of a refused ``kind`` action: ``who`` is
    ``user``, ``new`` (a new account) or ``ip`` (the client address)."""
    vi, en = KINDS[kind]
    span_vi, span_en = duration(window)
    wait_vi, wait_en = duration(wait)
    if who == "ip":
        return message(
            f"Từ địa chỉ mạng của bạn đã có quá {limit} {vi} trong "
            f"{span_vi}; xin thử lại sau {wait_vi}",
            f"More than {limit} {en} have come from your network address "
            f"in {span_en}; please try again in {wait_en}")
    if who == "new":
        hours = config.rate_limit_new_account_hours()
        return message(
            f"Tài khoản mới (dưới {hours} giờ) chỉ được gửi {limit} {vi} "
            f"trong {span_vi}; xin thử lại sau {wait_vi}",
            f"A new account (under {hours} hours old) may make only "
            f"{limit} {en} in {span_en}; please try again in {wait_en}")
    return message(
        f"Bạn đã gửi quá {limit} {vi} trong {span_vi}; xin thử lại sau "
        f"{wait_vi}",
        f"You have made more than {limit} {en} in {span_en}; please try "
        f"again in {wait_en}")


def hit(kind: str, account: model.User) -> None:
    """Count one ``kind`` action of the account (and of the client
    address), refusing it (a validation error, HTTP 409 in the API) when
    either is over its limit; sysadmins are not counted."""
    if account.sysadmin:
        return
    window = max(config.rate_limit_window(), 1)
    limit = config.rate_limit(kind)
    new = is_new(account)
    own = max(limit * config.rate_limit_new_account_percent() // 100, 1) \
        if new else limit
    checks = [(f"nd47:rate:{kind}:user:{account.id}", own)]
    who = ["new" if new else "user"]
    address = client_address()
    factor = config.rate_limit_per_ip_factor()
    if address and factor > 0:
        checks.append((f"nd47:rate:{kind}:ip:{address}", limit * factor))
        who.append("ip")
    refused = admit(checks, window)
    if refused is not None:
        index, wait = refused
        raise tk.ValidationError({"rate_limit": [refusal(
            kind, checks[index][1], window, wait, who[index])]})
