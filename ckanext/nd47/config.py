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
