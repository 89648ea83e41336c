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
    """How many ``kind`` (requests, comments, votes) one user may make per
    window."""
    return tk.asint(tk.config.get(f"ckanext.nd47.rate_limit.{kind}"))
