"""Every rule of the Decree 47 rulebook through CKAN's actions: a dataset
that passes it, one that fails it, and what failing does on publish.

Blocking rules stop an open dataset from becoming public (the failing rules
come back as the error, nothing stored changes); a private or draft dataset
is saved and shows what is missing. Warnings never block."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.nd47.compliance import gate
from tests import factories
from tests.helpers import call, refused

# rule id -> changes that make a complete open dataset fail that rule (a PDF
# is neither machine-readable nor open, so A17.1.d's case fails A17.1.e too)
FAILING: dict[str, dict[str, Any]] = {
    "A17.1.d": {"resources": [factories.csv_resource(format="PDF")]},
    "A17.1.e": {"resources": [factories.csv_resource(format="XLSX")]},
    "A17.1.đ": {"anonymous_access": False},
    "A17.1.g": {"free_of_charge": False},
    "A18": {"license_id": "cc-nc"},
    "A20.1": {"personal_information": "present"},
    "A20.2": {"security_assessment": ""},
    "A20.3.review": {"catalogue_reviewed": factories.days_ago(200)},
    "A20.3.update": {"data_updated": factories.days_ago(100)},
    "A20.4": {"legal_basis": ""},
    "A21.1": {"publishing_methods": []},
    "A21.2": {"national_portal": False},
}
BLOCKING = sorted(r.id for r in gate.rulebook().rules
                  if r.severity == "blocking")
WARNINGS = sorted(r.id for r in gate.rulebook().rules
                  if r.severity == "warning")


def test_every_rule_has_a_failing_case():
    assert sorted(FAILING) == sorted(r.id for r in gate.rulebook().rules)


def compliance(user: dict[str, Any], name: str) -> dict[str, Any]:
    return call("nd47_compliance_show", user, id=name)


def dataset(steward: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A complete open dataset's fields, with ``changes``."""
    record = {
        "name": "du-lieu-thu", "title": "Dữ liệu thử",
        "notes": "Mô tả.", "owner_org": steward["org"]["id"],
        "classification": "open", "sector": "ENVI",
        "legal_basis": "Kế hoạch dữ liệu mở năm 2025",
        "license_id": "cc-by", "publishing_methods": ["download"],
        "anonymous_access": True, "free_of_charge": True,
        "personal_information": "none",
        "security_assessment": "Đã đánh giá, không có rủi ro.",
        "catalogue_reviewed": factories.days_ago(30),
        "data_updated": factories.days_ago(10), "national_portal": True,
        "resources": [factories.csv_resource()],
    }
    record.update(changes)
    return record


@pytest.mark.parametrize("rule", sorted(FAILING))
def test_a_complete_dataset_passes_every_rule(steward, rule):
    call("package_create", steward["user"], **dataset(steward))
    report = compliance(steward["user"], "du-lieu-thu")
    result = {r["id"]: r for r in report["results"]}[rule]
    assert result["passed"] is True
    assert report["status"] == "compliant"


@pytest.mark.parametrize("rule", BLOCKING)
class TestBlockingRules:
    def test_public_creation_is_refused_with_the_rule(self, steward, rule):
        errors = refused(lambda: call("package_create", steward["user"],
                                      **dataset(steward, **FAILING[rule])))
        failures = {line.split(" ")[0]: line
                    for line in errors[gate.ERROR_KEY]}
        assert rule in failures
        # the citation and both languages are in the message
        assert "Nghị định số 47/2020/NĐ-CP" in failures[rule]
        assert " / " in failures[rule]

    def test_a_private_dataset_is_saved_and_shows_the_rule(self, steward,
                                                           rule):
        call("package_create", steward["user"],
             **dataset(steward, private=True, **FAILING[rule]))
        report = compliance(steward["user"], "du-lieu-thu")
        assert report["status"] == "blocking"
        assert rule in report["blocking_failures"]

    def test_a_draft_is_saved_and_shows_the_rule(self, steward, rule):
        call("package_create", steward["user"],
             **dataset(steward, state="draft", **FAILING[rule]))
        assert rule in compliance(steward["user"], "du-lieu-thu")[
            "blocking_failures"]

    def test_publishing_is_refused_and_nothing_changes(self, steward, rule):
        created = call("package_create", steward["user"],
                       **dataset(steward, private=True, **FAILING[rule]))
        before = call("package_show", steward["user"], id=created["id"])
        refused(lambda: call("package_patch", steward["user"],
                             id=created["id"], private=False,
                             title="Tên mới"))
        assert call("package_show", steward["user"],
                    id=created["id"]) == before

    def test_fixing_the_rule_allows_publishing(self, steward, rule):
        created = call("package_create", steward["user"],
                       **dataset(steward, private=True, **FAILING[rule]))
        fixed = call("package_update", steward["user"],
                     **dict(dataset(steward), id=created["id"],
                            private=False))
        assert fixed["private"] is False
        assert compliance(steward["user"], "du-lieu-thu")["status"] == \
            "compliant"


@pytest.mark.parametrize("rule", WARNINGS)
def test_warnings_are_shown_and_do_not_block(steward, rule):
    created = call("package_create", steward["user"],
                   **dataset(steward, **FAILING[rule]))
    assert created["private"] is False
    report = compliance(steward["user"], "du-lieu-thu")
    assert report["status"] == "warning"
    assert report["warnings"] == [rule]
    assert report["blocking_failures"] == []


def test_mitigated_personal_information_needs_an_assessment(steward):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **dataset(steward,
                                            personal_information="mitigated")))
    assert errors[gate.ERROR_KEY][0].startswith("A20.1")
    call("package_create", steward["user"], **dataset(
        steward, personal_information="mitigated",
        reidentification_assessment="Dữ liệu đã gộp theo xã."))


def test_several_failures_come_back_together(steward):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **dataset(steward, legal_basis="",
                                            security_assessment="",
                                            free_of_charge=False)))
    assert [line.split(" ")[0] for line in errors[gate.ERROR_KEY]] == [
        "A17.1.g", "A20.2", "A20.4"]


@pytest.mark.parametrize("classification", ["shared_default",
                                            "shared_on_request"])
def test_shared_data_must_stay_private(steward, classification):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **dataset(steward,
                                            classification=classification)))
    assert errors["private"][0].startswith("Chỉ dữ liệu mở mới được công khai")
    call("package_create", steward["user"],
         **dataset(steward, classification=classification, private=True,
                   legal_basis=""))
    report = compliance(steward["user"], "du-lieu-thu")
    assert report["status"] == "not_applicable"
    assert report["applies"] is False


def test_removing_the_last_open_resource_of_a_public_dataset_is_refused(
        steward):
    created = call("package_create", steward["user"], **dataset(steward))
    resource_id = created["resources"][0]["id"]
    with pytest.raises(tk.ValidationError):
        call("resource_delete", steward["user"], id=resource_id)
    shown = call("package_show", steward["user"], id=created["id"])
    assert [r["id"] for r in shown["resources"]] == [resource_id]


def _form(record: dict[str, Any]) -> dict[str, Any]:
    """The dataset as the web form posts it."""
    fields = {k: v for k, v in record.items()
              if k not in ("resources", "publishing_methods")}
    return {**fields, "publishing_methods": "download", "save": "",
            "_ckan_phase": ""}


def test_the_edit_form_lists_the_failing_rules(app, steward):
    """Emptying a required-for-publication field of a public dataset in
    the form: the rules come back above the form, in Vietnamese, and the
    stored dataset keeps its value."""
    token = factories.api_token(steward["user"])
    call("package_create", steward["user"], **dataset(steward))
    response = app.post("/dataset/edit/du-lieu-thu",
                        headers={"Authorization": token},
                        data=_form(dataset(steward, legal_basis="")))
    assert response.status_code == 200
    assert "Bộ dữ liệu này chưa thể công khai" in response.body
    assert "A20.4" in response.body
    assert call("package_show", steward["user"],
                id="du-lieu-thu")["legal_basis"] == \
        "Kế hoạch dữ liệu mở năm 2025"


def test_finishing_a_new_dataset_that_fails_a_rule_keeps_it_a_draft(
        app, steward):
    """"Finish" on the add-data step publishes through package_update,
    which CKAN's page does not guard: the steward lands on the dataset's
    form with the failing rules, not on a server error."""
    token = factories.api_token(steward["user"])
    call("package_create", steward["user"], **dataset(
        steward, state="draft", legal_basis=""))
    response = app.post("/dataset/du-lieu-thu/resource/new",
                        headers={"Authorization": token},
                        data={"save": "go-metadata", "id": ""},
                        follow_redirects=False)
    assert response.status_code == 302
    assert response.location.endswith("/dataset/edit/du-lieu-thu")
    page = app.get("/dataset/edit/du-lieu-thu",
                   headers={"Authorization": token})
    assert "A20.4" in page.body
    assert call("package_show", steward["user"],
                id="du-lieu-thu")["state"] == "draft"


class TestComplianceActions:
    def test_anyone_sees_the_compliance_of_a_public_dataset(self, steward):
        call("package_create", steward["user"], **dataset(steward))
        report = tk.get_action("nd47_compliance_show")(
            {"user": "", "ignore_auth": False}, {"id": "du-lieu-thu"})
        assert report["rulebook"]["id"] == "decree-47-2020"
        assert len(report["results"]) == len(FAILING)

    def test_a_private_dataset_is_hidden_from_others(self, steward):
        call("package_create", steward["user"],
             **dataset(steward, private=True))
        outsider = ckan_factories.User()
        # answered as a missing dataset is, by the same message
        with pytest.raises(tk.ObjectNotFound) as missing:
            call("nd47_compliance_show", outsider, id="khong-co-du-lieu")
        with pytest.raises(tk.ObjectNotFound) as hidden:
            call("nd47_compliance_show", outsider, id="du-lieu-thu")
        assert str(hidden.value) == str(missing.value)
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("nd47_compliance_show")(
                {"user": "", "ignore_auth": False}, {"id": "du-lieu-thu"})

    def test_missing_id_is_a_validation_error(self, steward):
        with pytest.raises(tk.ValidationError) as error:
            call("nd47_compliance_show", steward["user"])
        assert error.value.error_dict["id"][0].startswith(
            "Trường này là bắt buộc")

    def test_summary_counts_per_agency_for_its_stewards(self, steward):
        call("package_create", steward["user"], **dataset(steward))
        call("package_create", steward["user"], **dataset(
            steward, name="canh-bao", national_portal=False))
        call("package_create", steward["user"], **dataset(
            steward, name="rieng-tu", private=True, legal_basis=""))
        call("package_create", steward["user"], **dataset(
            steward, name="chia-se", private=True,
            classification="shared_default"))
        summary = call("nd47_compliance_summary", steward["user"])
        assert [a["name"] for a in summary["agencies"]] == [
            steward["org"]["name"]]
        agency = summary["agencies"][0]
        assert (agency["datasets"], agency["compliant"], agency["warning"],
                agency["blocking"], agency["not_applicable"]) == (4, 1, 1, 1, 1)
        assert agency["failing_rules"] == {"A20.4": 1, "A21.2": 1}

    def test_summary_is_for_stewards_and_sysadmins(self, steward):
        other = factories.Agency()
        citizen = ckan_factories.User()
        with pytest.raises(tk.NotAuthorized):
            call("nd47_compliance_summary", citizen)
        with pytest.raises(tk.NotAuthorized):
            call("nd47_compliance_summary", steward["user"],
                 organization=other["name"])
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("nd47_compliance_summary")(
                {"user": "", "ignore_auth": False}, {})
        everyone = call("nd47_compliance_summary", factories.sysadmin())
        assert {a["name"] for a in everyone["agencies"]} == {
            steward["org"]["name"], other["name"]}

    def test_the_search_facets_on_compliance(self, steward, app):
        call("package_create", steward["user"], **dataset(steward))
        call("package_create", steward["user"], **dataset(
            steward, name="canh-bao", national_portal=False))
        result = app.get("/api/3/action/package_search", query_string={
            "facet.field": '["nd47_compliance"]'}).json["result"]
        items = {i["name"]: (i["count"], i["display_name"])
                 for i in result["search_facets"]["nd47_compliance"]["items"]}
        assert items == {"compliant": (1, "Đạt"),
                         "warning": (1, "Đạt, có cảnh báo")}
