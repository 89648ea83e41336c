"""A Solr-compatible connection answered by PostgreSQL.

CKAN's search index and query classes talk to Solr through a ``pysolr.Solr``
connection: ``add`` / ``delete`` / ``commit`` to index, ``search(**params)``
to query. :class:`PostgresSearchConnection` offers the same four calls, so
CKAN keeps building documents and queries exactly as it does for Solr
(plugins' ``before_dataset_index``, permission labels, drafts, private
datasets, dataset types) and this class evaluates them in PostgreSQL.

Every write runs in its own short transaction, as a Solr commit would, so the
index is shared by any number of web workers and background jobs.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from ckanext.nd47.model.search_document import search_document as _doc
from ckanext.nd47.search import document, lucene, text

_SORT_RE = re.compile(r"^\s*([\w.\-]+)\s+(asc|desc)\s*$", re.IGNORECASE)
_FL_SPLIT_RE = re.compile(r"[\s,]+")

# Sort fields that are valid even before any dataset carries them.
_ALWAYS_SORTABLE = frozenset({
    "score", "id", "name", "title", "title_string", "metadata_modified",
    "metadata_created", "views_recent", "views_total", "num_resources",
    "num_tags", "organization", "license_id", "state", "dataset_type",
})
_EXACT_RANK_BOOST = 2.0
MAX_FACET_LIMIT = 1000
# created by the migration: ICU Vietnamese order where PostgreSQL has ICU
VIETNAMESE_COLLATION = "nd47_search_vi"


@dataclasses.dataclass
class SearchResponse:
    """What ``pysolr.Results`` offers to CKAN: hits, docs and facets."""
    hits: int
    docs: list[dict[str, Any]]
    facets: dict[str, Any]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if v is not None]


def _reject_bad_text(q: str, params: dict[str, Any]) -> None:
    """PostgreSQL text cannot hold NUL nor a lone surrogate (it cannot be
    encoded); say so instead of failing later."""
    values = [q]
    for value in params.values():
        values.extend(_as_list(value) if isinstance(value, (str, list))
                      else [])
    if any(text.is_unstorable(v) for v in values if isinstance(v, str)):
        raise lucene.QuerySyntaxError(
            "Tham số tìm kiếm chứa ký tự không hợp lệ (NUL hoặc nửa cặp "
            "UTF-16) / A search parameter contains an invalid character "
            "(NUL or a lone UTF-16 surrogate)")


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise lucene.QuerySyntaxError(
            f"Tham số {name} phải là số nguyên / {name} must be an integer"
        ) from None


class PostgresSearchConnection:
    """Index and query datasets in ``nd47_search_document``."""

    def __init__(self, engine: Engine):
        self.engine = engine
        #: the same pool, read in one snapshot per transaction
        self.snapshots = engine.execution_options(
            isolation_level="REPEATABLE READ")

    # -- indexing ----------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **_solr_options: Any) -> None:
        rows = [document.build_row(_json_safe(doc)) for doc in docs]
        if not rows:
            return
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(_upsert(row))

    def delete(self, id: Optional[str] = None, q: Optional[str] = None,
               commit: bool = True, **_solr_options: Any) -> None:
        if id is not None:
            where = _doc.c.index_id == id
        elif q is not None:
            where = lucene.translate_lucene(q).where
        else:
            raise lucene.QuerySyntaxError(
                "Cần id hoặc truy vấn để xoá / delete needs an id or a query")
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_doc).where(where))

    def commit(self, **_solr_options: Any) -> None:
        """Writes are committed as they happen; nothing is pending."""

    # -- querying ----------------------------------------------------------
    def search(self, q: Optional[str] = None, **params: Any
               ) -> SearchResponse:
        q = q or params.get("q") or "*:*"
        _reject_bad_text(q, params)
        budget = lucene.Budget()
        translation = self._translate_q(q, params, budget)
        where = [translation.where]
        for fq in _as_list(params.get("fq")):
            if not isinstance(fq, str):
                raise lucene.QuerySyntaxError(
                    "Bộ lọc fq phải là chuỗi văn bản / fq must be a string")
            if fq.strip():
                where.append(lucene.translate_lucene(
                    fq, params.get("df", "text"), budget).where)
        condition = sa.and_(*where)
        score = _score(translation.ranking_terms)
        ranked = bool(translation.ranking_terms)

        rows = _int_param(params, "rows", 10)
        start = _int_param(params, "start", 0)
        if rows < 0 or start < 0:
            raise lucene.QuerySyntaxError(
                "rows và start không được âm / rows and start must not be "
                "negative")
        fl = list(dict.fromkeys(
            f for f in _FL_SPLIT_RE.split(params.get("fl") or "*") if f))

        # one snapshot for the page, its stored fields, the total and the
        # facets: a dataset re-indexed or deleted by another worker between
        # them must not leave a hit without its document
        with self.snapshots.connect() as conn, conn.begin():
            order_by = self._order_by(conn, params.get("sort"),
                                      score if ranked else None)
            docs: list[dict[str, Any]] = []
            hits = None
            if rows:
                # the page and the total in one pass over the matches, then
                # the stored fields of that page only: unpacking the large
                # documents of every match would dominate the query
                page = conn.execute(
                    sa.select(_doc.c.index_id, sa.func.count().over(),
                              score.label("score"))
                    .where(condition).order_by(*order_by)
                    .limit(rows).offset(start)).all()
                ids = [index_id for index_id, _, _ in page]
                stored = {
                    index_id: values for index_id, *values in conn.execute(
                        sa.select(_doc.c.index_id, *_fl_columns(fl))
                        .where(_doc.c.index_id.in_(ids)))
                } if ids else {}
                for index_id, total, row_score in page:
                    hits = total
                    docs.append(_result_doc(fl, row_score, stored[index_id]))
            if hits is None:  # no page asked for, or past the last one
                hits = conn.execute(
                    sa.select(sa.func.count()).select_from(_doc)
                    .where(condition)).scalar_one()
            facets = {}
            if str(params.get("facet", "false")).lower() == "true":
                facets = self._facets(conn, condition, params)
        return SearchResponse(hits=hits, docs=docs,
                              facets={"facet_fields": facets})

    def _translate_q(self, q: str, params: dict[str, Any],
                     budget: lucene.Budget) -> lucene.Translation:
        if params.get("defType") in ("dismax", "edismax"):
            query_fields = [
                f.split("^")[0] for f in
                (params.get("qf") or "text").split() if f]
            if "text" in query_fields:
                # the catch-all text already holds every other query field
                query_fields = ["text"]
            return lucene.translate_dismax(q, query_fields, params.get("mm"),
                                           budget)
        return lucene.translate_lucene(q, params.get("df", "text"), budget)

    def _order_by(self, conn: sa.engine.Connection, sort: Optional[str],
                  score: Optional[ColumnElement]) -> list[ColumnElement]:
        """ORDER BY for Solr's ``sort``; ``score`` is None when every
        document scores the same (no words to rank by)."""
        order: list[ColumnElement] = []
        for clause in (sort or "score desc").split(","):
            if not clause.strip():
                continue
            match = _SORT_RE.match(clause)
            if not match:
                raise lucene.QuerySyntaxError(
                    f"Tham số sắp xếp không hợp lệ: {clause.strip()!r}; "
                    "dùng 'trường asc|desc' / Invalid sort parameter: "
                    f"{clause.strip()!r}; use 'field asc|desc'")
            field, direction = match.group(1), match.group(2).lower()
            if field not in _ALWAYS_SORTABLE and not conn.execute(
                    sa.select(sa.exists().where(
                        _doc.c.fields.has_key(field)))).scalar_one():
                raise lucene.QuerySyntaxError(
                    f"Không thể sắp xếp theo trường không có trong chỉ mục: "
                    f"{field!r} / Cannot sort on a field that is not "
                    f"indexed: {field!r}")
            for key in _sort_keys(field, score):
                order.append(key.desc().nulls_last() if direction == "desc"
                             else key.asc().nulls_last())
        order.append(_doc.c.index_id.asc())
        return order

    def _facets(self, conn: sa.engine.Connection, condition: ColumnElement,
                params: dict[str, Any]) -> dict[str, list[Any]]:
        names = list(dict.fromkeys(_as_list(params.get("facet.field"))))
        if not names:
            return {}
        limit = _int_param(params, "facet.limit", 50)
        # Solr's "no limit" (a negative one) and larger limits are held to
        # MAX_FACET_LIMIT values a field: the answer's size stays bounded
        if limit < 0 or limit > MAX_FACET_LIMIT:
            limit = MAX_FACET_LIMIT
        mincount = max(_int_param(params, "facet.mincount", 1), 1)
        field = sa.func.unnest(
            sa.literal(names, postgresql.ARRAY(sa.Text))
        ).table_valued("name").render_derived()
        value = sa.func.jsonb_array_elements_text(
            _doc.c.fields[field.c.name]
        ).table_valued("value").render_derived().lateral()
        count = sa.func.count()
        grouped = (
            sa.select(field.c.name, value.c.value, count.label("n"),
                      sa.func.row_number().over(
                          partition_by=field.c.name,
                          order_by=(count.desc(), value.c.value),
                      ).label("rank"))
            .select_from(_doc).join(field, sa.true()).join(value, sa.true())
            .where(condition)
            .group_by(field.c.name, value.c.value)
            .having(count >= mincount)
        ).subquery()
        stmt = sa.select(grouped.c.name, grouped.c.value, grouped.c.n) \
            .where(grouped.c.rank <= limit)
        stmt = stmt.order_by(grouped.c.name, grouped.c.rank)
        facets: dict[str, list[Any]] = {name: [] for name in names}
        for name, facet_value, n in conn.execute(stmt):
            facets[name].extend((facet_value, n))
        return facets


def _json_safe(doc: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(doc, default=str))


def _weighted_vector(parts: list[str]) -> ColumnElement:
    vector: Optional[ColumnElement] = None
    for weight, part in zip("ABD", parts):
        weighted = sa.func.setweight(sa.func.to_tsvector("simple", part),
                                     weight)
        vector = weighted if vector is None else vector.op("||")(weighted)
    assert vector is not None
    return vector


def _upsert(row: dict[str, Any]) -> sa.sql.Executable:
    values = {
        **{column: row[column] for column in document.COLUMN_FIELDS.values()},
        "index_id": row["index_id"],
        "doc": row["doc"],
        "fields": row["fields"],
        "folded": row["folded"],
        "text_exact": _weighted_vector(row["weights_exact"]),
        "text_folded": _weighted_vector(row["weights_folded"]),
        "indexed_at": sa.func.now(),
    }
    stmt = postgresql.insert(_doc).values(**values)
    return stmt.on_conflict_do_update(
        index_elements=[_doc.c.index_id],
        set_={k: stmt.excluded[k] for k in values if k != "index_id"},
    )


def _score(terms: list[str]) -> ColumnElement:
    """Relevance: diacritic-free match, plus a boost for the words typed
    with diacritics that match them exactly."""
    if not terms:
        return sa.literal(1.0, sa.Float)

    def any_of(terms: list[str]) -> ColumnElement:
        # one tsquery "(a & b) | c" from one parameter: combining a query
        # per term with || nests as deep as there are terms, and hundreds
        # of words exhaust the stack when SQLAlchemy compiles it; \w+
        # words need no quoting beyond the quotes
        alternatives = dict.fromkeys(
            " & ".join(f"'{w}'" for w in text.words(t)) for t in terms)
        return sa.func.to_tsquery("simple", " | ".join(
            f"({a})" for a in alternatives if a) or "''")

    folded = [" ".join(text.words(text.fold(t))) for t in terms]
    relevance = sa.func.ts_rank(_doc.c.text_folded, any_of(folded))
    accented = [" ".join(text.words(t)) for t in terms
                if text.has_diacritics(t)]
    if not accented:
        # typed without diacritics: every diacritic variant is as good
        return relevance
    return relevance + _EXACT_RANK_BOOST * sa.func.ts_rank(
        _doc.c.text_exact, any_of(accented))


def _sort_keys(field: str, score: Optional[ColumnElement]
               ) -> list[ColumnElement]:
    if field == "score":
        return [score] if score is not None else []
    column = document.COLUMN_FIELDS.get(field)
    if column in ("title_string",):
        # matches the index on title_string COLLATE nd47_search_vi
        return [sa.collate(_doc.c[column], VIETNAMESE_COLLATION)]
    if column and column not in document.ARRAY_COLUMN_FIELDS:
        return [_doc.c[column]]
    value: ColumnElement = _doc.c.fields[field][0].astext
    if document.is_date_field(field):
        return [value]  # ISO text sorts chronologically
    number: ColumnElement = sa.case(
        (value.op("~")(r"^-?\d+(\.\d+)?$"), sa.cast(value, sa.Numeric)))
    return [number, sa.collate(value, VIETNAMESE_COLLATION)]


def _fl_columns(fl: list[str]) -> list[ColumnElement]:
    """Only the stored fields ``fl`` asks for: the full document carries
    two copies of the dataset dict, which most searches do not need."""
    if "*" in fl:
        return [_doc.c.doc]
    return [_doc.c.doc[f] for f in fl if f != "score"]


def _result_doc(fl: list[str], score: float,
                values: list[Any]) -> dict[str, Any]:
    """A result as Solr returns it: the ``fl`` fields, and ``score``."""
    if "*" in fl:
        result = dict(values[0])
    else:
        # Solr does not store empty fields, so a missing one is left out
        result = {f: v for f, v in zip([f for f in fl if f != "score"],
                                       values) if v is not None}
    if "score" in fl:
        result["score"] = score
    return result
