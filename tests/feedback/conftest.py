"""The people of the feedback tests, each in the role the issue names,
and a way to run the mail jobs the actions enqueue."""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import jobs
from ckan.tests import factories as ckan_factories

from tests import factories
from tests.deadlines.conftest import smtp  # noqa: F401  (a fixture)


@dataclasses.dataclass
class Cast:
    """Everyone who touches a request. ``anonymous`` is None."""
    citizen: dict[str, Any]
    neighbour: dict[str, Any]
    steward: dict[str, Any]
    other_steward: dict[str, Any]
    sysadmin: dict[str, Any]
    agency: dict[str, Any]
    other_agency: dict[str, Any]
    anonymous: Optional[dict[str, Any]] = None


@pytest.fixture
def cast(clean_db, clean_redis) -> Cast:
    return make_cast()


@pytest.fixture(scope="module")
def _module_cast() -> dict[str, Cast]:
    return {}


@pytest.fixture
def reused_cast(_module_cast: dict[str, Cast], reset_db: Any,
                migrate_db_for: Any, reset_redis: Any) -> Cast:
    """The ``cast``, made once per module (accounts are slow to make:
    their passwords are hashed); before each test the feedback tables and
    Redis are emptied, and the whole database is rebuilt when another
    test has reset it. Datasets made by a test stay for the next one:
    get them with ``dataset_named``."""
    reset_redis()
    cached = _module_cast.get("cast")
    if cached is None or model.User.get(cached.citizen["id"]) is None:
        reset_db()
        migrate_db_for("nd47_search")
        migrate_db_for("nd47")
        cached = _module_cast["cast"] = make_cast()
    else:
        model.Session.execute(sa.text(
            "TRUNCATE nd47_data_request, nd47_dataset_rating CASCADE"))
        model.Session.commit()
    return cached


def dataset_named(cast: Cast, name: str, **overrides: Any
                  ) -> dict[str, Any]:
    """The public dataset of that name of the cast's agency, made when it
    is not there yet."""
    try:
        found: dict[str, Any] = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": name})
        return found
    except tk.ObjectNotFound:
        made: dict[str, Any] = factories.OpenDataset(
            owner_org=cast.agency["id"], name=name, **overrides)
        return made


def make_cast() -> Cast:
    """The people and agencies of a test, in an empty database."""
    citizen = ckan_factories.User(name="nguoi-dan", fullname="Trần Văn An",
                                  email="an@example.vn")
    neighbour = ckan_factories.User(name="hang-xom", fullname="Lê Thị Bình",
                                    email="binh@example.vn")
    steward = ckan_factories.User(name="can-bo", email="canbo@example.vn")
    other_steward = ckan_factories.User(name="can-bo-khac")
    sysadmin = ckan_factories.Sysadmin(name="quan-tri")
    agency = factories.Agency(
        name="so-nong-nghiep", title="Sở Nông nghiệp và Môi trường",
        focal_point_email="daumoi@example.vn",
        users=[{"name": steward["name"], "capacity": "editor"}])
    other_agency = factories.Agency(
        name="so-xay-dung", title="Sở Xây dựng",
        users=[{"name": other_steward["name"], "capacity": "admin"}])
    return Cast(citizen, neighbour, steward, other_steward, sysadmin,
                agency, other_agency)


def act(action: str, user: Optional[dict[str, Any]], **data: Any) -> Any:
    """Call an action as that user (None: anonymous), with auth checks."""
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return tk.get_action(action)(context, data)


def run_jobs() -> int:
    """Run the queued background jobs in this process (as a worker would)
    and return how many ran."""
    queue = jobs.get_queue()
    ran = 0
    while True:
        job_ids = queue.job_ids
        if not job_ids:
            return ran
        for job_id in job_ids:
            job = queue.fetch_job(job_id)
            queue.remove(job_id)
            if job is not None:
                job.perform()
                ran += 1


def new_request(cast: Cast, **overrides: Any) -> dict[str, Any]:
    data = {"title": "Danh sách điểm quan trắc không khí",
            "description": "Toạ độ và kết quả đo theo giờ.",
            "purpose": "Ứng dụng cảnh báo ô nhiễm",
            "requester_type": "citizen", "sector": "ENVI",
            "organization": cast.agency["name"], **overrides}
    result: dict[str, Any] = act("nd47_request_create", cast.citizen, **data)
    return result


# every counter column against a fresh count of the rows it counts
COUNTERS_MATCH_ROWS = sa.text("""
    SELECT r.id,
      r.supporters, (SELECT count(*) FROM nd47_data_request_vote v
                     WHERE v.request_id = r.id),
      r.supporters_citizen, (SELECT count(*) FROM nd47_data_request_vote v
        WHERE v.request_id = r.id AND v.supporter_type = 'citizen'),
      r.supporters_business, (SELECT count(*) FROM nd47_data_request_vote v
        WHERE v.request_id = r.id AND v.supporter_type = 'business'),
      r.supporters_researcher, (SELECT count(*) FROM nd47_data_request_vote v
        WHERE v.request_id = r.id AND v.supporter_type = 'researcher'),
      r.supporters_agency, (SELECT count(*) FROM nd47_data_request_vote v
        WHERE v.request_id = r.id AND v.supporter_type = 'agency'),
      r.comments, (SELECT count(*) FROM nd47_data_request_comment c
                   WHERE c.request_id = r.id AND c.state = 'visible')
    FROM nd47_data_request r ORDER BY r.id
""")


def assert_counters_match_rows() -> int:
    """Every request's counters equal a fresh count; returns how many
    requests were checked."""
    model.Session.rollback()
    rows = model.Session.execute(COUNTERS_MATCH_ROWS).all()
    for row in rows:
        kept, counted = row[1::2], row[2::2]
        assert kept == counted, (row.id, kept, counted)
    return len(rows)
