"""Template helpers of the dataset, database, agency and data-request
pages."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.nd47 import admin_units, language
from ckanext.nd47.compliance import gate
from ckanext.nd47.facets import choice_labels, compliance_labels
from ckanext.nd47.feedback import workflow
from ckanext.nd47.feedback.score import TERM_LABELS
from ckanext.nd47.logic.validators import parse_date
from ckanext.nd47.signup import nd47_signup_challenge

__all__ = ["nd47_compliance", "nd47_admin_unit_names",
           "nd47_datasets_from_database", "nd47_text_in_language",
           "nd47_feedback_label", "nd47_feedback_choices",
           "nd47_sector_choices", "nd47_datetime", "nd47_rating",
           "nd47_signup_challenge"]


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


# --- data requests and ratings -----------------------------------------------

_FEEDBACK_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "status": workflow.STATUS_LABELS,
    "requester_type": workflow.REQUESTER_TYPE_LABELS,
    "kind": workflow.KIND_LABELS,
    "rating_reason": workflow.RATING_REASON_LABELS,
    "decline_ground": workflow.DECLINE_GROUNDS,
    "term": TERM_LABELS,
}


def nd47_feedback_label(group: str, code: Optional[str]) -> str:
    """The label of a status, requester type, kind, rating reason, decline
    ground or priority term in the interface language; an unknown code as
    it is."""
    texts = _FEEDBACK_LABELS[group].get(code or "")
    return language.text(texts) if texts else (code or "")


def nd47_feedback_choices(group: str) -> list[dict[str, str]]:
    """The options of a select of that group, as CKAN's form.select takes
    them."""
    return [{"value": code, "text": language.text(texts)}
            for code, texts in _FEEDBACK_LABELS[group].items()]


def nd47_sector_choices() -> list[dict[str, str]]:
    """The sectors of the dataset schema, as select options."""
    return [{"value": code, "text": label}
            for code, label in choice_labels("sector").items()]


def nd47_datetime(value: Optional[str], with_hours: bool = False) -> str:
    """An ISO date or time of the feedback actions, localised and in the
    portal's display time zone."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    if len(value) == 10:
        # a calendar day (a target date): at noon UTC it is the same day
        # in every display time zone
        moment = moment.replace(hour=12)
    elif moment.tzinfo is not None:
        # render_datetime converts naive UTC times, not aware ones
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if language.current() == "vi":
        # CKAN's Vietnamese long format reads "tháng 11 21, 2026"; the
        # usual Vietnamese form is day/month/year
        local = moment.replace(tzinfo=dt.timezone.utc).astimezone(
            tk.h.get_display_timezone())
        return local.strftime("%d/%m/%Y %H:%M" if with_hours
                              else "%d/%m/%Y")
    return tk.h.render_datetime(moment, with_hours=with_hours)


def nd47_rating(dataset_id: str) -> Optional[dict[str, Any]]:
    """The ratings of a dataset as the current user sees them; None when
    it cannot be rated (not public)."""
    try:
        result: dict[str, Any] = tk.get_action("nd47_rating_show")(
            {"user": tk.current_user.name}, {"dataset": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None
    return result
