"""The people of the feedback tests, each in the role the issue names,
and a way to run the mail jobs the actions enqueue."""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

import pytest

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
