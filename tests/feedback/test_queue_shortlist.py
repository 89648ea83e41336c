"""The priority queue scores only the requests of high demand
(``store._shortlist``, ``Formula.least_demand``): its pages must be the
ones a full sort of every matching request gives, for any weights."""
from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from typing import Any, Optional

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

import ckan.model as model
from ckan.tests import factories as ckan_factories

from ckanext.nd47.feedback import store, workflow
from ckanext.nd47.feedback.score import DEMAND_TERMS, TERMS, Formula
from ckanext.nd47.model.data_request import (
    REQUESTER_TYPES, STATUSES, data_request)
from tests import factories

COUNTS = {"supporters": "supporters", "comments": "comments",
          "usage": "dataset_usage", "low_ratings": "low_ratings"}


def exact_score(formula: Formula, row: dict[str, Any],
                age_days: float) -> float:
    """The score as score.py's table defines it, unrounded."""
    w = formula.weights
    kinds = sum(1 for t in REQUESTER_TYPES if row[f"supporters_{t}"] > 0)
    return (sum(w[term] * math.log2(1 + row[column])
                for term, column in COUNTS.items())
            + w["recency"] * 0.5 ** (age_days / formula.half_life_days)
            + w["diversity"] * max(kinds - 1, 0))


weights_st = st.fixed_dictionaries(
    {term: st.floats(-20, 50, allow_nan=False) for term in TERMS})
count_st = st.integers(0, 10**6)


@given(weights=weights_st, counts=st.tuples(count_st, count_st, count_st,
                                             count_st),
       kinds=st.integers(0, 4), age_days=st.floats(0, 3650),
       half_life=st.floats(0.001, 365))
def test_least_demand_never_excludes_a_request_of_that_score(
        weights: dict[str, float], counts: tuple[int, ...], kinds: int,
        age_days: float, half_life: float):
    formula = Formula(weights, half_life)
    row: dict[str, Any] = dict(zip(COUNTS.values(), counts))
    row.update({f"supporters_{t}": int(i < kinds)
                for i, t in enumerate(REQUESTER_TYPES)})
    least = formula.least_demand(exact_score(formula, row, age_days))
    assert least is None or max(counts) >= least


def test_least_demand_is_tight_enough_to_help():
    formula = Formula({term: 10.0 if term == "supporters" else 0.0
                       for term in TERMS}, 30.0)
    assert formula.least_demand(0.0) is None
    for demand in range(1, 5000):
        least = formula.least_demand(10.0 * math.log2(1 + demand))
        assert least is not None and demand - 1 <= least <= demand


def test_least_demand_gives_up_when_the_counts_do_not_decide():
    only_recency = Formula({term: 0.0 for term in TERMS} | {"recency": 6.0},
                           30.0)
    assert only_recency.least_demand(5.0) is None
    defaults = Formula({"supporters": 10.0, "recency": 6.0,
                        "diversity": 4.0, "comments": 2.0, "usage": 1.0,
                        "low_ratings": 5.0}, 30.0)
    # recency and diversity alone can reach 18
    assert defaults.least_demand(17.9) is None
    assert set(DEMAND_TERMS) == set(COUNTS)


# --- against the database -------------------------------------------------------

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.timezone.utc)
WEIGHTS = {
    "defaults": {},
    "recency decides": {"recency": 100.0},
    "no supporters": {"supporters": 0.0},
    "negative terms": {"diversity": -3.0, "comments": -1.0},
    "no counts": {"supporters": 0.0, "comments": 0.0, "usage": 0.0,
                  "low_ratings": 0.0},
}


@pytest.fixture
def requests(clean_db) -> dict[str, str]:
    """150 requests of every status over two agencies and none: a few
    popular, a long tail, some overdue, ties of demand."""
    rng = random.Random(47)
    user = ckan_factories.User()
    agencies = [factories.Agency()["id"], factories.Agency()["id"]]
    rows = []
    for i in range(150):
        created = NOW - dt.timedelta(days=rng.uniform(0, 60))
        status = rng.choice(STATUSES)
        answered = (created + dt.timedelta(days=rng.uniform(1, 20))
                    if status in workflow.ANSWERS else None)
        supporters = min(int(rng.paretovariate(0.8)), 2000)
        types = rng.sample(REQUESTER_TYPES, rng.randint(1, 4))
        rows.append({
            "id": str(uuid.uuid4()), "title": f"Yêu cầu {i}",
            "description": "Dữ liệu", "requester_type": "citizen",
            "organization_id": rng.choice(agencies + [None]),
            "creator_id": user["id"], "status": status,
            "created": created, "answered_at": answered,
            "last_activity": created + (NOW - created) * rng.random(),
            "supporters": supporters,
            **{f"supporters_{t}": (supporters if t == types[0] else
                                   int(t in types))
               for t in REQUESTER_TYPES},
            "comments": rng.choice([0, 0, 1, 2, rng.randint(0, 300)]),
            "dataset_usage": rng.choice([0, 0, 0, rng.randint(0, 5000)]),
            "low_ratings": rng.choice([0, 0, 0, rng.randint(0, 40)]),
        })
    model.Session.execute(sa.insert(data_request), rows)
    model.Session.commit()
    return {"agency": agencies[0], "other": agencies[1]}


def _page(filters: dict[str, Any], limit: int, offset: int,
          overdue_first: bool) -> tuple[int, list[tuple[str, float]]]:
    total, rows = store.search(filters, "priority", limit, offset, 15,
                               overdue_first)
    return total, [(row.id, row.score) for row in rows]


@pytest.mark.parametrize("extra", [store._SHORTLIST_EXTRA, 0])
@pytest.mark.parametrize("weights", WEIGHTS.values(), ids=WEIGHTS.keys())
def test_the_shortlist_gives_the_pages_of_the_full_sort(
        requests: dict[str, str], weights: dict[str, float], extra: int,
        ckan_config: Any, monkeypatch: pytest.MonkeyPatch):
    for term, weight in weights.items():
        monkeypatch.setitem(ckan_config,
                            f"ckanext.nd47.priority.weight.{term}", weight)
    monkeypatch.setattr(store, "now", lambda: NOW)
    # without extra requests scored, the bound comes from fewer of them
    monkeypatch.setattr(store, "_SHORTLIST_EXTRA", extra)
    shortlist = store._shortlist
    used = []

    def spy(*args: Any) -> Optional[Any]:
        condition = shortlist(*args)
        used.append(condition is not None)
        return condition

    cases: list[tuple[dict[str, Any], bool]] = [
        ({"statuses": workflow.OPEN}, False),
        ({"statuses": workflow.OPEN, "organization_id": requests["agency"]},
         True),
        ({"statuses": workflow.OPEN, "organization_id": requests["other"]},
         True),
        # no overdue request at all: the second band fills the page
        ({"statuses": (workflow.PLANNED,),
          "organization_id": requests["agency"]}, True),
        ({"statuses": None}, False),
    ]
    for filters, overdue_first in cases:
        for limit, offset in ((5, 0), (5, 5), (10, 20), (20, 60), (50, 0),
                              (200, 0)):
            monkeypatch.setattr(store, "_shortlist", spy)
            fast = _page(filters, limit, offset, overdue_first)
            monkeypatch.setattr(store, "_shortlist", lambda *args: None)
            full = _page(filters, limit, offset, overdue_first)
            assert fast == full, (filters, limit, offset)
    if weights == WEIGHTS["no counts"]:
        assert not any(used)
    elif extra:
        # else the much-viewed datasets' requests come first by demand
        assert any(used)
