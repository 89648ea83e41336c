"""Benchmark of the data-request priority queue and of voting (a script,
not a test).

Loads a province's worth of citizen feedback into PostgreSQL, then times,
in-process through ``tk.get_action`` with auth checks:

* ``nd47_request_queue``, the province's queue, first page (20 requests),
  as an anonymous and as a logged-in user;
* the same for the largest agency's queue (overdue requests first);
* ``nd47_request_vote`` by a user who had not supported the request, on a
  popular request (one of the 100 most supported) or one of the long tail,
  alternately; each vote is its own committed transaction, with the
  per-user rate-limit count in Redis (the limit itself is raised in this
  process, so that runs within the same hour are not refused);
* ``nd47_request_unvote`` of that same vote, so the data are unchanged
  after a run (the requests' ``last_activity`` is put back too) and the
  next run can reuse them.

The operations are interleaved (one of each per round) so that drift of
the machine touches them alike. The queue is also fetched through CKAN's
WSGI stack (``GET /api/3/action/nd47_request_queue`` with Flask's test
client, no network) to show what the API adds: JSON encoding of 20
requests with their score explained.

The data (defaults): 20 agencies, 20,000 users, 100,000 requests and
1,000,000 votes. Requests are spread over the agencies with a skew (the
largest holds about a seventh), 5 % unassigned, created uniformly over the
last two years; recent ones are mostly new, older ones mostly answered,
with a backlog of unanswered (overdue) ones, about 60 % open in all.
Every request is supported by its creator; the other votes follow a
Zipf-like law over the requests in random order (the most popular has
about 9,000 supporters, the median request 3), from distinct users, each
user with a fixed supporter type (70 % citizen). Comments (150,000 by
default, 4 % hidden, 1 % deleted) go mostly to the popular requests.

The load is setup, not measured: users, requests, votes and comments are
inserted with ``INSERT … SELECT`` over ``generate_series`` (values derived
from md5 of the row number and ``--seed``, so a load is reproducible).
The counter triggers on the vote and comment tables (migration
``b7c1e2d4f5a6``) would update a request row once per vote, so they are
disabled for the load (``ALTER TABLE … DISABLE TRIGGER USER``; foreign
key checks stay on) and the counters and ``last_activity`` are then set
by one ``UPDATE`` from the rows, as the triggers would have left them;
the triggers are enabled again before anything is measured, then
``VACUUM ANALYZE``. A database that already holds a load of the same
sizes and seed (a comment on ``nd47_data_request`` records it) is reused;
``--reload`` loads it again.

Run it with ``./bin/dev bench feedback`` (which starts a throw-away
PostgreSQL and Redis); it prints a Markdown table for the README and writes
the numbers as JSON (``.dev/bench/feedback-benchmark.json`` or ``--out``).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

from common import VOCABULARY, percentile

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin"
USER_PREFIX = "nguoi-dung-"
MARKER = "nd47 feedback benchmark load: "
GOALS = {"queue": 200.0, "vote": 50.0}
TYPES = ("citizen", "business", "researcher", "agency")
OPERATIONS = (
    ("province_anonymous", "province queue, first page, anonymous"),
    ("province_user", "province queue, first page, logged in"),
    ("agency_anonymous", "agency queue, first page, anonymous"),
    ("agency_user", "agency queue, first page, logged in"),
    ("province_api", "province queue, `GET /api/3/action/…`"),
    ("agency_api", "agency queue, `GET /api/3/action/…`"),
    ("vote", "`nd47_request_vote` (commit)"),
    ("unvote", "`nd47_request_unvote` (commit)"),
)
WORDS = VOCABULARY
SECTORS = ("AGRI", "ECON", "EDUC", "ENVI", "GOVE", "HEAL", "TRAN")
GROUNDS = ("personal_information", "security_risk", "state_secret",
           "other_law", "not_held", "duplicate")


def _summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(samples),
            "p95_ms": percentile(samples, 95),
            "p99_ms": percentile(samples, 99),
            "max_ms": max(samples),
            "runs": len(samples)}


# --- the load -------------------------------------------------------------------

def vote_counts(requests: int, votes: int, users: int, comments: int,
                seed: int) -> list[tuple[int, int, int]]:
    """(request number, votes besides the creator's, comments) per request:
    a Zipf-Mandelbrot law, n ~ 1 / (rank + 10), over the requests in a
    random order, scaled to the totals."""
    rng = random.Random(seed)
    ranks = list(range(1, requests + 1))
    rng.shuffle(ranks)

    def spread(total: int, cap: int) -> list[int]:
        weights = [1 / (rank + 10) for rank in ranks]
        scale = total / sum(weights)
        counts = [min(cap, int(w * scale)) for w in weights]
        missing = total - sum(counts)
        # the rounding's remainder, one each, to requests in random order
        order = list(range(requests))
        rng.shuffle(order)
        while missing > 0:
            for i in order:
                if missing == 0:
                    break
                if counts[i] < cap:
                    counts[i] += 1
                    missing -= 1
        return counts

    extra = spread(votes - requests, users - 1)
    talk = spread(comments, 10 * users)
    return [(i + 1, extra[i], talk[i]) for i in range(requests)]


# u(tag, i): a uniform number in [0, 1) from md5 of the seed, a tag and a
# row number, so every value of the load is reproducible. The functions are
# plain expressions (immutable, no FROM) so that PostgreSQL inlines them.
_FUNCTIONS = """
CREATE FUNCTION pg_temp.u(tag text, i bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT ('x' || substr(md5('{seed}:' || tag || ':' || i::text), 1, 8))
         ::bit(32)::bigint / 4294967296.0
$$;
CREATE FUNCTION pg_temp.uid(kind text, i bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT md5('nd47-bench-' || kind || '-' || i::text)::uuid::text
$$;
CREATE FUNCTION pg_temp.title(i bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY[{titles}])[1 + floor(pg_temp.u('title', i) * {ntitles})::int]
         || ' ' || i::text
$$;
CREATE FUNCTION pg_temp.sentence(tag text, i bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY[{sentences}])[1 + floor(pg_temp.u(tag, i)
                                        * {nsentences})::int]
$$;
-- 70 % citizens, 15 % businesses, 10 % researchers, 5 % agencies
CREATE FUNCTION pg_temp.supporter_type(user_no bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY[{types}])[1 + floor(pg_temp.u('type', user_no) * 20)::int]
$$;
"""

_USERS = """
INSERT INTO "user" (id, name, fullname, email, created, state, sysadmin)
SELECT pg_temp.uid('user', j), '{prefix}' || lpad(j::text, 5, '0'),
       'Người dùng ' || j, 'nguoi-dung-' || j || '@example.vn',
       (now() - interval '3 years') at time zone 'UTC', 'active', false
FROM generate_series(1, {users}) j
"""

# status by age: the last response window mostly waits; older requests are
# mostly answered, with a backlog of unanswered (overdue) ones
_REQUESTS = """
INSERT INTO nd47_data_request (
  id, title, description, purpose, requester_type, sector, kind,
  organization_id, creator_id, status, target_date, decline_ground,
  response, created, modified, answered_at, last_activity)
SELECT pg_temp.uid('request', i),
       pg_temp.title(i),
       pg_temp.sentence('description', i) || ' '
         || pg_temp.sentence('description-2', i),
       pg_temp.sentence('purpose', i),
       pg_temp.supporter_type(creator), sectors[1 + floor(
         pg_temp.u('sector', i) * array_length(sectors, 1))::int],
       'new_data', organization, pg_temp.uid('user', creator), status,
       CASE WHEN status = 'planned'
            THEN (answered + interval '1 day' * (30 + floor(
              335 * pg_temp.u('target', i))))::date END,
       CASE WHEN status = 'declined' THEN grounds[1 + floor(
         pg_temp.u('ground', i) * array_length(grounds, 1))::int] END,
       CASE WHEN answered IS NOT NULL
            THEN pg_temp.sentence('response', i) END,
       created, coalesce(answered, created), answered, created
FROM (
  SELECT i, created, organization, creator, status, sectors, grounds,
         CASE WHEN status IN ('planned', 'published', 'declined')
              THEN least(at, created + interval '1 day'
                             * (1 + 40 * pg_temp.u('answer', i))) END
           AS answered
  FROM (
    SELECT i, created, at, sectors, grounds,
           CASE WHEN pg_temp.u('unassigned', i) < 0.05 THEN NULL
                ELSE organizations[1 + floor(array_length(organizations, 1)
                     * power(pg_temp.u('organization', i), 1.5))::int]
           END AS organization,
           1 + floor({users} * pg_temp.u('creator', i))::int AS creator,
           CASE WHEN at - created < interval '{window} days' THEN
                  CASE WHEN s < 0.70 THEN 'new'
                       WHEN s < 0.90 THEN 'under_review'
                       ELSE 'planned' END
                ELSE
                  CASE WHEN s < 0.12 THEN 'new'
                       WHEN s < 0.20 THEN 'under_review'
                       WHEN s < 0.60 THEN 'planned'
                       WHEN s < 0.85 THEN 'published'
                       ELSE 'declined' END
           END AS status
    FROM (
      SELECT i, at, pg_temp.u('status', i) AS s,
             at - interval '730 days' * pg_temp.u('created', i) AS created,
             :organizations AS organizations,
             ARRAY[{sectors}] AS sectors, ARRAY[{grounds}] AS grounds
      FROM generate_series(1, {requests}) i,
           (SELECT now() AS at) n
    ) base
  ) assigned
) decided
"""

# the creator's vote (k = 0) and the others; user numbers step through
# all users by a stride coprime with their count, so a request's voters
# are distinct
_VOTES = """
INSERT INTO nd47_data_request_vote (request_id, user_id, supporter_type,
                                    created)
SELECT r.id, pg_temp.uid('user', voter), pg_temp.supporter_type(voter),
       CASE WHEN k = 0 THEN r.created
            ELSE r.created + (n.at - r.created)
                 * pg_temp.u('vote' || k::text, c.i)
       END
FROM bench_counts c
JOIN nd47_data_request r ON r.id = pg_temp.uid('request', c.i)
CROSS JOIN (SELECT now() AS at) n
CROSS JOIN LATERAL generate_series(0, c.votes) k
CROSS JOIN LATERAL (
  SELECT 1 + ((r_creator - 1 + k * {stride}) % {users}) AS voter
  FROM (SELECT 1 + floor({users} * pg_temp.u('creator', c.i))::int
          AS r_creator) x
) v
"""

_COMMENTS = """
INSERT INTO nd47_data_request_comment (id, request_id, user_id, text,
                                       state, created)
SELECT pg_temp.uid('comment-' || c.i::text, k), r.id,
       pg_temp.uid('user', 1 + floor({users} * pg_temp.u(
         'commenter' || k::text, c.i))::int),
       pg_temp.sentence('comment' || k::text, c.i),
       CASE WHEN pg_temp.u('moderated' || k::text, c.i) < 0.95 THEN 'visible'
            WHEN pg_temp.u('moderated' || k::text, c.i) < 0.99 THEN 'hidden'
            ELSE 'deleted' END,
       r.created + (n.at - r.created) * pg_temp.u('comment-at' || k::text,
                                                  c.i)
FROM bench_counts c
JOIN nd47_data_request r ON r.id = pg_temp.uid('request', c.i)
CROSS JOIN (SELECT now() AS at) n
CROSS JOIN LATERAL generate_series(1, c.comments) k
"""

# what the triggers would have left: the counts, and the last support or
# visible comment as the last activity
_COUNTERS = """
UPDATE nd47_data_request r SET
  supporters = v.supporters,
  supporters_citizen = v.citizen, supporters_business = v.business,
  supporters_researcher = v.researcher, supporters_agency = v.agency,
  comments = coalesce(c.comments, 0),
  last_activity = greatest(r.created, v.last, c.last)
FROM (SELECT request_id, count(*) AS supporters,
             count(*) FILTER (WHERE supporter_type = 'citizen') AS citizen,
             count(*) FILTER (WHERE supporter_type = 'business') AS business,
             count(*) FILTER (WHERE supporter_type = 'researcher')
               AS researcher,
             count(*) FILTER (WHERE supporter_type = 'agency') AS agency,
             max(created) AS last
      FROM nd47_data_request_vote GROUP BY request_id) v
LEFT JOIN (SELECT request_id, count(*) AS comments, max(created) AS last
           FROM nd47_data_request_comment WHERE state = 'visible'
           GROUP BY request_id) c ON c.request_id = v.request_id
WHERE v.request_id = r.id
"""


def _texts(seed: int) -> tuple[list[str], list[str]]:
    """Titles of four words and sentences of twelve, to pick from."""
    rng = random.Random(seed + 2)

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()

    return ([words(4) for _ in range(1000)],
            [words(12) + "." for _ in range(500)])


def _organizations(n: int) -> list[str]:
    """The agencies, created through the action API; their ids."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    if not model.User.get(ADMIN):
        tk.get_action("user_create")({"ignore_auth": True}, {
            "name": ADMIN, "email": "bench@nd47.example.vn",
            "password": "Bench-password-1"})
    user = model.User.get(ADMIN)
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    ids = []
    for i in range(n):
        name = f"co-quan-{i:02d}"
        try:
            org = tk.get_action("organization_show")(
                {"user": ADMIN}, {"id": name})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")({"user": ADMIN}, {
                "name": name, "title": f"Sở {WORDS[i * 3]} {WORDS[i * 3 + 1]}"
                f" {i}", "agency_code": f"000.00.{i:02d}.H75",
                "level": "province"})
        ids.append(org["id"])
    return ids


def load(sizes: dict[str, int], seed: int, reload: bool) -> None:
    import sqlalchemy as sa
    from ckan import model

    from ckanext.nd47 import config

    marker = MARKER + json.dumps({**sizes, "seed": seed}, sort_keys=True)
    found = model.Session.execute(sa.text(
        "SELECT obj_description('nd47_data_request'::regclass)")).scalar()
    if found == marker and not reload:
        print("  reusing the data of an earlier run", file=sys.stderr)
        # a migration since may have added indexes without statistics
        model.Session.execute(sa.text("ANALYZE nd47_data_request"))
        model.Session.commit()
        return
    organizations = _organizations(sizes["agencies"])
    model.Session.remove()

    def quoted(values: Any) -> str:
        return ", ".join(f"'{v}'" for v in values)

    counts = vote_counts(sizes["requests"], sizes["votes"], sizes["users"],
                         sizes["comments"], seed)
    engine = model.meta.engine
    started = time.perf_counter()

    def step(label: str, connection: Any, sql: str, **params: Any) -> None:
        t0 = time.perf_counter()
        result = connection.execute(sa.text(sql), params)
        rows = f"{result.rowcount:,} rows, " if result.rowcount >= 0 else ""
        print(f"  {label}: {rows}{time.perf_counter() - t0:.0f} s",
              file=sys.stderr)

    with engine.begin() as connection:
        connection.execute(sa.text(
            "TRUNCATE nd47_data_request, nd47_data_request_vote, "
            "nd47_data_request_follower, nd47_data_request_comment, "
            "nd47_data_request_event"))
        connection.execute(sa.text(
            'DELETE FROM "user" WHERE name LIKE :prefix'),
            {"prefix": USER_PREFIX + "%"})
        titles, sentences = _texts(seed)
        connection.execute(sa.text(_FUNCTIONS.format(
            seed=seed, titles=quoted(titles), ntitles=len(titles),
            sentences=quoted(sentences), nsentences=len(sentences),
            types=quoted(["citizen"] * 14 + ["business"] * 3
                         + ["researcher"] * 2 + ["agency"]))))
        connection.execute(sa.text(
            "CREATE TEMP TABLE bench_counts (i int PRIMARY KEY, votes int, "
            "comments int) ON COMMIT DROP"))
        connection.connection.cursor().copy_from(
            io.StringIO("".join(f"{i}\t{v}\t{c}\n" for i, v, c in counts)),
            "bench_counts")
        connection.execute(sa.text("ANALYZE bench_counts"))
        # the counter triggers are off for the load; _COUNTERS sets the
        # counts afterwards in one statement
        for table in ("nd47_data_request_vote", "nd47_data_request_comment"):
            connection.execute(sa.text(
                f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        step("users", connection, _USERS.format(
            prefix=USER_PREFIX, users=sizes["users"]))
        step("requests", connection, _REQUESTS.format(
            users=sizes["users"], requests=sizes["requests"],
            window=config.response_days(), sectors=quoted(SECTORS),
            grounds=quoted(GROUNDS)),
            organizations=organizations)
        # two primes: one of them is coprime with any number of users
        step("votes", connection, _VOTES.format(
            users=sizes["users"],
            stride=7919 if sizes["users"] % 7919 else 7907))
        step("comments", connection, _COMMENTS.format(users=sizes["users"]))
        step("counters", connection, _COUNTERS)
        for table in ("nd47_data_request_vote", "nd47_data_request_comment"):
            connection.execute(sa.text(
                f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        connection.execute(sa.text(
            f"COMMENT ON TABLE nd47_data_request IS '{marker}'"))
    with engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as connection:
        step("vacuum analyze", connection, "VACUUM ANALYZE")
    print(f"  loaded in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


def describe() -> dict[str, Any]:
    """What the database holds, as the README reports it."""
    import sqlalchemy as sa
    from ckan import model

    from ckanext.nd47 import config

    def scalar(sql: str) -> Any:
        return model.Session.execute(sa.text(sql)).scalar()

    open_ = "status IN ('new', 'under_review', 'planned')"
    largest = model.Session.execute(sa.text(f"""
        SELECT g.name, count(*) AS requests, count(*) FILTER (WHERE {open_})
        FROM nd47_data_request r JOIN "group" g ON g.id = r.organization_id
        GROUP BY g.name ORDER BY 3 DESC, 1 LIMIT 1""")).first()
    data = {
        "agencies": scalar("SELECT count(DISTINCT organization_id) "
                           "FROM nd47_data_request"),
        "users": scalar(f"SELECT count(*) FROM \"user\" "
                        f"WHERE name LIKE '{USER_PREFIX}%'"),
        "requests": scalar("SELECT count(*) FROM nd47_data_request"),
        "open_requests": scalar(
            f"SELECT count(*) FROM nd47_data_request WHERE {open_}"),
        "overdue_requests": scalar(
            "SELECT count(*) FROM nd47_data_request WHERE answered_at IS NULL"
            " AND status IN ('new', 'under_review') AND created < now()"
            f" - interval '{config.response_days()} days'"),
        "unassigned_requests": scalar(
            "SELECT count(*) FROM nd47_data_request "
            "WHERE organization_id IS NULL"),
        "votes": scalar("SELECT count(*) FROM nd47_data_request_vote"),
        "most_supporters": scalar(
            "SELECT max(supporters) FROM nd47_data_request"),
        "median_supporters": scalar(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY supporters) "
            "FROM nd47_data_request"),
        "comments": scalar("SELECT count(*) FROM nd47_data_request_comment"),
        "agency": largest[0],
        "agency_requests": largest[1],
        "agency_open_requests": largest[2],
        "postgresql": scalar("SHOW server_version"),
    }
    model.Session.remove()
    return data


# --- the measurement ---------------------------------------------------------------

def measure(app: Any, agency: str, runs: int, warmup: int,
            seed: int) -> dict[str, Any]:
    import sqlalchemy as sa
    import ckan.plugins.toolkit as tk
    from ckan import model

    rng = random.Random(seed + 1)
    queue = tk.get_action("nd47_request_queue")
    vote = tk.get_action("nd47_request_vote")
    unvote = tk.get_action("nd47_request_unvote")
    client = app.test_client()

    def scalar(sql: str, **params: Any) -> Any:
        return model.Session.execute(sa.text(sql), params).scalar()

    users = [name for (name,) in model.Session.execute(sa.text(
        f"SELECT name FROM \"user\" WHERE name LIKE '{USER_PREFIX}%' "
        "ORDER BY name"))]
    popular = [i for (i,) in model.Session.execute(sa.text(
        "SELECT id FROM nd47_data_request ORDER BY supporters DESC, id "
        "LIMIT 100"))]
    tail = [i for (i,) in model.Session.execute(sa.text(
        "SELECT id FROM nd47_data_request WHERE supporters <= 3 ORDER BY id"))]
    # votes move last_activity; it is put back after the run
    touched: dict[str, Any] = {}
    model.Session.remove()

    samples: dict[str, list[float]] = {op: [] for op, _ in OPERATIONS}

    def timed(op: str, keep: bool, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - t0) * 1000
        if keep:
            samples[op].append(elapsed)
        model.Session.remove()  # as at the end of a web request
        return result

    def check_page(page: dict[str, Any], agency_queue: bool) -> None:
        results = page["results"]
        assert len(results) == 20 and page["count"] > 20, page["count"]
        keys = [((0 if r["overdue"] else 1) if agency_queue else 0,
                 -r["priority"]["score"]) for r in results]
        assert keys == sorted(keys), "the page is not in queue order"

    started = time.perf_counter()
    for i in range(warmup + runs):
        keep = i >= warmup
        user = rng.choice(users)
        page = timed("province_anonymous", keep, lambda: queue(
            {"user": "", "ignore_auth": False}, {"limit": 20}))
        check_page(page, False)
        page = timed("province_user", keep, lambda: queue(
            {"user": user, "ignore_auth": False}, {"limit": 20}))
        check_page(page, False)
        page = timed("agency_anonymous", keep, lambda: queue(
            {"user": "", "ignore_auth": False},
            {"organization": agency, "limit": 20}))
        check_page(page, True)
        page = timed("agency_user", keep, lambda: queue(
            {"user": user, "ignore_auth": False},
            {"organization": agency, "limit": 20}))
        check_page(page, True)
        for op, params in (("province_api", "limit=20"),
                           ("agency_api", f"organization={agency}&limit=20")):
            response = timed(op, keep, lambda: client.get(
                f"/api/3/action/nd47_request_queue?{params}"))
            assert response.status_code == 200, response.status_code
            check_page(response.json["result"], op == "agency_api")

        # a supporter who has not supported the request yet (untimed)
        request_id = rng.choice(popular if i % 2 else tail)
        while True:
            voter = rng.choice(users)
            if not scalar(
                    "SELECT 1 FROM nd47_data_request_vote v JOIN \"user\" u "
                    "ON u.id = v.user_id WHERE v.request_id = :r "
                    "AND u.name = :n", r=request_id, n=voter):
                break
        if request_id not in touched:
            touched[request_id] = scalar(
                "SELECT last_activity FROM nd47_data_request WHERE id = :r",
                r=request_id)
        before = scalar("SELECT supporters FROM nd47_data_request "
                        "WHERE id = :r", r=request_id)
        model.Session.remove()
        context = {"user": voter, "ignore_auth": False}
        result = timed("vote", keep, lambda: vote(
            dict(context), {"id": request_id,
                            "supporter_type": rng.choice(TYPES)}))
        assert result["supports"] and result["supporters"] == before + 1
        result = timed("unvote", keep, lambda: unvote(
            dict(context), {"id": request_id}))
        assert not result["supports"] and result["supporters"] == before
        if (i + 1) % 50 == 0:
            print(f"  round {i + 1}/{warmup + runs} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    for request_id, last_activity in touched.items():
        model.Session.execute(sa.text(
            "UPDATE nd47_data_request SET last_activity = :t WHERE id = :r"),
            {"t": last_activity, "r": request_id})
    model.Session.commit()
    return {op: _summary(samples[op]) for op, _ in OPERATIONS}


def table(results: dict[str, Any]) -> str:
    lines = ["| operation | p50 | p95 | p99 | max | goal (p95) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for op, label in OPERATIONS:
        t = results[op]
        goal = (GOALS["vote"] if op in ("vote", "unvote")
                else GOALS["queue"])
        lines.append(f"| {label} | {t['p50_ms']:.1f} ms "
                     f"| {t['p95_ms']:.1f} ms | {t['p99_ms']:.1f} ms "
                     f"| {t['max_ms']:.1f} ms | ≤ {goal:.0f} ms |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", required=True)
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=200,
                        help="timed rounds (one of each operation per round)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed rounds first")
    parser.add_argument("--seed", type=int, default=47)
    parser.add_argument("--reload", action="store_true",
                        help="load again even if the database holds a load "
                             "of these sizes")
    parser.add_argument("--out", default=str(ROOT / ".dev" / "bench" /
                                             "feedback-benchmark.json"))
    args = parser.parse_args()
    sizes = {"agencies": args.agencies, "users": args.users,
             "requests": args.requests, "votes": args.votes,
             "comments": args.comments}

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(args.ini)
    # distinct users vote, but repeated runs within one rate-limit window
    # would pass the default limit of 120 per user; the Redis count itself
    # still happens on every vote
    config["ckanext.nd47.rate_limit.votes"] = "1000000"
    app = make_app(config)
    with app._wsgi_app.test_request_context():
        load(sizes, args.seed, args.reload)
        data = describe()
        results = measure(app._wsgi_app, data["agency"], args.runs,
                          args.warmup, args.seed)

    machine = (f"{os.cpu_count()} cores, "
               f"{platform.processor() or platform.machine()}, "
               f"Python {platform.python_version()}, "
               f"PostgreSQL {data['postgresql']}")
    out = {"data": data, "runs": args.runs, "warmup": args.warmup,
           "seed": args.seed, "machine": machine, "goals_p95_ms": GOALS,
           **results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"{data['requests']:,} requests ({data['open_requests']:,} open, "
          f"{data['overdue_requests']:,} overdue), {data['votes']:,} votes, "
          f"{data['comments']:,} comments, {data['users']:,} users, "
          f"{data['agencies']} agencies; agency queue: {data['agency']} "
          f"({data['agency_open_requests']:,} open of "
          f"{data['agency_requests']:,}); {args.runs} rounds after "
          f"{args.warmup} untimed; {machine}")
    print()
    print(table(results))
    print()
    print(f"(numbers written to {args.out})")


if __name__ == "__main__":
    main()
