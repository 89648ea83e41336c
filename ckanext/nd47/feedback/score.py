"""The priority score of a data request: a sum of six terms, each a weight
from the config declaration times a measure of demand, so that every
request can show what each term adds.

=============  ==============================================================
term           contribution
=============  ==============================================================
supporters     w × log2(1 + distinct supporters)
recency        w × 0.5 ^ (days since the last support or comment / half-life)
diversity      w × (kinds of supporters − 1); kinds are citizen, business,
               researcher and agency, so 0 to 3 × w
comments       w × log2(1 + visible comments)
usage          w × log2(1 + views of the dataset, for improvement requests)
low_ratings    w × log2(1 + ratings of 1 or 2 stars of the dataset)
=============  ==============================================================

Logarithms give diminishing returns: the hundredth supporter adds less than
the second, so a request cannot be pushed to the top by volume alone.
Ties are broken by age (the older request first). The same formula exists
twice, as SQL (to sort the queue inside PostgreSQL) and in Python (to
explain one request); a test checks that they agree.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ckanext.nd47 import config
from ckanext.nd47.model.data_request import REQUESTER_TYPES, data_request

TERMS = ("supporters", "recency", "diversity", "comments", "usage",
         "low_ratings")

#: the terms that grow with log2(1 + a count) of the request
DEMAND_TERMS = ("supporters", "comments", "usage", "low_ratings")

#: the largest of those counts, indexed (migration 56504bf9af07) so that
#: the queue finds its first pages without scoring every open request:
#: see ``Formula.least_demand``
DEMAND = sa.func.greatest(data_request.c.supporters, data_request.c.comments,
                          data_request.c.dataset_usage,
                          data_request.c.low_ratings)

TERM_LABELS = {
    "supporters": {"vi": "Người ủng hộ", "en": "Supporters"},
    "recency": {"vi": "Hoạt động gần đây", "en": "Recent activity"},
    "diversity": {"vi": "Đa dạng người ủng hộ", "en": "Supporter diversity"},
    "comments": {"vi": "Bình luận", "en": "Comments"},
    "usage": {"vi": "Lượt xem bộ dữ liệu", "en": "Dataset views"},
    "low_ratings": {"vi": "Đánh giá thấp", "en": "Low ratings"},
}


@dataclasses.dataclass(frozen=True)
class Formula:
    weights: Mapping[str, float]
    half_life_days: float

    @classmethod
    def from_config(cls) -> "Formula":
        return cls(config.priority_weights(),
                   max(config.priority_half_life_days(), 0.001))

    # -- SQL ---------------------------------------------------------------
    def sql(self, now: ColumnElement) -> ColumnElement:
        """The score of each row of ``nd47_data_request``."""
        c = data_request.c
        w = self.weights

        def log2p1(column: Any) -> ColumnElement:
            return sa.func.ln(1 + column) / math.log(2)

        kinds: Any = sum(
            (sa.case((getattr(c, f"supporters_{t}") > 0, 1), else_=0)
             for t in REQUESTER_TYPES), sa.literal(0))
        # in double precision: PostgreSQL's extract() gives a numeric, and
        # power() of numerics costs some 15 µs a row
        age_days = sa.cast(sa.func.extract("epoch", now - c.last_activity),
                           sa.Float) / 86400.0
        return (
            w["supporters"] * log2p1(c.supporters)
            + w["recency"] * sa.func.power(
                0.5, sa.func.greatest(age_days, 0) / self.half_life_days)
            + w["diversity"] * sa.func.greatest(kinds - 1, 0)
            + w["comments"] * log2p1(c.comments)
            + w["usage"] * log2p1(c.dataset_usage)
            + w["low_ratings"] * log2p1(c.low_ratings))

    def least_demand(self, score: float) -> Optional[int]:
        """The least ``DEMAND`` a request needs to score ``score`` or more,
        whatever its recency; None when any request might.

        Each logarithmic term is at most w⁺ × log2(1 + demand), the
        diversity term at most w⁺ × 3 and the recency term at most w⁺
        (w⁺: the weight, or 0 when it is negative), so a request of score
        s has log2(1 + demand) ≥ (s − 3 × w⁺diversity − w⁺recency) / Σ w⁺
        of the logarithmic terms. The margin (far above the rounding of the
        SQL's double-precision sum) and the rounding down keep it safe."""
        w = {term: max(weight, 0.0) for term, weight in self.weights.items()}
        logs = sum(w[term] for term in DEMAND_TERMS)
        rest = (score - 3 * w["diversity"] - w["recency"]
                - 1e-9 * (1 + abs(score)))
        if logs <= 0 or rest <= 0 or rest / logs > 60:
            return None
        return math.floor(2 ** (rest / logs) - 1)

    # -- one request ---------------------------------------------------------
    def measures(self, row: Mapping[str, Any],
                 now: dt.datetime) -> dict[str, float]:
        age = (now - row["last_activity"]).total_seconds() / 86400.0
        return {
            "supporters": row["supporters"],
            "recency": round(max(age, 0.0), 2),
            "diversity": sum(1 for t in REQUESTER_TYPES
                             if row[f"supporters_{t}"] > 0),
            "comments": row["comments"],
            "usage": row["dataset_usage"],
            "low_ratings": row["low_ratings"],
        }

    def explain(self, row: Mapping[str, Any],
                now: dt.datetime) -> dict[str, Any]:
        """Each term's measure, weight and contribution, and their sum."""
        measure = self.measures(row, now)
        w = self.weights
        age = (now - row["last_activity"]).total_seconds() / 86400.0
        contribution = {
            "supporters": w["supporters"] * math.log2(1 + measure["supporters"]),
            "recency": w["recency"] * 0.5 ** (max(age, 0.0)
                                              / self.half_life_days),
            "diversity": w["diversity"] * max(measure["diversity"] - 1, 0),
            "comments": w["comments"] * math.log2(1 + measure["comments"]),
            "usage": w["usage"] * math.log2(1 + measure["usage"]),
            "low_ratings": w["low_ratings"]
            * math.log2(1 + measure["low_ratings"]),
        }
        return {
            "score": round(sum(contribution.values()), 3),
            "half_life_days": self.half_life_days,
            "terms": [{"term": term, "measure": measure[term],
                       "weight": w[term],
                       "contribution": round(contribution[term], 3)}
                      for term in TERMS],
        }
