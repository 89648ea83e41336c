"""Template helpers of the dataset, database and agency pages."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.nd47 import admin_units, language
from ckanext.nd47.compliance import gate
from ckanext.nd47.facets import compliance_labels
from ckanext.nd47.logic.validators import parse_date

__all__ = ["nd47_compliance", "nd47_admin_unit_names",
           "nd47_datasets_from_database", "nd47_text_in_language"]


def nd47_text_in_language(texts: dict[str, str]) -> str:
    """The text in the interface language, Vietnamese otherwise."""
    return language.text(texts)


def nd47_compliance(pkg: dict[str, Any]) -> dict[str, Any]:
    """What the dataset page shows: the badge and every rule."""
    today = dt.date.today()
    report = gate.evaluate(pkg, today)
    status = gate.status(report)
    deadlines = []
    for field, label in (("review_due", tk._("Next catalogue review due")),
                         ("update_due", tk._("Data update due"))):
        due = parse_date(pkg.get(field))
        if due:
            deadlines.append({"label": label, "date": due.isoformat(),
                              "overdue": due < today})
    return {
        "status": status,
        "label": compliance_labels()[status],
        "rulebook": nd47_text_in_language(report.rulebook.title),
        "version": report.rulebook.version,
        "rules": [{
            "id": r.rule.id, "passed": r.passed,
            "severity": r.rule.severity,
            "citation": nd47_text_in_language(r.rule.citation),
            "message": nd47_text_in_language(r.rule.message),
        } for r in report.results],
        "deadlines": deadlines,
    }


def nd47_admin_unit_names(codes: list[str] | None,
                          pkg: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, name) of each spatial-coverage code; data that ends before
    the 2025 reorganisation is named with the pre-2025 units."""
    end = pkg.get("temporal_end")
    historical = bool(end) and str(end) < admin_units.REFORM_DATE
    return [(code, admin_units.name(code, historical) or code)
            for code in codes or []]


def nd47_datasets_from_database(name: str) -> list[dict[str, Any]]:
    """The datasets published from a database-catalogue entry that the
    current user may see."""
    result = tk.get_action("package_search")({}, {
        "fq": f'source_database:"{name}" +dataset_type:dataset',
        "rows": 100, "sort": "title_string asc",
    })
    return result["results"]
