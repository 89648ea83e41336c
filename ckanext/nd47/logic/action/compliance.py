"""Actions of the compliance engine."""
from __future__ import annotations

import collections
import datetime as dt
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.nd47.compliance import engine, gate
from ckanext.nd47.logic import schema
from ckanext.nd47.logic.roles import AGENCY_NOT_FOUND, stewarded_organizations
from ckanext.nd47.logic.validators import parse_date

__all__ = ["nd47_compliance_show", "nd47_compliance_summary",
           "resource_delete"]

_PAGE = 500


def rulebook_dict(rulebook: engine.Rulebook) -> dict[str, Any]:
    return {"id": rulebook.id, "version": rulebook.version,
            "title": rulebook.title}


def report_dict(dataset: dict[str, Any], report: engine.Report,
                today: dt.date) -> dict[str, Any]:
    deadlines = {}
    for field in ("review_due", "update_due"):
        due = parse_date(dataset.get(field))
        deadlines[field] = {
            "date": due.isoformat() if due else None,
            "overdue": bool(due and due < today),
        }
    return {
        "dataset": dataset["name"],
        "rulebook": rulebook_dict(report.rulebook),
        "applies": report.applies,
        "status": gate.status(report),
        "compliant": report.compliant,
        "blocking_failures": [r.rule.id for r in report.blocking_failures],
        "warnings": [r.rule.id for r in report.failures
                     if r.rule.severity == "warning"],
        "results": [r.as_dict() for r in report.results],
        "deadlines": deadlines,
    }


@tk.side_effect_free
@tk.validate(schema.compliance_show)
def nd47_compliance_show(context: Context,
                         data_dict: DataDict) -> dict[str, Any]:
    """How one dataset stands against the enforced rulebook: every rule with
    its id, citation, severity, message and whether it passes, plus the
    Art. 20(3) review and update deadlines.

    :param id: the id or name of the dataset
    :type id: string
    :returns: ``status`` (``compliant``, ``warning``, ``blocking`` or
        ``not_applicable`` for data that is not open data), the ids of the
        failing rules, ``results`` and ``deadlines``
    :rtype: dictionary
    """
    tk.check_access("nd47_compliance_show", context, data_dict)
    dataset = tk.get_action("package_show")(
        Context(context), {"id": data_dict["id"]})
    today = dt.date.today()
    return report_dict(dataset, gate.evaluate(dataset, today), today)


def _datasets_of(org_id: str, context: Context) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        page = tk.get_action("package_search")(Context(context), {
            "fq": f'owner_org:"{org_id}" +dataset_type:dataset',
            "include_private": True, "include_drafts": True,
            "rows": _PAGE, "start": start, "sort": "name asc",
        })
        yield from page["results"]
        start += _PAGE
        if start >= page["count"]:
            return


def _agency_summary(org: dict[str, Any], context: Context,
                    today: dt.date) -> dict[str, Any]:
    counts: collections.Counter[str] = collections.Counter()
    failing: collections.Counter[str] = collections.Counter()
    overdue: collections.Counter[str] = collections.Counter()
    for dataset in _datasets_of(org["id"], context):
        report = gate.evaluate(dataset, today)
        counts[gate.status(report)] += 1
        failing.update(r.rule.id for r in report.failures)
        if report.applies:
            for field in ("review_due", "update_due"):
                due = parse_date(dataset.get(field))
                if due is None or due < today:
                    overdue[field] += 1
    return {
        "name": org["name"], "title": org["title"],
        "datasets": sum(counts.values()),
        "compliant": counts["compliant"], "warning": counts["warning"],
        "blocking": counts["blocking"],
        "not_applicable": counts["not_applicable"],
        "failing_rules": dict(sorted(failing.items())),
        "review_overdue": overdue["review_due"],
        "update_overdue": overdue["update_due"],
    }


@tk.side_effect_free
@tk.validate(schema.compliance_summary)
def nd47_compliance_summary(context: Context,
                            data_dict: DataDict) -> dict[str, Any]:
    """Compliance per agency, for its data stewards and for sysadmins:
    how many datasets are compliant, have warnings or fail a blocking rule,
    which rules fail how often and how many review or update deadlines
    (Art. 20(3)) have passed or were never set. Private and draft datasets
    count too.

    :param organization: the id or name of one agency (optional; by
        default every agency the user stewards, or all for a sysadmin)
    :type organization: string
    :returns: ``rulebook`` and ``agencies``, a list with one summary each
    :rtype: dictionary
    """
    tk.check_access("nd47_compliance_summary", context, data_dict)
    user = context.get("user") or ""
    wanted = data_dict.get("organization")
    if wanted:
        ids = [wanted]
    elif _is_sysadmin(user, context):
        ids = tk.get_action("organization_list")(
            Context(context), {"all_fields": False, "limit": 1000})
    else:
        ids = stewarded_organizations(user)
    today = dt.date.today()
    agencies = [_agency_summary(_agency(context, org_id), context, today)
                for org_id in ids]
    agencies.sort(key=lambda a: a["name"])
    return {"rulebook": rulebook_dict(gate.rulebook()),
            "agencies": agencies}


@tk.chained_action
def resource_delete(up_func: Any, context: Context,
                    data_dict: DataDict) -> Any:
    """CKAN's resource_delete, refusing with the failing rules when the
    deletion would leave a public open dataset non-compliant.

    CKAN's own resource_delete expects every package_update refusal to be
    about a resource (``error_dict['resources']``) and fails with a
    KeyError otherwise; resource_create and resource_update already fall
    back to the whole error, which is what this restores.
    """
    try:
        return up_func(context, data_dict)
    except KeyError as error:
        refusal = error.__context__
        if isinstance(refusal, tk.ValidationError):
            raise tk.ValidationError(refusal.error_dict) from None
        raise


def _agency(context: Context, id_or_name: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            Context(context), {"id": id_or_name, "include_datasets": False})
    except tk.ObjectNotFound:
        # a sysadmin's call skips the auth function, which says so too
        raise tk.ObjectNotFound(AGENCY_NOT_FOUND) from None


def _is_sysadmin(user: str, context: Context) -> bool:
    account = context["model"].User.by_name(user) if user else None
    return bool(account and account.sysadmin)
