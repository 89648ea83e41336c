"""Sixteen clients search the running portal at once: no search fails and
every answer is the one the same query gives when run alone.

The query parser behind ``q`` and ``fq`` (and behind CKAN's own permission
filter, ``+capacity:public +state:(active)``, ``+permission_labels:(…)``)
once kept its state in one object shared by the server's threads, so under
parallel clients a valid query could fail or match other datasets. Here a
mix of searches (free text with and without diacritics, fielded ``q``,
``fq``, facets, sorts; anonymous and as the sysadmin) is run one at a time
first, then 2,000 times by 16 threads; each answer must carry the same
count, the same ids in the same order and the same facet counts."""
from __future__ import annotations

import itertools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

import pytest
import requests

CLIENTS = 16
REQUESTS = 2_000

SEARCHES: list[dict[str, Any]] = [
    {"q": "môi trường"},
    {"q": "moi truong"},
    {"q": "quan trắc chất lượng"},
    {"q": "quan trac chat luong"},
    {"q": "doanh nghiệp", "sort": "title_string asc"},
    {"q": "doanh nghiep", "sort": "metadata_modified desc"},
    {"q": "danh sách", "rows": 20},
    {"q": "y tế bệnh viện"},
    {"q": "tags:\"môi trường\""},
    {"q": "title:thống kê OR title:danh"},
    {"q": "ngân sách", "fq": "res_format:CSV"},
    {"fq": "tags:\"y tế\""},
    {"fq": "organization:* -res_format:PDF", "sort": "name asc"},
    {"fq": "num_resources:[1 TO *]", "sort": "num_resources desc"},
    {"fq": "metadata_modified:[NOW-10YEARS TO *]", "rows": 50},
    {"q": "*:*", "facet.field": json.dumps(["tags", "res_format",
                                             "organization"]),
     "facet.limit": 5, "rows": 0},
    {"q": "dữ liệu", "facet.field": json.dumps(["license_id", "groups"])},
    {"q": "nội bộ", "include_private": "true"},
    {"q": "cán bộ công chức", "include_private": "true",
     "include_drafts": "true"},
    {"rows": 1000, "sort": "name desc"},
    {"start": 5, "rows": 5, "sort": "name asc"},
]


def _search(session: requests.Session, url: str, token: Optional[str],
            params: dict[str, Any]) -> tuple[Any, ...]:
    """What makes an answer this answer: count, ids in order, facets."""
    response = session.get(
        f"{url}/api/3/action/package_search",
        params={"fl": "id", **params},
        headers={"Authorization": token} if token else {}, timeout=120)
    if response.status_code != 200:
        return ("error", response.status_code, response.text[:300])
    result = response.json()["result"]
    return (result["count"], tuple(d["id"] for d in result["results"]),
            json.dumps(result["facets"], sort_keys=True))


@pytest.mark.slow
def test_parallel_searches_answer_as_one_at_a_time(portal_url: str,
                                                   admin_token: str):
    cases = [(token, params) for token in (None, admin_token)
             for params in SEARCHES]
    alone = {}
    with requests.Session() as session:
        for index, (token, params) in enumerate(cases):
            alone[index] = _search(session, portal_url, token, params)
    errors = {i: a for i, a in alone.items() if a[0] == "error"}
    assert not errors, f"searches that fail even alone: {errors}"
    # the catalogue answers these, so a wrong answer would show
    assert sum(1 for answer in alone.values() if answer[0] > 0) >= \
        len(cases) // 2
    assert any(alone[len(SEARCHES) + i] != alone[i]
               for i in range(len(SEARCHES))), \
        "the sysadmin should see private datasets the public does not"

    sessions = threading.local()
    plan = list(itertools.islice(itertools.cycle(range(len(cases))),
                                 REQUESTS))

    def run(index: int) -> tuple[int, tuple[Any, ...]]:
        if not hasattr(sessions, "session"):
            sessions.session = requests.Session()
        token, params = cases[index]
        return index, _search(sessions.session, portal_url, token, params)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(run, plan))
    elapsed = time.monotonic() - started

    wrong = [(cases[index][1], "admin" if cases[index][0] else "anonymous",
              answer, alone[index])
             for index, answer in answers if answer != alone[index]]
    assert len(answers) == REQUESTS
    assert not wrong, (
        f"{len(wrong)} of {REQUESTS} parallel searches differ from the "
        f"same search alone (in {elapsed:.0f} s), e.g. {wrong[:3]}")
