"""Typed getters for the ``ckanext.nd47.*`` settings declared in
``config_declaration.yaml``."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def rulebook_name() -> str:
    """The rulebook the portal enforces (a file in compliance/rulebooks)."""
    return tk.config.get("ckanext.nd47.rulebook")


def deadline_warning_days() -> int:
    """How many days ahead ``ckan nd47 deadlines`` warns of a deadline."""
    return tk.asint(tk.config.get("ckanext.nd47.deadlines.warning_days"))


def response_days() -> int:
    """Days an agency has to answer a data request."""
    return tk.asint(tk.config.get("ckanext.nd47.requests.response_days"))


def priority_weights() -> dict[str, float]:
    """The weights of the priority score's terms, by term name."""
    return {term: float(tk.config.get(f"ckanext.nd47.priority.weight.{term}"))
            for term in ("supporters", "recency", "diversity", "comments",
                         "usage", "low_ratings")}


def priority_half_life_days() -> float:
    """Days after which the recency term has halved."""
    return float(tk.config.get("ckanext.nd47.priority.half_life_days"))


def rate_limit_window() -> int:
    """The window of the per-user rate limits, in seconds."""
    return tk.asint(tk.config.get("ckanext.nd47.rate_limit.window_seconds"))


def rate_limit(kind: str) -> int:
    """How many ``kind`` (requests, comments, votes, follows) one user may
    make per window."""
    return tk.asint(tk.config.get(f"ckanext.nd47.rate_limit.{kind}"))


def rate_limit_per_ip_factor() -> int:
    """How many times one user's limit one client address may make."""
    return tk.asint(tk.config.get("ckanext.nd47.rate_limit.per_ip_factor"))


def rate_limit_new_account_hours() -> int:
    """Accounts younger than this many hours have the new-account limit."""
    return tk.asint(tk.config.get(
        "ckanext.nd47.rate_limit.new_account_hours"))


def rate_limit_new_account_percent() -> int:
    """A new account's limit, in percent of the limit of other accounts."""
    return tk.asint(tk.config.get(
        "ckanext.nd47.rate_limit.new_account_percent"))


def rate_limit_proxy_hops() -> int:
    """How many reverse proxies in front of CKAN append to
    ``X-Forwarded-For`` (0: the connecting peer is the client)."""
    return tk.asint(tk.config.get("ckanext.nd47.rate_limit.proxy_hops"))


def signup_challenge() -> bool:
    """Whether web sign-up asks its question (and checks its honeypot)."""
    return tk.asbool(tk.config.get("ckanext.nd47.signup.challenge"))


def signup_per_ip_hour() -> int:
    """Sign-ups one client address may make per hour."""
    return tk.asint(tk.config.get("ckanext.nd47.signup.per_ip_hour"))


def content_security_policy() -> str:
    """The Content-Security-Policy of pages, API answers and static files
    (before nd47 adds the hashes of CKAN's own inline handlers)."""
    return " ".join(str(tk.config.get(
        "ckanext.nd47.security.content_security_policy") or "").split())


def upload_content_security_policy() -> str:
    """The Content-Security-Policy of uploaded files."""
    return " ".join(str(tk.config.get(
        "ckanext.nd47.security.upload_content_security_policy") or "").split())


def upload_allowed_formats() -> frozenset[str]:
    """File extensions (lower case, no dot) a resource upload may have."""
    return frozenset(f.strip().lower().lstrip(".") for f in tk.aslist(
        tk.config.get("ckanext.nd47.uploads.allowed_formats")) if f.strip())


def upload_inline_types() -> frozenset[str]:
    """Media types of uploads that may be shown inline."""
    return frozenset(t.strip().lower() for t in tk.aslist(
        tk.config.get("ckanext.nd47.uploads.inline_types")) if t.strip())
