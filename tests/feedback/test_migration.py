"""The feedback migrations: the counters' migration (b7c1e2d4f5a6) can be
undone and redone without losing or changing anything, and the whole nd47
chain goes down to nothing and up again."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan

from tests.feedback.conftest import (Cast, act, assert_counters_match_rows,
                                     dataset_named, new_request)

BEFORE_COUNTERS = "c3a9f1b2d4e5"
COUNTERS = ("supporters", "supporters_citizen", "supporters_business",
            "supporters_researcher", "supporters_agency", "comments")
#: table -> its primary key, to read rows in a stable order
TABLES = {
    "nd47_data_request": "id",
    "nd47_data_request_vote": "request_id, user_id",
    "nd47_data_request_follower": "request_id, user_id",
    "nd47_data_request_comment": "id",
    "nd47_data_request_event": "id",
    "nd47_dataset_rating": "dataset_id, user_id",
}
TRIGGERS = {"nd47_data_request_count_vote", "nd47_data_request_count_comment"}


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of the feedback tables, as column -> value."""
    model.Session.remove()
    return {table: [dict(row._mapping) for row in model.Session.execute(
        sa.text(f"SELECT * FROM {table} ORDER BY {key}"))]
        for table, key in TABLES.items()}


def columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(model.meta.engine)
            .get_columns(table)}


def triggers() -> set[str]:
    model.Session.remove()
    return {name for (name,) in model.Session.execute(sa.text(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}


def functions() -> set[str]:
    model.Session.remove()
    return {name for (name,) in model.Session.execute(sa.text(
        "SELECT proname FROM pg_proc "
        "WHERE proname LIKE 'nd47\\_data\\_request%'"))}


def revision() -> str:
    model.Session.remove()
    return str(model.Session.execute(sa.text(
        "SELECT version_num FROM nd47_alembic_version")).scalar())


def migrate(cli: Any, *args: str) -> None:
    model.Session.remove()  # no open transaction may hold the tables
    result = cli.invoke(ckan, ["db", *args, "-p", "nd47"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def everything(cast: Cast) -> dict[str, Any]:
    """Requests of both kinds, supporters of every type, follows, visible,
    hidden and deleted comments, every kind of event, and ratings."""
    dataset = dataset_named(cast, "gia-dat")
    first = new_request(cast)["id"]
    second = new_request(cast, title="Danh sách trường học",
                         requester_type="business", organization="")["id"]
    for user, kind in ((cast.neighbour, "business"),
                       (cast.steward, "agency"),
                       (cast.other_steward, "researcher")):
        act("nd47_request_vote", user, id=first, supporter_type=kind)
        act("nd47_request_vote", user, id=second, supporter_type=kind)
    act("nd47_request_follow", cast.neighbour, id=first)
    said = [act("nd47_request_comment_create", cast.neighbour, id=first,
                text=f"Bình luận {i}")["id"] for i in range(4)]
    act("nd47_request_comment_hide", cast.steward, id=said[0],
        reason="Lạc đề")
    act("nd47_request_comment_delete", cast.neighbour, id=said[1])
    act("nd47_request_transition", cast.steward, id=first,
        status="planned", reason="Kế hoạch",
        target_date=(dt.date.today() + dt.timedelta(days=20)).isoformat())
    act("nd47_request_reassign", cast.sysadmin, id=second,
        organization="so-xay-dung", reason="Giao việc")
    act("nd47_request_transition", cast.other_steward, id=second,
        status="declined", decline_ground="duplicate", reason="Trùng")
    act("nd47_rating_create", cast.citizen, dataset=dataset["name"], stars=5,
        reason="quality", comment="Tốt")
    act("nd47_rating_create", cast.neighbour, dataset=dataset["name"],
        stars=1, reason="timeliness")
    report = act("nd47_dataset_report", cast.other_steward,
                 dataset=dataset["name"], text="Thiếu năm 2025")
    return {"requests": (first, second, report["id"]), "comments": said}


def test_down_one_step_and_up_loses_nothing(cli: Any,
                                            everything: dict[str, Any]
                                            ) -> None:
    before = dump()
    assert {t: len(rows) for t, rows in before.items()} == {
        "nd47_data_request": 3, "nd47_data_request_vote": 9,
        "nd47_data_request_follower": 5, "nd47_data_request_comment": 5,
        "nd47_data_request_event": 8, "nd47_dataset_rating": 2}
    assert assert_counters_match_rows() == 3
    assert TRIGGERS <= triggers()

    migrate(cli, "downgrade", "--version", BEFORE_COUNTERS)
    assert revision() == BEFORE_COUNTERS
    assert not set(COUNTERS) & columns("nd47_data_request")
    assert not TRIGGERS & triggers()
    assert functions() == set()
    # only the derived counters went
    without = dump()
    for table, rows in before.items():
        drop = COUNTERS if table == "nd47_data_request" else ()
        assert without[table] == [{k: v for k, v in row.items()
                                   if k not in drop} for row in rows], table

    migrate(cli, "upgrade")
    assert revision() != BEFORE_COUNTERS
    assert dump() == before
    assert assert_counters_match_rows() == 3
    assert TRIGGERS <= triggers() and functions() == TRIGGERS


def test_counters_are_recomputed_from_the_rows(cli: Any, cast: Cast,
                                               everything: dict[str, Any]
                                               ) -> None:
    """Rows written while the triggers were gone (by an older release
    running against the downgraded schema) are counted on the way up,
    and the triggers count again afterwards."""
    first = everything["requests"][0]
    migrate(cli, "downgrade", "--version", BEFORE_COUNTERS)
    model.Session.execute(sa.text(
        "INSERT INTO nd47_data_request_vote (request_id, user_id, "
        "supporter_type) VALUES (:r, :u, 'researcher')"),
        {"r": first, "u": cast.sysadmin["id"]})
    model.Session.execute(sa.text(
        "UPDATE nd47_data_request_comment SET state = 'visible' "
        "WHERE id = :id"), {"id": everything["comments"][0]})
    model.Session.execute(sa.text(
        "DELETE FROM nd47_data_request_vote WHERE user_id = :u"),
        {"u": cast.neighbour["id"]})
    model.Session.commit()

    migrate(cli, "upgrade")
    assert assert_counters_match_rows() == 3
    shown = act("nd47_request_show", None, id=first)
    assert shown["supporters"] == 4
    assert shown["supporters_by_type"] == {
        "citizen": 1, "business": 0, "researcher": 2, "agency": 1}
    assert len(shown["comments"]) == 3

    act("nd47_request_vote", cast.neighbour, id=first,
        supporter_type="business")
    act("nd47_request_comment_create", cast.citizen, id=first, text="Mới")
    assert assert_counters_match_rows() == 3
    assert act("nd47_request_show", None, id=first)["supporters"] == 5


def test_down_to_base_and_up_again(cli: Any, cast: Cast,
                                   everything: dict[str, Any]) -> None:
    assert functions() == TRIGGERS  # each trigger calls its namesake
    migrate(cli, "downgrade")
    engine = sa.inspect(model.meta.engine)
    left = [t for t in engine.get_table_names() if t.startswith("nd47_")
            and t not in ("nd47_alembic_version", "nd47_search_document",
                          "nd47_search_alembic_version")]
    assert left == []
    assert not TRIGGERS & triggers()
    assert functions() == set()

    migrate(cli, "upgrade")
    assert {t: len(rows) for t, rows in dump().items()} == {
        t: 0 for t in TABLES}
    assert sa.inspect(model.meta.engine).has_table("nd47_deadline_notice")
    request = new_request(cast)
    act("nd47_request_vote", cast.neighbour, id=request["id"])
    assert act("nd47_request_show", None, id=request["id"])[
        "supporters"] == 2
    assert assert_counters_match_rows() == 1
