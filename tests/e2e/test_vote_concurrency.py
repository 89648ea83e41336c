"""Many clients vote and unvote on the same data request at once, against
the running portal: the final count equals the distinct supporters, with
no vote lost or doubled, whether one server answers or two server
processes share the database.

Thirty accounts are made through the API as the sysadmin, each with its
own API token; each does a random run of supports, repeated supports and
withdrawals (fewer than the portal's 120 an hour) in its own thread, all
starting together. Everything the test makes is removed afterwards."""
from __future__ import annotations

import random
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import pytest
import requests
import sqlalchemy as sa

from tests.deadlines.conftest import free_port

from tests.e2e import portal

USERS = 30
TYPES = ("citizen", "business", "researcher", "agency")


def _api(url: str, action: str, token: str, **data: Any) -> Any:
    response = requests.post(f"{url}/api/3/action/{action}", json=data,
                             headers={"Authorization": token}, timeout=60)
    assert response.status_code == 200, f"{action}: {response.text}"
    return response.json()["result"]


@pytest.fixture(scope="module")
def second_server(portal_url: str, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[str]:
    """Another ``ckan run`` process on the portal's ckan.ini (same
    database, same Redis) on a port of its own."""
    port = free_port()
    log = (tmp_path_factory.mktemp("second-server") / "ckan.log").open("w")
    server = subprocess.Popen(
        [str(portal.CKAN), "-c",
         str(portal.state() / "ckan.ini"), "run", "-H", "127.0.0.1", "-p",
         str(port), "--disable-reloader", "--threaded"],
        cwd=portal.state(), env=portal.portal_env(), stdout=log,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            assert server.poll() is None, "the second server stopped"
            try:
                if requests.get(f"{url}/api/3/action/status_show",
                                timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("the second server did not answer")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def voters(portal_url: str, admin_token: str
           ) -> Iterator[list[dict[str, Any]]]:
    """A requester and thirty voters, each with an API token and a
    supporter type; afterwards their request is deleted with its rows and
    the accounts are deleted."""
    suffix = uuid.uuid4().hex[:8]
    made = []
    try:
        for i in range(USERS + 1):
            user = _api(portal_url, "user_create", admin_token,
                        name=f"e2e-vote-{suffix}-{i:02d}",
                        email=f"e2e-vote-{suffix}-{i:02d}@example.vn",
                        password=f"Mat-khau-{uuid.uuid4().hex}")
            token = _api(portal_url, "api_token_create", admin_token,
                         user=user["name"], name="e2e-vote")["token"]
            made.append({"id": user["id"], "name": user["name"],
                         "token": token, "type": TYPES[i % len(TYPES)]})
        yield made
    finally:
        engine = portal.database()
        with engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM nd47_data_request "
                        "WHERE creator_id = ANY(:ids)"),
                {"ids": [user["id"] for user in made]})
        engine.dispose()
        for user in made:
            _api(portal_url, "user_delete", admin_token, id=user["id"])


def _vote_storm(servers: list[str], request_id: str,
                people: list[dict[str, Any]], seed: int
                ) -> dict[str, bool]:
    """Each person, in a thread of their own, supports and withdraws at
    random on the servers in turn; returns whether each supports it at
    the end, as the client saw it."""
    start = threading.Barrier(len(people))

    def run(index: int, person: dict[str, Any]) -> bool:
        chance = random.Random(seed * 1000 + index)
        steps = [chance.choice(("vote", "vote", "unvote"))
                 for _ in range(chance.randint(6, 14))]
        session = requests.Session()
        session.headers["Authorization"] = person["token"]
        start.wait(timeout=120)
        supports = None
        for step, action in enumerate(steps):
            server = servers[(index + step) % len(servers)]
            data = {"id": request_id}
            if action == "vote":
                data["supporter_type"] = person["type"]
            response = session.post(
                f"{server}/api/3/action/nd47_request_{action}", json=data,
                timeout=120)
            assert response.status_code == 200, response.text
            result = response.json()["result"]
            # one person's calls are in order: each answer is theirs
            assert result["supports"] is (action == "vote"), (person, step)
            assert 0 <= result["supporters"] <= len(people) + 1
            supports = result["supports"]
        session.close()
        assert supports is not None
        return supports

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        futures = {person["id"]: pool.submit(run, i, person)
                   for i, person in enumerate(people)}
        return {user_id: future.result()
                for user_id, future in futures.items()}


@pytest.mark.parametrize("processes", [1, 2])
def test_parallel_votes_are_neither_lost_nor_doubled(
        request: pytest.FixtureRequest, portal_url: str,
        voters: list[dict[str, Any]], processes: int) -> None:
    servers = [portal_url]
    if processes == 2:
        servers.append(request.getfixturevalue("second_server"))
    requester, people = voters[0], voters[1:]
    made = _api(portal_url, "nd47_request_create", requester["token"],
                title=f"Thử bỏ phiếu đồng thời {requester['name']}",
                description="Kiểm thử: nhiều người ủng hộ cùng lúc",
                requester_type=requester["type"])
    request_id = made["id"]

    seed = random.randrange(1_000_000)
    final = _vote_storm(servers, request_id, people, seed)

    supporters = {requester["id"]} | {user_id for user_id, supports
                                      in final.items() if supports}
    assert 1 < len(supporters) < len(voters), f"seed {seed}"
    expected_types = {t: 0 for t in TYPES}
    for person in voters:
        if person["id"] in supporters:
            expected_types[person["type"]] += 1
    for server in servers:
        shown = requests.get(f"{server}/api/3/action/nd47_request_show",
                             params={"id": request_id}, timeout=60).json()
        result = shown["result"]
        assert result["supporters"] == len(supporters), f"seed {seed}"
        assert result["supporters_by_type"] == expected_types, f"seed {seed}"
        assert sum(result["supporters_by_type"].values()) == \
            result["supporters"]

    # and in the database: one row per supporter, the counters equal them
    engine = portal.database()
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT user_id, supporter_type FROM nd47_data_request_vote "
            "WHERE request_id = :id"), {"id": request_id}).all()
        counters = connection.execute(sa.text(
            "SELECT supporters, supporters_citizen, supporters_business, "
            "supporters_researcher, supporters_agency "
            "FROM nd47_data_request WHERE id = :id"),
            {"id": request_id}).one()
    engine.dispose()
    user_ids = [user_id for user_id, _ in rows]
    assert len(user_ids) == len(set(user_ids))
    assert set(user_ids) == supporters
    by_id = {person["id"]: person["type"] for person in voters}
    assert all(by_id[user_id] == kind for user_id, kind in rows)
    assert tuple(counters) == (len(supporters),
                               *(expected_types[t] for t in TYPES))


@pytest.mark.parametrize("processes", [1, 2])
def test_two_answers_at_once_one_wins(
        request: pytest.FixtureRequest, portal_url: str, admin_token: str,
        voters: list[dict[str, Any]], processes: int) -> None:
    """Two stewards answer the same request at the same moment, one
    publishing it and one declining it: the request is locked while it
    moves, so one answer is kept and the other is refused (neither can
    follow the other), never both."""
    servers = [portal_url]
    if processes == 2:
        servers.append(request.getfixturevalue("second_server"))
    found = requests.get(f"{portal_url}/api/3/action/package_search",
                         params={"fq": "type:dataset", "rows": 1},
                         timeout=60).json()["result"]["results"]
    assert found, "the demo portal has no public dataset"
    dataset = found[0]["name"]
    made = [_api(portal_url, "nd47_request_create", person["token"],
                 title=f"Trả lời đồng thời {person['name']}",
                 description="Kiểm thử: hai cán bộ trả lời cùng lúc")["id"]
            for person in voters[:10]]
    answers = [{"status": "published", "dataset": dataset,
                "reason": "Đã công bố"},
               {"status": "declined", "decline_ground": "duplicate",
                "reason": "Trùng"}]

    def answer(request_id: str, which: int, start: threading.Barrier
               ) -> tuple[int, dict[str, Any]]:
        start.wait(timeout=60)
        response = requests.post(
            f"{servers[which % len(servers)]}/api/3/action/"
            "nd47_request_transition", timeout=120,
            headers={"Authorization": admin_token},
            json={"id": request_id, **answers[which]})
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for request_id in made:
            start = threading.Barrier(2)
            outcomes = [pool.submit(answer, request_id, which, start)
                        for which in (0, 1)]
            results = [outcome.result() for outcome in outcomes]
            codes = sorted(code for code, _ in results)
            assert codes == [200, 409], results
            kept = next(body["result"] for code, body in results
                        if code == 200)
            refused = next(body["error"] for code, body in results
                           if code == 409)
            assert refused["status"][0].startswith("Không thể chuyển từ")
            shown = requests.get(
                f"{portal_url}/api/3/action/nd47_request_show",
                params={"id": request_id}, timeout=60).json()["result"]
            assert shown["status"] == kept["status"]
            assert [e["to_status"] for e in shown["history"]] == [
                "new", kept["status"]]
