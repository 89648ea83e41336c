"""A real harvest: a second CKAN site harvests the running portal's
catalogue feed with ckanext-dcat's RDF harvester and ends with exactly the
portal's open datasets; after one dataset changes on the portal, a second
run changes the content of that dataset only (the stock harvester still
saves every dataset again: see the expected failure below), and a dataset
made private on the portal is deleted from the site."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.harvest.conftest import HarvestSite

OPEN_DATA = "+dataset_type:dataset +classification:open"
# demo datasets that must never leave the portal (demo/catalogue.yaml)
PRIVATE_SHARED = "danh-sach-can-bo-cong-chuc"
DRAFT = "ban-do-quy-hoach-su-dung-dat"
CHANGED = "so-giuong-benh"
WITHDRAWN = "tuyen-xe-buyt"


def _portal(portal_url: str, action: str, token: str | None = None,
            **data: Any) -> Any:
    headers = {"Authorization": token} if token else {}
    response = requests.post(f"{portal_url}/api/3/action/{action}",
                             json=data, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def _portal_titles(portal_url: str, fq: str,
                   token: str | None = None) -> list[str]:
    result = _portal(portal_url, "package_search", token, fq=fq, rows=1000,
                     include_private=True, include_drafts=True)
    assert result["count"] == len(result["results"])
    return sorted(d["title"] for d in result["results"])


def _extra(dataset: dict[str, Any], key: str) -> str | None:
    return next((e["value"] for e in dataset.get("extras", [])
                 if e["key"] == key), None)


def _content(dataset: dict[str, Any]) -> dict[str, Any]:
    """What a harvest carries over, without the harvesting site's own
    bookkeeping."""
    return {
        "title": dataset["title"],
        "notes": dataset["notes"],
        "tags": sorted(t["name"] for t in dataset["tags"]),
        "resources": sorted((r["name"], r["format"], r["url"])
                            for r in dataset["resources"]),
        "modified": _extra(dataset, "modified"),
    }


def _run(site: HarvestSite, source_id: str) -> dict[str, Any]:
    """One harvest run; the statistics of its job."""
    site.ckan("harvester", "run-test", source_id)
    job = site.action("harvest_source_show", id=source_id)["status"]
    return job["last_job"]["stats"]


@pytest.fixture(scope="module")
def source(harvest_site: HarvestSite, portal_url: str) -> dict[str, Any]:
    """The portal's catalogue feed as a harvest source of the site."""
    feed = requests.get(f"{portal_url}/catalog.ttl", timeout=60)
    assert feed.status_code == 200, (
        f"the portal serves no catalogue feed at {portal_url}/catalog.ttl")
    return harvest_site.action(
        "harvest_source_create", name="cong-du-lieu-tinh",
        title="Cổng dữ liệu mở tỉnh", url=f"{portal_url}/catalog.ttl",
        source_type="dcat_rdf", frequency="MANUAL")


@pytest.fixture(scope="module")
def first_run(harvest_site: HarvestSite,
              source: dict[str, Any]) -> dict[str, Any]:
    return _run(harvest_site, source["id"])


def test_first_harvest_brings_exactly_the_open_datasets(
        harvest_site: HarvestSite, first_run: dict[str, Any],
        portal_url: str, admin_token: str):
    open_titles = _portal_titles(portal_url, OPEN_DATA)
    assert len(open_titles) >= 30
    assert first_run["errored"] == 0
    assert first_run["added"] == len(open_titles)

    harvested = sorted(d["title"] for d in harvest_site.datasets())
    assert harvested == open_titles

    # everything else on the portal — databases, data-sharing services,
    # shared and private datasets, drafts — stays there
    everything = _portal_titles(portal_url, "", admin_token)
    hidden = set(everything) - set(open_titles)
    for name in (PRIVATE_SHARED, DRAFT):
        hidden.add(_portal(portal_url, "package_show", admin_token,
                           id=name)["title"])
    assert len(hidden) >= 6
    assert not hidden & set(harvested)


@dataclass
class SecondRun:
    """A harvest run after one dataset's description changed on the portal:
    the site's datasets (by title) before and after, the job's counts."""
    title: str
    notes: str
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    stats: dict[str, int]


@pytest.fixture(scope="module")
def second_run(harvest_site: HarvestSite, source: dict[str, Any],
               first_run: dict[str, Any], portal_url: str,
               admin_token: str) -> SecondRun:
    before = {d["title"]: d for d in harvest_site.datasets()}
    dataset = _portal(portal_url, "package_show", admin_token, id=CHANGED)
    notes = f"{dataset['notes']} (cập nhật {uuid.uuid4().hex[:8]})"
    _portal(portal_url, "package_patch", admin_token, id=CHANGED,
            notes=notes)
    try:
        stats = _run(harvest_site, source["id"])
    finally:
        _portal(portal_url, "package_patch", admin_token, id=CHANGED,
                notes=dataset["notes"])
    after = {d["title"]: d for d in harvest_site.datasets()}
    return SecondRun(dataset["title"], notes, before, after, stats)


def test_second_run_carries_over_only_the_change(second_run: SecondRun):
    run = second_run
    assert run.stats["errored"] == 0
    assert run.stats["added"] == run.stats["deleted"] == 0
    assert run.after.keys() == run.before.keys()
    # the same dataset on the site (its URI is stable), with the new text
    assert run.after[run.title]["id"] == run.before[run.title]["id"]
    assert run.after[run.title]["notes"] == run.notes
    # the feed's dct:modified moved for that dataset and for nothing else
    assert (_extra(run.after[run.title], "modified")
            != _extra(run.before[run.title], "modified"))
    changed = {title for title in run.before
               if _content(run.before[title]) != _content(run.after[title])}
    assert changed == {run.title}


def test_second_run_leaves_the_other_datasets_untouched(
        second_run: SecondRun):
    """ckanext-dcat's harvester alone saves every dataset again on every
    run; with ``nd47_incremental_harvest`` on the harvesting site only the
    dataset whose dct:modified moved is saved."""
    run = second_run
    assert run.stats["updated"] == 1
    assert run.stats["not modified"] == len(run.before) - 1
    touched = {title for title in run.before
               if run.before[title]["metadata_modified"]
               != run.after[title]["metadata_modified"]}
    assert touched == {run.title}


def test_a_dataset_made_private_is_withdrawn(
        harvest_site: HarvestSite, source: dict[str, Any],
        second_run: SecondRun, portal_url: str, admin_token: str):
    """Runs after ``second_run``, whose snapshots hold every open dataset."""
    title = _portal(portal_url, "package_show", admin_token,
                    id=WITHDRAWN)["title"]
    assert title in {d["title"] for d in harvest_site.datasets()}
    _portal(portal_url, "package_patch", admin_token, id=WITHDRAWN,
            private=True)
    try:
        stats = _run(harvest_site, source["id"])
    finally:
        _portal(portal_url, "package_patch", admin_token, id=WITHDRAWN,
                private=False)
    assert stats["errored"] == 0
    assert stats["deleted"] == 1
    assert title not in {d["title"] for d in harvest_site.datasets()}
