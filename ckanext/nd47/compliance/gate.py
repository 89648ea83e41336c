"""The enforced rulebook applied to CKAN datasets.

``publication_gate`` is the ``after_validators`` step of the nd47 dataset
schema: it runs on every create and update, after the field validators,
and refuses to make a dataset public while a blocking rule of the enforced
rulebook fails or when its data is not open data. Drafts and private
datasets are saved and show what is missing.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any, Mapping

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import unflatten
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.nd47 import config
from ckanext.nd47.compliance import engine

ERROR_KEY = "nd47_compliance"
_LIST_FIELDS = ("publishing_methods",)


@functools.lru_cache(maxsize=4)
def _load(name: str) -> engine.Rulebook:
    return engine.shipped(name)


def rulebook() -> engine.Rulebook:
    """The rulebook named by ``ckanext.nd47.rulebook`` (parsed once per
    process; the file is read-only data)."""
    return _load(config.rulebook_name())


def vocabulary(name: str) -> frozenset[str]:
    return frozenset(f.upper() for f in rulebook().vocabularies.get(name, ()))


def normalise(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """The dataset as the checks read it: JSON lists decoded, as they are
    between validation and storage."""
    result = dict(dataset)
    for field in _LIST_FIELDS:
        value = result.get(field)
        if isinstance(value, str):
            try:
                result[field] = json.loads(value)
            except ValueError:
                result[field] = [value]
    return result


def evaluate(dataset: Mapping[str, Any],
             today: dt.date | None = None) -> engine.Report:
    return rulebook().evaluate(normalise(dataset), today)


def status(report: engine.Report) -> str:
    """One word for the facet and the badge."""
    if not report.applies:
        return "not_applicable"
    if report.blocking_failures:
        return "blocking"
    if report.failures:
        return "warning"
    return "compliant"


def _rule_line(result: engine.RuleResult) -> str:
    rule = result.rule
    return (f"{rule.id} ({rule.citation['vi']}): {rule.message['vi']} / "
            f"{rule.message.get('en', '')}")


def publication_gate(key: FlattenKey, data: FlattenDataDict,
                     errors: FlattenErrorDict, context: Context) -> None:
    if any(errors.values()):
        return  # the steward fixes the field errors first
    dataset = unflatten({k: v for k, v in data.items()
                         if k[0] not in ("__junk", "extras")})
    existing = context.get("package")
    private = dataset.get("private")
    if private is tk.missing or private is None:
        private = existing.private if existing else False
    state = dataset.get("state")
    if state is tk.missing or not state:
        state = existing.state if existing else "active"
    if tk.asbool(private) or state != "active":
        return
    if dataset.get("classification") != "open":
        errors.setdefault(("private",), []).append(
            "Chỉ dữ liệu mở mới được công khai; dữ liệu chia sẻ phải để "
            "riêng tư / Only open data can be public; keep shared data "
            "private")
        return
    report = evaluate(dataset)
    if report.blocking_failures:
        errors.setdefault((ERROR_KEY,), []).extend(
            _rule_line(r) for r in report.blocking_failures)
