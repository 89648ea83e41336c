"""A dataset that stops being public leaves no trace for those who cannot
see it.

The world: an agency with a steward, another agency with an outsider (a
logged-in user who is no member of the first), a group, and three open
datasets of the first agency in the group, each with its own tags,
created by the steward (so each has a "new package" activity with the
whole dataset in it) and rated low by a citizen (so each has an
improvement request). Then one is made private ("hidden") and another
is purged ("purged"); the third stays public.

Checked as anonymous and as the outsider, over HTTP (the ``app``
fixture: the API and the pages): the hidden and the purged datasets' id,
name, title and tags and the hidden one's resource id appear nowhere in

- API: ``recently_changed_packages_activity_list``,
  ``user_activity_list`` (the steward), ``package_activity_list`` (the
  public dataset), ``organization_activity_list``,
  ``group_activity_list``, ``dashboard_activity_list`` (the outsider),
  ``member_list`` (group and agency, all objects and packages only),
  ``tag_list`` (names and ``all_fields``), ``tag_search``,
  ``tag_autocomplete``, ``package_search``, ``nd47_request_list`` (all,
  ``kind=improvement``, ``q`` = a word of the hidden title),
  ``nd47_request_queue``, ``nd47_request_show`` (each improvement
  request), ``package_list``, ``current_package_list_with_resources``,
  ``package_autocomplete``, ``resource_search``, ``group_show`` and
  ``organization_show`` (with datasets), ``group_package_show``,
  ``group_list`` and ``organization_list`` (all fields), and
  ``activity_show``, ``activity_data_show``, ``activity_diff`` of the
  public dataset's activities (a refusal, never a 500);
- pages: ``/user/activity/<steward>``, ``/organization/activity/<agency>``,
  ``/group/activity/<group>``, ``/dashboard/`` (the outsider),
  ``/dataset/``, ``/group/<group>``, ``/organization/<agency>``,
  ``/data-request/`` (also ``?q=``), ``/data-request/<id>`` of each
  improvement request, ``/data-request/queue``, ``/data-request/queue.csv``,
  the feeds ``/feeds/dataset.atom``, ``/feeds/group/<group>.atom``,
  ``/feeds/organization/<agency>.atom``, ``/feeds/tag/<tag>.atom``;
- mail: the mail to the followers of the hidden dataset's improvement
  request when a steward moves it;

and the hidden dataset answers exactly as a missing one (404, the same
message) in ``package_show`` (by id and by name), ``resource_show``,
``package_activity_list``, ``activity_show``, ``activity_data_show``,
``activity_diff`` (its activities), ``tag_show`` (its tag),
``nd47_rating_show``, ``nd47_compliance_show``, and the pages
``/dataset/<id>``, ``/dataset/<name>``, ``/dataset/<id>/resource/<rid>``,
``/dataset/activity/<id>``, ``/dataset/activity/<name>``,
``/dataset/<id>.ttl``. The purged dataset's
activities answer as missing ones too.

The steward still sees the hidden dataset everywhere: ``package_show``,
``resource_show``, ``package_activity_list`` (with its "new package"
activity), ``user_activity_list``, ``tag_list``, ``member_list``,
``nd47_compliance_show``, the improvement request's title and its
dataset page. Made public again, a dataset's history is public again;
``bulk_update_private`` hides it as ``package_update`` does.
"""
from __future__ import annotations

import dataclasses
import uuid
from typing import Any, Iterator, Optional

import pytest

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib import jobs
from ckan.tests import factories as ckan_factories

from tests import factories
from tests.deadlines.conftest import smtp  # noqa: F401  (a fixture)
from tests.feedback.conftest import run_jobs

# the portal runs CKAN's activity plugin (bin/dev); test.ini does not
_INI_PLUGINS = tk.aslist(tk.config.get("ckan.plugins"))
PLUGINS = " ".join([*_INI_PLUGINS, "activity"]
                   if "activity" not in _INI_PLUGINS else _INI_PLUGINS)
pytestmark = pytest.mark.ckan_config("ckan.plugins", PLUGINS)

HIDDEN_TITLE = ("Cải thiện một bộ dữ liệu không công khai / "
                "Improve a dataset that is not public")


@dataclasses.dataclass
class World:
    steward: dict[str, Any]
    outsider: dict[str, Any]
    citizen: dict[str, Any]
    sysadmin: dict[str, Any]
    agency: dict[str, Any]
    group: dict[str, Any]
    public: dict[str, Any]
    hidden: dict[str, Any]
    purged: dict[str, Any]
    # improvement requests, by dataset
    requests: dict[str, str]
    # activity ids of each dataset
    public_activities: list[str]
    hidden_activities: list[str]
    purged_activities: list[str]

    def secrets(self) -> list[str]:
        """What must not be seen of the hidden and purged datasets."""
        found = []
        for dataset in (self.hidden, self.purged):
            found += [dataset["id"], dataset["name"], dataset["title"],
                      *(t["name"] for t in dataset["tags"]),
                      *(r["id"] for r in dataset["resources"])]
        return found


def act(action: str, user: Optional[dict[str, Any]], **data: Any) -> Any:
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return tk.get_action(action)(context, data)


def _dataset(world_users: dict[str, Any], name: str, title: str,
             tag: str) -> dict[str, Any]:
    made: dict[str, Any] = factories.OpenDataset(
        user=world_users["steward"], owner_org=world_users["agency"]["id"],
        name=name, title=title, tag_string=tag,
        groups=[{"name": world_users["group"]["name"]}])
    return made


def _build() -> World:
    steward = ckan_factories.User(name="can-bo-so-tai-nguyen")
    outsider = ckan_factories.User(name="can-bo-so-khac")
    citizen = ckan_factories.User(name="cong-dan-danh-gia",
                                  email="congdan@example.vn")
    sysadmin = ckan_factories.Sysadmin(name="quan-tri-cong")
    agency = factories.Agency(
        name="so-tai-nguyen", title="Sở Tài nguyên",
        users=[{"name": steward["name"], "capacity": "editor"}])
    factories.Agency(name="so-khac", title="Sở Khác",
                     users=[{"name": outsider["name"],
                             "capacity": "editor"}])
    group = ckan_factories.Group(
        name="moi-truong", title="Môi trường",
        users=[{"name": steward["name"], "capacity": "editor"}])
    people = {"steward": steward, "agency": agency, "group": group}
    public = _dataset(people, "chat-luong-khong-khi",
                      "Chất lượng không khí", "khong-khi")
    hidden = _dataset(people, "so-gieng-khoan-q7x",
                      "Sổ đăng ký giếng khoan Q7X", "khoan-ngam-q7x")
    purged = _dataset(people, "danh-ba-tram-bom-z9w",
                      "Danh bạ trạm bơm Z9W", "bom-nuoc-z9w")
    requests = {}
    for dataset in (public, hidden, purged):
        act("nd47_rating_create", citizen, dataset=dataset["id"], stars=1,
            reason="quality")
        state = act("nd47_rating_show", citizen, dataset=dataset["id"])
        requests[dataset["id"]] = state["improvement_request"]
    jobs.get_queue().empty()  # the agency's mails are not the subject here
    # one more version each: activity_diff has a previous one to compare
    for dataset in (public, hidden, purged):
        act("package_patch", steward, id=dataset["id"],
            notes="Mô tả đầy đủ, đã cập nhật.")

    def activities(dataset: dict[str, Any]) -> list[str]:
        return [a["id"] for a in act("package_activity_list", sysadmin,
                                     id=dataset["id"])]

    public_activities = activities(public)
    hidden_activities = activities(hidden)
    purged_activities = activities(purged)
    act("package_patch", steward, id=hidden["id"], private=True)
    act("dataset_purge", sysadmin, id=purged["id"])
    return World(steward, outsider, citizen, sysadmin, agency, group,
                 public, hidden, purged, requests, public_activities,
                 hidden_activities, purged_activities)


@pytest.fixture(scope="module")
def _built() -> Iterator[dict[str, World]]:
    built: dict[str, World] = {}
    yield built
    # leave the session's plugins as test.ini names them
    if p.plugin_loaded("activity"):
        p.unload("activity")


@pytest.fixture
def world(_built: dict[str, World], reset_db: Any, migrate_db_for: Any,
          reset_redis: Any) -> World:
    """The world, made once per module; made again when another test has
    emptied the database."""
    if not p.plugin_loaded("activity"):
        p.load("activity")
    cached = _built.get("world")
    if cached is None or model.Package.get(cached.public["id"]) is None:
        reset_db()
        reset_redis()
        migrate_db_for("activity")
        migrate_db_for("nd47_search")
        migrate_db_for("nd47")
        cached = _built["world"] = _build()
    return cached


def headers(user: Optional[dict[str, Any]]) -> dict[str, str]:
    return {"Authorization": factories.api_token(user)} if user else {}


def api(app: Any, action: str, user: Optional[dict[str, Any]],
        **params: Any) -> Any:
    return app.get(f"/api/3/action/{action}", query_string=params,
                   headers=headers(user))


def assert_clean(response: Any, world: World, where: str,
                 *asked: str) -> None:
    """Nothing of the hidden datasets in the answer, but for what was
    ``asked`` for (a page may repeat its own address)."""
    assert response.status_code < 500, (where, response.status_code)
    body = response.body
    leaked = [secret for secret in world.secrets()
              if secret in body and secret not in asked]
    assert not leaked, (where, leaked)


@pytest.fixture(params=["anonymous", "outsider"])
def viewer(request: Any, world: World) -> Optional[dict[str, Any]]:
    return None if request.param == "anonymous" else world.outsider


def test_lists_and_pages_show_nothing_of_hidden_datasets(
        app: Any, world: World, viewer: Optional[dict[str, Any]]) -> None:
    w = world
    calls: list[tuple[str, dict[str, Any]]] = [
        ("recently_changed_packages_activity_list", {}),
        ("user_activity_list", {"id": w.steward["name"]}),
        ("package_activity_list", {"id": w.public["id"]}),
        ("organization_activity_list", {"id": w.agency["id"]}),
        ("group_activity_list", {"id": w.group["id"]}),
        ("member_list", {"id": w.group["id"]}),
        ("member_list", {"id": w.group["id"], "object_type": "package"}),
        ("member_list", {"id": w.agency["id"]}),
        ("member_list", {"id": w.agency["id"], "object_type": "package"}),
        ("tag_list", {}),
        ("tag_list", {"all_fields": True}),
        ("tag_list", {"query": "q7x"}),
        ("tag_search", {"query": "ngam"}),
        ("tag_search", {"query": "nuoc"}),
        ("tag_autocomplete", {"query": "ngam"}),
        ("tag_autocomplete", {"query": "z9w"}),
        ("package_search", {"q": "Q7X"}),
        ("package_search", {"fq": "tags:khoan-ngam-q7x"}),
        ("nd47_request_list", {}),
        ("nd47_request_list", {"kind": "improvement"}),
        ("nd47_request_list", {"q": "Q7X"}),
        ("nd47_request_queue", {}),
        *(("nd47_request_show", {"id": request_id})
          for request_id in w.requests.values()),
        *((action, {"id": activity_id, "object_type": "package"})
          for activity_id in w.public_activities
          for action in ("activity_show", "activity_data_show",
                         "activity_diff")),
        ("package_list", {}),
        ("current_package_list_with_resources", {}),
        ("package_autocomplete", {"q": "Q7X"}),
        ("package_autocomplete", {"q": "khoan"}),
        ("resource_search", {"query": "name:CSV"}),
        ("group_show", {"id": w.group["id"], "include_datasets": True}),
        ("organization_show", {"id": w.agency["id"],
                               "include_datasets": True}),
        ("group_package_show", {"id": w.group["id"]}),
        ("group_list", {"all_fields": True}),
        ("organization_list", {"all_fields": True}),
    ]
    if viewer is not None:
        calls.append(("dashboard_activity_list", {}))
    for action, params in calls:
        assert_clean(api(app, action, viewer, **params), w,
                     f"{action} {params}")

    pages = [
        f"/user/activity/{w.steward['name']}",
        f"/organization/activity/{w.agency['name']}",
        f"/group/activity/{w.group['name']}",
        "/dataset/", f"/group/{w.group['name']}",
        f"/organization/{w.agency['name']}",
        "/data-request/", "/data-request/?q=Q7X",
        "/data-request/?kind=improvement",
        *(f"/data-request/{request_id}"
          for request_id in w.requests.values()),
        "/data-request/queue", "/data-request/queue.csv",
        "/feeds/dataset.atom", f"/feeds/group/{w.group['name']}.atom",
        f"/feeds/organization/{w.agency['name']}.atom",
    ]
    if viewer is not None:
        pages.append("/dashboard/")
    for page in pages:
        assert_clean(app.get(page, headers=headers(viewer)), w, page)
    # a tag's feed names the tag it was asked for, and no dataset
    for tag in ("khoan-ngam-q7x", "bom-nuoc-z9w"):
        page = f"/feeds/tag/{tag}.atom"
        assert_clean(app.get(page, headers=headers(viewer)), w, page, tag)


def test_improvement_requests_of_hidden_datasets_have_no_title(
        app: Any, world: World, viewer: Optional[dict[str, Any]]) -> None:
    w = world
    titles = {r["id"]: r["title"] for r in api(
        app, "nd47_request_list", viewer, kind="improvement").json[
            "result"]["results"]}
    assert titles == {
        w.requests[w.public["id"]]: "Cải thiện / Improve: Chất lượng "
                                    "không khí",
        w.requests[w.hidden["id"]]: HIDDEN_TITLE,
        w.requests[w.purged["id"]]: HIDDEN_TITLE,
    }
    # searching for words of the hidden title finds nothing, the count too
    found = api(app, "nd47_request_list", viewer, q="giếng khoan").json
    assert found["result"]["count"] == 0
    page = app.get(f"/data-request/{w.requests[w.hidden['id']]}",
                   headers=headers(viewer))
    assert page.status_code == 200
    assert f"<title>{HIDDEN_TITLE}" in page.body.replace("\n", "")


def _same_answer(hidden: Any, missing: Any, where: str) -> None:
    assert hidden.status_code == missing.status_code == 404, (
        where, hidden.status_code, missing.status_code)
    if hidden.content_type.startswith("application/json"):
        assert hidden.json["error"] == missing.json["error"], where


def test_hidden_datasets_answer_as_missing_ones(
        app: Any, world: World, viewer: Optional[dict[str, Any]]) -> None:
    w = world
    missing_id = str(uuid.uuid4())
    resource = w.hidden["resources"][0]["id"]
    pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("package_show", {"id": w.hidden["id"]}, {"id": missing_id}),
        ("package_show", {"id": w.hidden["name"]}, {"id": "khong-co-dau"}),
        ("resource_show", {"id": resource}, {"id": missing_id}),
        ("package_activity_list", {"id": w.hidden["id"]},
         {"id": missing_id}),
        ("package_activity_list", {"id": w.purged["id"]},
         {"id": missing_id}),
        ("tag_show", {"id": "khoan-ngam-q7x"}, {"id": "khong-co-tu-nay"}),
        ("tag_show", {"id": "bom-nuoc-z9w"}, {"id": "khong-co-tu-nay"}),
        ("nd47_rating_show", {"dataset": w.hidden["id"]},
         {"dataset": missing_id}),
        ("nd47_compliance_show", {"id": w.hidden["id"]},
         {"id": missing_id}),
    ]
    for activity_id in w.hidden_activities + w.purged_activities:
        pairs += [
            ("activity_show", {"id": activity_id}, {"id": missing_id}),
            ("activity_data_show", {"id": activity_id}, {"id": missing_id}),
            ("activity_diff", {"id": activity_id, "object_type": "package"},
             {"id": missing_id, "object_type": "package"}),
        ]
    for action, hidden, missing in pairs:
        answer = api(app, action, viewer, **hidden)
        assert_clean(answer, w, f"{action} {hidden}", *hidden.values())
        _same_answer(answer, api(app, action, viewer, **missing),
                     f"{action} {hidden}")
    assert "Không tìm thấy bộ dữ liệu / Dataset not found" in api(
        app, "package_show", viewer, id=w.hidden["id"]).json["error"][
            "message"]

    hidden_id = w.hidden["id"]
    page_pairs = [
        (f"/dataset/{hidden_id}", f"/dataset/{missing_id}"),
        (f"/dataset/{w.hidden['name']}", "/dataset/khong-co-dau"),
        (f"/dataset/{hidden_id}/resource/{resource}",
         f"/dataset/{missing_id}/resource/{missing_id}"),
        (f"/dataset/activity/{hidden_id}",
         f"/dataset/activity/{missing_id}"),
        (f"/dataset/activity/{w.hidden['name']}",
         "/dataset/activity/khong-co-dau"),
        (f"/dataset/{hidden_id}.ttl", f"/dataset/{missing_id}.ttl"),
    ]
    for hidden_page, missing_page in page_pairs:
        answer = app.get(hidden_page, headers=headers(viewer))
        _same_answer(answer, app.get(missing_page, headers=headers(viewer)),
                     hidden_page)
        assert_clean(answer, w, hidden_page, *hidden_page.strip("/")
                     .removesuffix(".ttl").split("/"))


def test_the_steward_still_sees_the_hidden_dataset(app: Any,
                                                   world: World) -> None:
    w = world
    steward = w.steward

    def ok(action: str, **params: Any) -> Any:
        answer = api(app, action, steward, **params)
        assert answer.status_code == 200, (action, answer.body)
        return answer.json["result"]

    assert ok("package_show", id=w.hidden["name"])["private"] is True
    assert ok("resource_show", id=w.hidden["resources"][0]["id"])
    types = [a["activity_type"]
             for a in ok("package_activity_list", id=w.hidden["id"])]
    assert "new package" in types
    mine = {a["object_id"] for a in ok("user_activity_list",
                                       id=steward["name"])}
    assert w.hidden["id"] in mine and w.purged["id"] not in mine
    tags = ok("tag_list")
    assert "khoan-ngam-q7x" in tags and "bom-nuoc-z9w" not in tags
    members = {m[0] for m in ok("member_list", id=w.group["id"],
                                object_type="package")}
    assert {w.public["id"], w.hidden["id"]} <= members
    assert ok("nd47_compliance_show", id=w.hidden["id"])["dataset"] == \
        w.hidden["name"]
    request = ok("nd47_request_show", id=w.requests[w.hidden["id"]])
    assert request["title"] == \
        "Cải thiện / Improve: Sổ đăng ký giếng khoan Q7X"
    page = app.get(f"/dataset/{w.hidden['name']}", headers=headers(steward))
    assert page.status_code == 200 and w.hidden["title"] in page.body


def test_made_public_again_its_history_comes_back(
        app: Any, world: World) -> None:
    w = world
    act("package_patch", w.steward, id=w.hidden["id"], private=False)
    try:
        stream = api(app, "recently_changed_packages_activity_list",
                     None).json["result"]
        assert {"new package", "changed package"} <= {
            a["activity_type"] for a in stream
            if a["object_id"] == w.hidden["id"]}
    finally:
        act("package_patch", w.steward, id=w.hidden["id"], private=True)
    stream = api(app, "recently_changed_packages_activity_list",
                 None).json["result"]
    assert w.hidden["id"] not in {a["object_id"] for a in stream}


def test_bulk_private_hides_the_history(app: Any, world: World) -> None:
    w = world
    act("bulk_update_private", w.sysadmin, datasets=[w.public["id"]],
        org_id=w.agency["id"])
    try:
        for action, params in (
                ("recently_changed_packages_activity_list", {}),
                ("user_activity_list", {"id": w.steward["name"]})):
            stream = api(app, action, w.outsider, **params).json["result"]
            assert w.public["id"] not in {a["object_id"] for a in stream}
    finally:
        act("bulk_update_public", w.sysadmin, datasets=[w.public["id"]],
            org_id=w.agency["id"])
    stream = api(app, "recently_changed_packages_activity_list",
                 w.outsider).json["result"]
    assert w.public["id"] in {a["object_id"] for a in stream}


def test_mail_about_a_hidden_datasets_request_has_no_title(
        world: World, smtp: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    monkeypatch.setitem(tk.config, "smtp.server", smtp.address)
    request_id = w.requests[w.hidden["id"]]
    act("nd47_request_transition", w.steward, id=request_id,
        status="under_review", reason="Đang xem xét / Under review")
    run_jobs()
    mails = [m for m in smtp.mails if m.recipient == w.citizen["email"]]
    assert mails, smtp.mails
    for mail in mails:
        assert HIDDEN_TITLE in mail.body
        assert w.hidden["title"] not in mail.body
