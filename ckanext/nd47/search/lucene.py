"""Translate Lucene/Solr query syntax into parameterised SQL.

``q`` and ``fq`` are parsed by luqum (a maintained Lucene-syntax parser) and
the tree is turned into SQLAlchemy expressions over ``nd47_search_document``.
Every value from the query travels as a bound parameter; field names too.

Semantics follow what CKAN asks of Solr:

* ``q.op=AND``: terms without an operator are all required (lucene mode);
* ``defType=dismax`` (a ``q`` without a colon): terms are matched in the
  query fields ``qf`` with the minimum-should-match rule ``mm``, and
  syntax errors never fail, the text is taken as plain words;
* string fields (``tags``, ``organization``, ``res_format``, ``state``,
  permission labels, extras without a text type…) match exactly;
  text fields (``text``, ``title``, ``notes``, ``extras_*``, ``res_name``…)
  match word by word, diacritic-insensitively.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import math
import re
import threading
from typing import Any, Callable, Optional

import sqlalchemy as sa
from luqum import parser as luqum_parser
from luqum import tree
from luqum.exceptions import ParseError
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from ckanext.nd47.model.search_document import search_document as _doc
from ckanext.nd47.search import datemath, document, text

_ESCAPE_RE = re.compile(r"\\(.)")
_WILDCARD_RE = re.compile(r"(?<!\\)[*?]")
_MM_RE = re.compile(r"(\d+)\s*<\s*(-?\d+%?)")
_MM_RULE_RE = re.compile(r"^-?\d{1,9}%?$")
_MM_SPEC_RE = re.compile(r"^\s*(\d{1,9}\s*<\s*-?\d{1,9}%?\s*)+$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")

# as Solr's maxBooleanClauses: a bound on the SQL one search can build,
# for its q and all its filters together. Solr's 1024 words took 1.7 s on
# the demo portal (4.3 s in an extras field), 256 up to 0.8 s on a busy
# machine; 128 keep the worst search well within a second.
MAX_CLAUSES = 128
# what a range or a wildcard on a string field counts for: each is a
# subquery on every candidate row, where a word of the catch-all text is an
# index lookup
EXPENSIVE_CLAUSE = 8
# a word matched in a text field other than the catch-all ``text`` (its
# words are computed for every candidate row), for each such field
FIELD_WORD_CLAUSE = 4

_TRUE: ColumnElement = sa.true()
_FALSE: ColumnElement = sa.false()


class QuerySyntaxError(ValueError):
    """The query cannot be understood; ``str()`` is a bilingual message."""


class TooManyClauses(QuerySyntaxError):
    """The search would build more SQL than :data:`MAX_CLAUSES` allows."""


class Budget:
    """The clauses a search may still build, shared by its ``q`` and its
    filters (the request's own and CKAN's permission filter)."""

    def __init__(self, clauses: int = MAX_CLAUSES):
        self.left = clauses

    def spend(self, clauses: int = 1) -> None:
        self.left -= clauses
        if self.left < 0:
            raise TooManyClauses(
                f"Truy vấn có quá nhiều điều kiện (tối đa {MAX_CLAUSES} "
                f"từ, hay {MAX_CLAUSES // EXPENSIVE_CLAUSE} khoảng giá trị "
                f"hoặc ký tự đại diện) / The query has too many clauses "
                f"(at most {MAX_CLAUSES} words, or "
                f"{MAX_CLAUSES // EXPENSIVE_CLAUSE} ranges or wildcards)")


@dataclasses.dataclass
class Translation:
    where: ColumnElement
    # words of the positive clauses, for ranking (lower-cased originals)
    ranking_terms: list[str]


def _exact(field: str, value: str) -> ColumnElement:
    """``field`` holds ``value`` (a string field: exact match)."""
    column = document.COLUMN_FIELDS.get(field)
    if column in document.ARRAY_COLUMN_FIELDS:
        return _doc.c[column].contains([value])
    if column:
        return _doc.c[column] == value
    return _doc.c.fields.contains({field: [value]})


def _unescape(value: str) -> str:
    return _ESCAPE_RE.sub(r"\1", value)


def _bound(item: tree.Item) -> str:
    """A range bound's value; a quoted bound (``id:{"…" TO *]``) means
    the text inside the quotes, as in Solr, and ``-1`` (which the parser
    reads as "not 1") is the number -1."""
    if isinstance(item, tree.Prohibit):
        return "-" + _bound(item.a)
    if isinstance(item, tree.Phrase):
        return _unescape(item.value[1:-1])
    if isinstance(item, tree.Word):
        return _unescape(item.value)
    raise QuerySyntaxError(
        f"Giới hạn khoảng không hợp lệ: {str(item)[:50]!r} / "
        f"Invalid range bound: {str(item)[:50]!r}")


def _range_field(field: Optional[str]) -> str:
    if field is None:
        raise QuerySyntaxError(
            "Khoảng giá trị cần có tên trường, ví dụ "
            "metadata_modified:[NOW-1YEAR TO *] / A range needs a field, "
            "e.g. metadata_modified:[NOW-1YEAR TO *]"
        )
    return field


def _tsquery(folded: str) -> ColumnElement:
    return sa.func.plainto_tsquery("simple", folded)


def min_should_match(spec: Optional[str], optional_clauses: int) -> int:
    """How many of ``optional_clauses`` must match under Solr's ``mm``.

    ``2<-1 5<80%`` (CKAN's default) means: up to 2 clauses all are
    required, up to 5 all but one, above that 80 % rounded down.
    """
    check_min_should_match(spec)
    n = optional_clauses
    if not spec or not spec.strip() or n == 0:
        return n

    def apply(rule: str) -> int:
        if rule.endswith("%"):
            pct = int(rule[:-1])
            k = math.floor(n * abs(pct) / 100)
            return n - k if pct < 0 else k
        k = int(rule)
        return n + k if k < 0 else k

    conditions = _MM_RE.findall(spec)
    if not conditions:
        required = apply(spec.strip())
    else:
        required = n
        for threshold, rule in conditions:
            if n > int(threshold):
                required = apply(rule)
    return max(1, min(n, required))


def check_min_should_match(spec: Optional[str]) -> None:
    """Refuse an ``mm`` that is not Solr's syntax (``3``, ``-1``, ``75%``,
    ``2<-1 5<80%``)."""
    if not spec or not spec.strip():
        return
    if not (_MM_RULE_RE.match(spec.strip()) or _MM_SPEC_RE.match(spec)):
        shown = spec if len(spec) <= 50 else spec[:50] + "…"
        raise QuerySyntaxError(
            f"Tham số mm không hợp lệ: {shown!r}; dùng ví dụ 2<-1 5<80% / "
            f"Invalid mm parameter: {shown!r}; use e.g. 2<-1 5<80%")


class _Translator:
    def __init__(
        self, default_field: str, dismax: bool, query_fields: list[str],
        mm: Optional[str], budget: Budget,
    ):
        self.default_field = default_field
        self.dismax = dismax
        self.query_fields = query_fields
        self.mm = mm
        self.ranking_terms: list[str] = []
        self.budget = budget

    # -- dispatch -------------------------------------------------------
    def visit(
        self, node: tree.Item, field: Optional[str], positive: bool = True,
    ) -> Optional[ColumnElement]:
        """SQL for ``node``; None when analysis leaves no word to match
        (a clause Solr would drop, like a lone punctuation mark)."""
        handler: Callable[..., ColumnElement] | None = getattr(
            self, "_visit_" + type(node).__name__, None)
        if handler is None:
            raise QuerySyntaxError(
                "Cú pháp truy vấn không được hỗ trợ: "
                f"{type(node).__name__} / Unsupported query syntax: {node}"
            )
        return handler(node, field, positive)

    def _visit_SearchField(self, node, field, positive):
        name = _unescape(node.name)
        if name == "*":
            return _TRUE
        return self.visit(node.expr, name, positive)

    def _visit_Group(self, node, field, positive):
        return self.visit(node.expr, field, positive)

    _visit_FieldGroup = _visit_Group

    def _visit_Plus(self, node, field, positive):
        return self.visit(node.a, field, positive)

    def _visit_Prohibit(self, node, field, positive):
        inner = self.visit(node.a, field, not positive)
        return None if inner is None else sa.not_(inner)

    _visit_Not = _visit_Prohibit

    def _visit_Boost(self, node, field, positive):
        return self.visit(node.expr, field, positive)

    def _visit_Fuzzy(self, node, field, positive):
        return self.visit(node.term, field, positive)

    def _visit_Proximity(self, node, field, positive):
        return self.visit(node.term, field, positive)

    def _visit_Regex(self, node, field, positive):
        raise QuerySyntaxError(
            "Không hỗ trợ biểu thức chính quy trong truy vấn / "
            f"Regular expressions are not supported in queries: {node}"
        )

    # -- boolean operators ---------------------------------------------
    def _children(self, node, field, positive) -> list[ColumnElement]:
        clauses = (self.visit(c, field, positive) for c in node.children)
        return [c for c in clauses if c is not None]

    def _visit_AndOperation(self, node, field, positive):
        clauses = self._children(node, field, positive)
        return sa.and_(*clauses) if clauses else None

    def _visit_OrOperation(self, node, field, positive):
        clauses = self._children(node, field, positive)
        return sa.or_(*clauses) if clauses else None

    def _visit_UnknownOperation(self, node, field, positive):
        """Terms side by side: required under q.op=AND, or ``mm`` in dismax."""
        if not self.dismax:
            return self._visit_AndOperation(node, field, positive)
        required, optional = [], []
        for child in node.children:
            clause = self.visit(child, field, positive)
            if clause is None:
                continue
            if isinstance(child, (tree.Plus, tree.Prohibit, tree.Not)):
                required.append(clause)
            else:
                optional.append(clause)
        if optional:
            need = min_should_match(self.mm, len(optional))
            if need >= len(optional):
                required.extend(optional)
            else:
                # how many clauses hold, as one flat expression: a sum of
                # hundreds of terms nests as deep and exhausts the stack
                # when SQLAlchemy compiles it
                matched = sa.func.cardinality(sa.func.array_positions(
                    postgresql.array(optional), True))
                required.append(matched >= need)
        return sa.and_(*required) if required else None

    # -- leaves -----------------------------------------------------------
    def _visit_Word(self, node, field, positive):
        self.budget.spend()
        raw = node.value
        if raw == "*":
            return self._exists(field)
        if _WILDCARD_RE.search(raw):
            return self._wildcard(field, raw, positive)
        return self._term(field, _unescape(raw), positive, phrase=False)

    def _visit_Phrase(self, node, field, positive):
        self.budget.spend()
        value = _unescape(node.value[1:-1])
        return self._term(field, value, positive, phrase=True)

    def _visit_Range(self, node, field, positive):
        self.budget.spend(EXPENSIVE_CLAUSE)
        return self._range(_range_field(field), _bound(node.low),
                           _bound(node.high), node.include_low,
                           node.include_high)

    def _visit_From(self, node, field, positive):
        self.budget.spend(EXPENSIVE_CLAUSE)
        return self._range(_range_field(field), _bound(node.a), "*",
                           node.include, True)

    def _visit_To(self, node, field, positive):
        self.budget.spend(EXPENSIVE_CLAUSE)
        return self._range(_range_field(field), "*", _bound(node.a), True,
                           node.include)

    # -- field semantics -----------------------------------------------
    def _text_fields(self, field: Optional[str]) -> list[str]:
        """The text fields a term is matched in, [] for a string field."""
        if field is None:
            return self.query_fields if self.dismax else [self.default_field]
        return [field] if document.is_text_field(field) else []

    def _exists(self, field: Optional[str]) -> ColumnElement:
        if field is None or field == "text":
            return _TRUE
        return _doc.c.fields.has_key(field)

    def _term(self, field: Optional[str], value: str, positive: bool,
              phrase: bool) -> Optional[ColumnElement]:
        text_fields = self._text_fields(field)
        if not text_fields:
            assert field is not None  # unfielded terms always have text
            return _exact(field, value)
        folded = " ".join(text.words(text.fold(value)))
        if not folded:
            return None
        self.budget.spend((FIELD_WORD_CLAUSE - 1) * sum(
            1 for f in text_fields if f != "text"))
        if positive:
            self.ranking_terms.append(text.lower(value))
        query = (sa.func.phraseto_tsquery("simple", folded) if phrase
                 else _tsquery(folded))
        return sa.or_(*(self._text_match(f, query) for f in text_fields))

    def _text_match(self, field: str, query: ColumnElement) -> ColumnElement:
        if field == "text":
            return _doc.c.text_folded.op("@@")(query)
        vector = sa.func.to_tsvector(
            "simple", sa.func.coalesce(_doc.c.folded[field].astext, ""))
        return vector.op("@@")(query)

    def _wildcard(self, field: Optional[str], raw: str,
                  positive: bool) -> ColumnElement:
        text_fields = self._text_fields(field)
        if not text_fields:
            # string field: translate to LIKE with escaped literals
            self.budget.spend(EXPENSIVE_CLAUSE - 1)
            pattern = "".join(
                "%" if ch == "*" else "_" if ch == "?"
                else ("\\" + ch if ch in "%_\\" else ch)
                for ch in self._wildcard_chars(raw))
            value = sa.func.jsonb_array_elements_text(
                _doc.c.fields[field]).table_valued("value")
            return sa.exists(
                sa.select(sa.literal(1)).select_from(value)
                .where(value.c.value.like(pattern, escape="\\")))
        # text field: a prefix query on the words before the first wildcard
        prefix = _WILDCARD_RE.split(raw, maxsplit=1)[0]
        tokens = text.words(text.fold(_unescape(prefix)))
        if not tokens:
            return self._exists(field)
        if positive:
            self.ranking_terms.append(text.lower(_unescape(prefix)))
        self.budget.spend((FIELD_WORD_CLAUSE - 1) * sum(
            1 for f in text_fields if f != "text"))
        expression = " & ".join(f"'{t}'" for t in tokens) + ":*"
        query = sa.func.to_tsquery("simple", expression)
        return sa.or_(*(self._text_match(f, query) for f in text_fields))

    @staticmethod
    def _wildcard_chars(raw: str):
        """Characters of ``raw`` with escapes resolved; wildcards as-is."""
        i = 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                yield "\\" + raw[i + 1] if raw[i + 1] in "*?" else raw[i + 1]
                i += 2
                continue
            yield raw[i]
            i += 1

    def _range(self, field: str, low: str, high: str,
               include_low: bool, include_high: bool) -> ColumnElement:
        bounds = [b for b in (low, high) if b != "*"]
        value = sa.func.jsonb_array_elements_text(
            _doc.c.fields[field]).table_valued("value")
        if not bounds:
            return self._exists(field)
        column: ColumnElement
        if all(_NUMBER_RE.match(b) for b in bounds):
            column = sa.case(
                (value.c.value.op("~")(r"^-?\d+(\.\d+)?$"),
                 sa.cast(value.c.value, sa.Numeric)))
            convert: Callable[[str], Any] = lambda b: sa.cast(b, sa.Numeric)
        elif document.is_date_field(field) or all(
                _looks_like_date(b) for b in bounds):
            column = sa.func.nd47_search_timestamp(value.c.value)

            def convert(b: str) -> Any:
                try:
                    return sa.cast(datemath.parse(b).isoformat(),
                                   sa.DateTime(timezone=True))
                except (ValueError, OverflowError) as error:
                    raise QuerySyntaxError(
                        f"Ngày không hợp lệ trong khoảng: {b!r} / "
                        f"Invalid date in range: {b!r} ({error})"
                    ) from None
        else:
            column = value.c.value
            convert = sa.literal
        conditions = []
        if low != "*":
            bound = convert(low)
            conditions.append(column >= bound if include_low
                              else column > bound)
        if high != "*":
            bound = convert(high)
            conditions.append(column <= bound if include_high
                              else column < bound)
        return sa.exists(sa.select(sa.literal(1)).select_from(value)
                         .where(*conditions))


def _nothing_if_empty(where: Optional[ColumnElement]) -> ColumnElement:
    """A query of which analysis left no clause matches nothing, as in
    Solr."""
    return _FALSE if where is None else where


def _looks_like_date(value: str) -> bool:
    return value.upper().startswith("NOW") or bool(
        re.match(r"^\d{4}-\d{2}-\d{2}", value))


def _too_deep() -> QuerySyntaxError:
    # a new error each time: one raised instance would carry the
    # traceback of whichever thread raised it last
    return QuerySyntaxError(
        "Truy vấn lồng nhau quá sâu / The query is nested too deeply")


# PLY keeps a parse's state in objects: the text being read and the
# position in the lexer (luqum adds its head/tail tracking there too), the
# token function and the stacks on the parser. luqum's module-level pair is
# one for all threads, so two searches parsing at once read each other's
# text. Each thread gets its own copy (the grammar tables stay shared and
# are only read). A lock measured the same throughput under 16 threads
# (about 0.19 ms a parse, the GIL serialising both), but it would make
# every search, CKAN's permission filter included, wait behind the
# slowest query being parsed.
_thread = threading.local()
_LR_PARSE = type(luqum_parser.parser).parse


def _thread_parser() -> tuple[Any, Any]:
    try:
        return _thread.parser
    except AttributeError:
        _thread.parser = (copy.copy(luqum_parser.parser),
                          luqum_parser.lexer.clone())
        return _thread.parser


def _parse_now(querystring: str) -> tree.Item:
    parser, lexer = _thread_parser()
    try:
        # PLY's LRParser.parse itself: luqum replaces ``parse`` on its
        # parser object by a function bound to the shared lexer
        return _LR_PARSE(parser, querystring, lexer=lexer)
    except RecursionError:
        raise _too_deep() from None
    except (ParseError, TypeError, ValueError, IndexError) as error:
        shown = querystring if len(querystring) <= 200 else \
            querystring[:200] + "…"
        raise QuerySyntaxError(
            f"Cú pháp truy vấn không hợp lệ: {shown!r} / "
            f"Invalid query syntax: {shown!r} ({error})"
        ) from None


# The same few filters come with every search (CKAN's permission filter:
# ``+capacity:public +state:(active)``, ``+site_id:…``,
# ``+permission_labels:(…)``, ``+dataset_type:dataset``, the facets of the
# dataset page): they are parsed once. Trees are shared between threads,
# which is safe because nothing changes a tree after parsing (the
# translator only reads it; dismax's fallback builds new nodes).
_CACHED_LENGTH = 1000


@functools.lru_cache(maxsize=1024)
def _parse_cached(querystring: str) -> tree.Item:
    return _parse_now(querystring)


# deeper than any query a person writes, far below what exhausts the stack
MAX_DEPTH = 100


def _nesting(querystring: str) -> int:
    """How deep brackets nest in ``querystring`` (escaped ones and those
    in quotes aside); over a few thousand brackets luqum takes seconds to
    build a tree the translator cannot walk."""
    depth = deepest = 0
    quoted = escaped = False
    for ch in querystring:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted and ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and ch in ")]}":
            depth -= 1
    return deepest


def _parse(querystring: str) -> tree.Item:
    if _nesting(querystring) > MAX_DEPTH:
        raise _too_deep()
    if len(querystring) <= _CACHED_LENGTH:
        return _parse_cached(querystring)
    return _parse_now(querystring)


def translate_lucene(querystring: str, default_field: str = "text",
                     budget: Optional[Budget] = None) -> Translation:
    """Translate a standard (lucene) query: ``fq`` and fielded ``q``."""
    translator = _Translator(default_field, dismax=False,
                             query_fields=[default_field], mm=None,
                             budget=budget or Budget())
    try:
        where = translator.visit(_parse(querystring), None)
    except RecursionError:
        raise _too_deep() from None
    return Translation(_nothing_if_empty(where), translator.ranking_terms)


def translate_dismax(querystring: str, query_fields: list[str],
                     mm: Optional[str], budget: Optional[Budget] = None
                     ) -> Translation:
    """Translate a free-text dismax query; never fails on syntax (a bad
    ``mm`` is refused)."""
    check_min_should_match(mm)
    budget = budget or Budget()
    left = budget.left
    translator = _Translator("text", dismax=True, query_fields=query_fields,
                             mm=mm, budget=budget)
    try:
        where = translator.visit(_parse(querystring), None)
    except TooManyClauses:
        raise
    except (RecursionError, QuerySyntaxError):
        # dismax takes what it cannot parse as plain words
        budget.left = left
        translator = _Translator("text", dismax=True,
                                 query_fields=query_fields, mm=mm,
                                 budget=budget)
        words = text.words(querystring)
        node: tree.Item = tree.Word("*")
        if len(words) == 1:
            node = tree.Word(words[0])
        elif words:
            node = tree.UnknownOperation(*(tree.Word(w) for w in words))
        where = translator.visit(node, None)
    return Translation(_nothing_if_empty(where), translator.ranking_terms)
