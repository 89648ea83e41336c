"""Every search's cost is bounded: the worst ``q``, ``fq``, ``fl`` and facet
inputs that can be built are answered (200) or refused (409, bilingual) in
under a second each, measured here as a bound, not as a benchmark."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest

from ckanext.nd47.search import lucene, params
from tests.search.conftest import Catalogue
from tests.search.test_fuzz_package_search import _bilingual

API = "/api/3/action/package_search"
BOUND_SECONDS = 1.0

_WORDS = [f"từ{i}" for i in range(lucene.MAX_CLAUSES)]
_RANGES = lucene.MAX_CLAUSES // lucene.EXPENSIVE_CLAUSE - 2
_FIELD_WORDS = lucene.MAX_CLAUSES // lucene.FIELD_WORD_CLAUSE - 4

ANSWERED: list[tuple[str, dict[str, Any]]] = [
    ("free text at the clause bound",
     {"q": " ".join(_WORDS[:lucene.MAX_CLAUSES - 20])}),
    ("free text with diacritics and mm",
     {"q": " ".join(_WORDS[:lucene.MAX_CLAUSES - 20]), "mm": "1"}),
    ("words in an extras field",
     {"q": "extras_tan_suat:(" + " ".join(_WORDS[:_FIELD_WORDS]) + ")"}),
    ("words in the query fields of dismax",
     {"q": " ".join(_WORDS[:_FIELD_WORDS // 3]), "defType": "dismax",
      "qf": "title notes res_name"}),
    ("wildcards on a string field",
     {"fq": " OR ".join(f"tags:*{i}*" for i in range(_RANGES))}),
    ("numeric ranges",
     {"fq": " OR ".join(f"num_resources:[{i} TO *]"
                        for i in range(_RANGES))}),
    ("date ranges",
     {"fq": " OR ".join(f"metadata_modified:[NOW-{i}DAYS TO *]"
                        for i in range(_RANGES))}),
    ("the most fl fields",
     {"fl": " ".join(f"field_{i}" for i in range(params.MAX_FL_FIELDS - 1))
      + " id", "rows": 1000}),
    ("the most facet fields, unlimited",
     {"facet.field": json.dumps(
         ["text", "id", "name", "tags", "res_format", "organization"] +
         [f"extras_{i}" for i in range(params.MAX_FACET_FIELDS - 6)]),
      "facet.limit": -1, "rows": 0}),
    ("the most sort clauses",
     {"sort": ", ".join(["tan_suat desc"] * (params.MAX_SORT_CLAUSES - 1) +
                        ["name asc"])}),
    ("a huge page size", {"rows": 10 ** 12}),
]

REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("free text beyond the clause bound",
     {"q": " ".join(_WORDS[:lucene.MAX_CLAUSES + 1])}),
    ("a q beyond the length bound",
     {"q": "thời tiết " * (params.MAX_QUERY_LENGTH // 10 + 1)}),
    ("words beyond the bound in an extras field",
     {"q": "extras_tan_suat:(" + " ".join(
         _WORDS[:lucene.MAX_CLAUSES // lucene.FIELD_WORD_CLAUSE + 1]) + ")"}),
    ("ranges beyond the bound",
     {"fq": " OR ".join(f"num_resources:[{i} TO *]"
                        for i in range(_RANGES + 3))}),
    ("nested as deep as the length allows",
     {"fq": "(" * 1990 + "a" + ")" * 1990}),
    ("NOT chained as long as the length allows", {"fq": "NOT " * 990 + "a"}),
    ("every filter full of words",
     {"fq_list": [" ".join(_WORDS[:200])] * params.MAX_FQ_LIST}),
    ("too many filters",
     {"fq_list": ["tags:a"] * (params.MAX_FQ_LIST + 1)}),
    ("too many fl fields",
     {"fl": " ".join(f"f{i}" for i in range(100_000))}),
    ("too many facet fields",
     {"facet.field": json.dumps([f"f{i}" for i in range(100_000)])}),
    ("too many sort clauses", {"sort": ",".join(["name asc"] * 10_000)}),
    ("a page far away", {"start": params.MAX_START + 1}),
]


@pytest.fixture(autouse=True)
def _warm(app, catalogue: Catalogue) -> None:
    """The first request of a module compiles what every later one reuses."""
    app.get(API, query_string={"q": "thời tiết"})


def _timed(app, data: dict[str, Any]) -> tuple[float, Any]:
    started = time.monotonic()
    response = app.post(API, data=json.dumps(data),
                        content_type="application/json")
    return time.monotonic() - started, response


@pytest.mark.parametrize("label, data", ANSWERED,
                         ids=[label for label, _ in ANSWERED])
def test_worst_answered_search_is_bounded(app, label, data):
    elapsed, response = _timed(app, data)
    assert response.status_code == 200, response.body[:300]
    assert elapsed < BOUND_SECONDS, f"{label}: {elapsed:.2f} s"


@pytest.mark.parametrize("label, data", REFUSED,
                         ids=[label for label, _ in REFUSED])
def test_worst_refused_search_is_bounded(app, label, data):
    elapsed, response = _timed(app, data)
    assert response.status_code == 409, response.body[:300]
    error = json.dumps(response.json["error"], ensure_ascii=False)
    assert _bilingual(error), error
    assert elapsed < BOUND_SECONDS, f"{label}: {elapsed:.2f} s"
