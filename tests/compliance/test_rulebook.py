"""The compliance engine and the Decree 47/2020 rulebook, without a
database: one passing and one failing dataset for every rule."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from ckanext.nd47.compliance import engine

TODAY = dt.date(2026, 11, 21)
DECREE_47 = engine.shipped("decree-47-2020")

COMPLIANT = {
    "classification": "open",
    "anonymous_access": True,
    "free_of_charge": True,
    "personal_information": "none",
    "security_assessment": "Đã đánh giá: không có rủi ro khi kết hợp.",
    "legal_basis": "Quyết định số 123/QĐ-UBND về danh mục dữ liệu mở",
    "license_id": "cc-by",
    "terms_of_use": "Điều 18 Nghị định 47/2020/NĐ-CP",
    "publishing_methods": ["download"],
    "national_portal": True,
    "catalogue_reviewed": "2026-09-01",
    "data_updated": "2026-10-15",
    "resources": [{"format": "CSV"}, {"format": "PDF"}],
}


def _failing(rule_id: str) -> list[str]:
    return [r.rule.id for r in DECREE_47.evaluate(
        FAILING[rule_id], TODAY).failures]


def _with(**changes):
    dataset = copy.deepcopy(COMPLIANT)
    dataset.update(changes)
    return dataset


FAILING = {
    "A17.1.d": _with(resources=[{"format": "PDF"}, {"format": "DOCX"}]),
    "A17.1.e": _with(resources=[{"format": "XLSX"}]),
    "A17.1.đ": _with(anonymous_access=False),
    "A17.1.g": _with(free_of_charge=False),
    "A18": _with(terms_of_use=""),
    "A20.1": _with(personal_information="present"),
    "A20.2": _with(security_assessment=None),
    "A20.3.review": _with(catalogue_reviewed="2026-05-01"),
    "A20.3.update": _with(data_updated="2026-08-01"),
    "A20.4": _with(legal_basis=""),
    "A21.1": _with(publishing_methods=[]),
    "A21.2": _with(national_portal=False),
}


def test_every_rule_has_a_failing_case():
    assert set(FAILING) == {r.id for r in DECREE_47.rules}


def test_a_complete_open_dataset_passes_every_rule():
    report = DECREE_47.evaluate(COMPLIANT, TODAY)
    assert report.applies and report.compliant
    assert len(report.results) == len(DECREE_47.rules)


# open formats are machine-readable, so data that is not machine-readable
# is not in an open format either
ALSO_FAILS = {"A17.1.d": ["A17.1.e"]}


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_each_rule_fails_on_its_own_case(rule_id):
    assert _failing(rule_id) == [rule_id] + ALSO_FAILS.get(rule_id, [])


@pytest.mark.parametrize("rule_id, blocking", [
    ("A17.1.d", True), ("A20.1", True), ("A21.1", True),
    ("A20.3.review", False), ("A20.3.update", False), ("A21.2", False),
])
def test_blocking_and_warning_rules(rule_id, blocking):
    report = DECREE_47.evaluate(FAILING[rule_id], TODAY)
    assert bool(report.blocking_failures) is blocking
    assert not report.compliant


def test_results_carry_citation_and_bilingual_message():
    result = DECREE_47.evaluate(FAILING["A20.2"], TODAY).failures[0]
    data = result.as_dict()
    assert data["id"] == "A20.2"
    assert data["citation"]["vi"] == \
        "Khoản 2 Điều 20 Nghị định số 47/2020/NĐ-CP"
    assert data["message"]["vi"].startswith("Cần ghi nhận")
    assert data["message"]["en"].startswith("Record the assessment")


def test_personal_information_mitigated_needs_a_reidentification_check():
    mitigated = _with(personal_information="mitigated")
    assert [r.rule.id for r in DECREE_47.evaluate(
        mitigated, TODAY).failures] == ["A20.1"]
    assessed = _with(personal_information="mitigated",
                     reidentification_assessment="Đã gộp theo xã, k ≥ 10")
    assert DECREE_47.evaluate(assessed, TODAY).compliant


@pytest.mark.parametrize("reviewed, ok", [
    ("2026-05-21", True), ("2026-05-20", False), (None, False),
    ("not a date", False), ("2026-11-21T08:00:00", True),
])
def test_six_month_review_deadline(reviewed, ok):
    report = DECREE_47.evaluate(_with(catalogue_reviewed=reviewed), TODAY)
    assert ("A20.3.review" not in [r.rule.id for r in report.failures]) \
        is ok


@pytest.mark.parametrize("classification", ["shared_default",
                                            "shared_on_request"])
def test_shared_data_is_not_held_to_open_data_rules(classification):
    report = DECREE_47.evaluate({"classification": classification}, TODAY)
    assert not report.applies and report.compliant


def test_format_names_are_case_insensitive():
    report = DECREE_47.evaluate(_with(resources=[{"format": "csv"}]), TODAY)
    assert report.compliant


def test_a_second_rulebook_needs_no_engine_change():
    other = engine.load(Path(__file__).parent / "data" /
                        "law-on-data-demo.yaml")
    assert other.id == "law-on-data-demo"
    spatial = {"classification": "open", "spatial": True,
               "contact_phone": "0251 3822 115",
               "resources": [{"format": "CSV"}]}
    report = other.evaluate(spatial, TODAY)
    assert [r.rule.id for r in report.failures] == ["LDL-spatial"]
    assert not report.blocking_failures
    spatial["resources"].append({"format": "GeoJSON"})
    assert other.evaluate(spatial, TODAY).compliant
    assert [r.rule.id for r in other.evaluate(
        {"classification": "open"}, TODAY).blocking_failures] == [
        "LDL-contact"]


@pytest.mark.parametrize("broken, complaint", [
    ({"kind": "telepathy"}, "unknown check kind"),
    ({"kind": "present"}, "needs a 'field'"),
    ({"kind": "resource_format_in", "vocabulary": "nope"},
     "unknown vocabulary"),
    ({"kind": "within_months", "field": "x", "months": "six"},
     "whole 'months'"),
])
def test_malformed_checks_are_reported_with_the_rule(broken, complaint):
    data = {"id": "x", "version": "1", "title": {"vi": "x"}, "rules": [{
        "id": "R1", "severity": "blocking", "citation": {"vi": "Điều 1"},
        "message": {"vi": "Thông báo"}, "check": broken}]}
    with pytest.raises(engine.RulebookError) as error:
        engine.parse(data, "broken.yaml")
    assert "broken.yaml: rule 'R1'" in str(error.value)
    assert complaint in str(error.value)


@pytest.mark.parametrize("rule, complaint", [
    ({"severity": "fatal"}, "severity"),
    ({"message": {"en": "only English"}}, "Vietnamese"),
    ({"id": None}, "unique 'id'"),
])
def test_malformed_rules_are_reported(rule, complaint):
    base = {"id": "R1", "severity": "warning", "citation": {"vi": "Điều 1"},
            "message": {"vi": "Thông báo"},
            "check": {"kind": "present", "field": "x"}}
    base.update(rule)
    data = {"id": "x", "version": "1", "title": {"vi": "x"},
            "rules": [base]}
    with pytest.raises(engine.RulebookError, match=complaint):
        engine.parse(data)


def test_rule_ids_are_unique_per_rulebook():
    rule = {"id": "R1", "severity": "warning", "citation": {"vi": "Điều 1"},
            "message": {"vi": "Thông báo"},
            "check": {"kind": "present", "field": "x"}}
    with pytest.raises(engine.RulebookError, match="unique"):
        engine.parse({"id": "x", "version": "1", "title": {"vi": "x"},
                      "rules": [rule, dict(rule)]})
