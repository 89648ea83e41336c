"""The interface language, also outside a web request (CLI, jobs)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def current() -> str:
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    except RuntimeError:  # no request: commands and background jobs
        return tk.config.get("ckan.locale_default")


def text(texts: Any) -> str:
    """A ``{vi: …, en: …}`` text in the current language, Vietnamese
    otherwise; plain strings pass through."""
    if not isinstance(texts, dict):
        return str(texts)
    return str(texts.get(current()) or texts.get("vi") or next(
        iter(texts.values()), ""))
