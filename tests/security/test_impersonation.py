"""A citizen (a plain registered user) cannot pass for a state agency:
they cannot create an agency or a group, cannot join one, cannot publish,
cannot become the steward of the requests sent to an agency, and nothing
they make reaches the DCAT feed the national portal harvests. An agency
code belongs to one agency only, whoever tries to reuse it."""
from __future__ import annotations

from typing import Any

import pytest
import rdflib
from rdflib.namespace import DCAT, FOAF, RDF

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import config_declaration
from ckan.tests import factories as ckan_factories

from ckanext.nd47 import access
from ckanext.nd47.logic import roles
from tests import factories

pytestmark = pytest.mark.usefixtures("clean_db", "clean_redis")

CODE = "000.00.23.H40"


def _agency(name: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "title": "Sở Tài chính", "agency_code": code,
            "level": "province", "focal_point_name": "Trần Văn Minh",
            "focal_point_email": "stc@dongnai.gov.vn", **extra}


def _auth(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.api_token(user)}


def _organisations() -> int:
    return model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True)).count()


def _error(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert body["success"] is False, body
    return body["error"]


def test_declared_defaults_keep_agencies_to_sysadmins() -> None:
    """A portal that installs nd47 without ./bin/dev's config still has
    the province's access model: these are CKAN's defaults once nd47 is
    loaded."""
    for name, value in access.DEFAULTS.items():
        option = config_declaration.get(name)
        assert option is not None and option.default == value, name
    assert access.DEFAULTS["ckan.auth.user_create_organizations"] is False


def test_citizen_cannot_create_an_agency_or_a_group(app: Any) -> None:
    citizen = ckan_factories.User()
    headers = _auth(citizen)
    before = model.Session.query(model.Group).count()

    response = app.post("/api/3/action/organization_create",
                        json=_agency("so-tai-chinh", CODE), headers=headers)
    assert response.status_code == 403
    assert _error(response)["__type"] == "Authorization Error"
    response = app.post("/api/3/action/group_create",
                        json={"name": "nhom-gia", "title": "Nhóm giả"},
                        headers=headers)
    assert response.status_code == 403
    assert app.get("/organization/new", headers=headers).status_code == 403
    assert app.get("/group/new", headers=headers).status_code == 403

    assert model.Session.query(model.Group).count() == before


def test_agency_code_is_unique_on_create_and_update(app: Any) -> None:
    headers = _auth(factories.sysadmin())
    api = "/api/3/action/"
    first = app.post(api + "organization_create", headers=headers,
                     json=_agency("so-tai-chinh", CODE))
    assert first.status_code == 200, first.get_json()
    count = _organisations()

    # even a sysadmin cannot give a second agency the same code, in any case
    for code in (CODE, " 000.00.23.h40 "):
        response = app.post(api + "organization_create", headers=headers,
                            json=_agency("so-tai-chinh-2", code))
        assert response.status_code == 409
        messages = _error(response)["agency_code"]
        assert any(m.startswith("Mã định danh 000.00.23.H40 đã được dùng")
                   and "already used by another agency" in m
                   for m in messages), messages
    assert _organisations() == count

    other = app.post(api + "organization_create", headers=headers,
                     json=_agency("so-y-te", "000.00.24.H40",
                                  title="Sở Y tế")).get_json()["result"]
    response = app.post(api + "organization_patch", headers=headers,
                        json={"id": other["id"], "agency_code": CODE})
    assert response.status_code == 409
    assert "agency_code" in _error(response)
    shown = app.get(api + "organization_show", headers=headers,
                    query_string={"id": other["id"]}).get_json()["result"]
    assert shown["agency_code"] == "000.00.24.H40"

    # an agency keeps its own code when it is saved again, by id or name
    for key in (first.get_json()["result"]["id"], "so-tai-chinh"):
        response = app.post(api + "organization_patch", headers=headers,
                            json={"id": key, "agency_code": CODE.lower(),
                                  "description": "Cơ quan tài chính tỉnh"})
        assert response.status_code == 200, response.get_json()
        shown = app.get(api + "organization_show", headers=headers,
                        query_string={"id": key}).get_json()["result"]
        assert shown["agency_code"] == CODE

    # the code of a deleted agency may be given to its successor
    app.post(api + "organization_delete", headers=headers,
             json={"id": other["id"]})
    response = app.post(api + "organization_create", headers=headers,
                        json=_agency("so-y-te-moi", "000.00.24.H40",
                                     title="Sở Y tế"))
    assert response.status_code == 200, response.get_json()


def test_citizen_cannot_publish_or_join_an_agency(app: Any) -> None:
    agency = factories.Agency()
    citizen = ckan_factories.User()
    headers = _auth(citizen)
    api = "/api/3/action/"
    rows = model.Session.query(model.Package).count()
    members = model.Session.query(model.Member).count()

    for owner in ({"owner_org": agency["id"]}, {}):
        response = app.post(api + "package_create", headers=headers,
                            json={"name": "du-lieu-gia", "title": "Giả",
                                  **owner})
        assert response.status_code == 403, response.get_json()
    assert app.get("/dataset/new", headers=headers).status_code == 403

    for action in ("organization_member_create", "member_create"):
        data = {"id": agency["id"], "username": citizen["name"],
                "role": "admin"} if action.startswith("organization") else \
            {"id": agency["id"], "object": citizen["id"],
             "object_type": "user", "capacity": "admin"}
        response = app.post(api + action, headers=headers, json=data)
        assert response.status_code == 403, (action, response.get_json())

    assert model.Session.query(model.Package).count() == rows
    assert model.Session.query(model.Member).count() == members
    assert not roles.is_steward(citizen["name"], agency["id"])


def test_citizen_cannot_become_steward_of_an_agencys_requests(app: Any
                                                               ) -> None:
    agency = factories.Agency()
    citizen = ckan_factories.User()
    headers = _auth(citizen)
    api = "/api/3/action/"
    request = app.post(api + "nd47_request_create", headers=headers, json={
        "title": "Dữ liệu thu ngân sách theo xã",
        "description": "Số thu ngân sách năm 2025 của từng xã.",
        "organization": agency["name"]}).get_json()["result"]

    moves = {
        "nd47_request_transition": {"status": "declined",
                                    "reason": "Không có dữ liệu",
                                    "decline_ground": "other_law"},
        "nd47_request_reassign": {"organization": agency["name"],
                                  "reason": "Chuyển cho tôi"},
    }
    for action, data in moves.items():
        response = app.post(api + action, headers=headers,
                            json={"id": request["id"], **data})
        assert response.status_code == 403, (action, response.get_json())
    shown = tk.get_action("nd47_request_show")(
        {"user": citizen["name"]}, {"id": request["id"]})
    assert shown["status"] == "new"


def test_nothing_a_citizen_makes_reaches_the_catalogue(app: Any) -> None:
    agency = factories.Agency(title="Sở Tài chính", agency_code=CODE)
    dataset = factories.OpenDataset(owner_org=agency["id"])
    citizen = ckan_factories.User(fullname="Người Mạo Danh")
    headers = _auth(citizen)
    api = "/api/3/action/"

    # a dataset attempt, with and without the real agency
    for owner in ({"owner_org": agency["id"]}, {}):
        assert app.post(api + "package_create", headers=headers, json={
            "name": "bao-cao-tai-chinh-gia", "title": "Báo cáo tài chính giả",
            **owner}).status_code == 403
    # what a citizen may make: a data request and a rating
    marker = "Mạo danh Sở Tài chính"
    response = app.post(api + "nd47_request_create", headers=headers, json={
        "title": f"{marker}: yêu cầu", "description": f"{marker}: mô tả",
        "organization": agency["name"]})
    assert response.status_code == 200, response.get_json()
    response = app.post(api + "nd47_rating_create", headers=headers, json={
        "dataset": dataset["name"], "stars": 1, "reason": "quality",
        "comment": f"{marker}: đánh giá"})
    assert response.status_code == 200, response.get_json()

    feed = app.get("/catalog.ttl")
    assert feed.status_code == 200
    action = tk.get_action("dcat_catalog_show")({"user": ""},
                                                {"format": "ttl"})
    for text in (feed.get_data(as_text=True), action):
        graph = rdflib.Graph().parse(data=text, format="turtle")
        catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
        listed = {str(o).rsplit("/", 1)[1]
                  for o in graph.objects(catalog, DCAT.dataset)}
        assert listed == {dataset["id"]}
        assert marker not in text and "bao-cao-tai-chinh-gia" not in text
        assert citizen["name"] not in text and "Người Mạo Danh" not in text
        publishers = {str(name) for agent in graph.subjects(RDF.type,
                                                           FOAF.Agent)
                      for name in graph.objects(agent, FOAF.name)}
        assert "Sở Tài chính" in publishers
