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

import dataclasses
import math
import re
from typing import Any, Callable, Optional

import sqlalchemy as sa
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as _lucene_parser
from sqlalchemy.sql.elements import ColumnElement

from ckanext.nd47.model.search_document import search_document as _doc
from ckanext.nd47.search import datemath, document, text

_ESCAPE_RE = re.compile(r"\\(.)")
_WILDCARD_RE = re.compile(r"(?<!\\)[*?]")
_MM_RE = re.compile(r"(\d+)\s*<\s*(-?\d+%?)")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")

# as Solr's maxBooleanClauses: a bound on the SQL one query can build
MAX_CLAUSES = 1024

_TRUE: ColumnElement = sa.true()
_FALSE: ColumnElement = sa.false()


class QuerySyntaxError(ValueError):
    """The query cannot be understood; ``str()`` is a bilingual message."""


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
    the text inside the quotes, as in Solr."""
    value = item.value
    if isinstance(item, tree.Phrase):
        value = value[1:-1]
    return _unescape(value)


def _tsquery(folded: str) -> ColumnElement:
    return sa.func.plainto_tsquery("simple", folded)


def min_should_match(spec: Optional[str], optional_clauses: int) -> int:
    """How many of ``optional_clauses`` must match under Solr's ``mm``.

    ``2<-1 5<80%`` (CKAN's default) means: up to 2 clauses all are
    required, up to 5 all but one, above that 80 % rounded down.
    """
    n = optional_clauses
    if not spec or n == 0:
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


class _Translator:
    def __init__(
        self, default_field: str, dismax: bool, query_fields: list[str],
        mm: Optional[str],
    ):
        self.default_field = default_field
        self.dismax = dismax
        self.query_fields = query_fields
        self.mm = mm
        self.ranking_terms: list[str] = []
        self.clauses = 0

    def _count_clause(self) -> None:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QuerySyntaxError(
                f"Truy vấn có quá nhiều điều kiện (tối đa {MAX_CLAUSES}) / "
                f"The query has too many clauses (at most {MAX_CLAUSES})")

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
                matched = sum(
                    (sa.cast(c, sa.Integer) for c in optional[1:]),
                    sa.cast(optional[0], sa.Integer),
                )
                required.append(matched >= need)
        return sa.and_(*required) if required else None

    # -- leaves -----------------------------------------------------------
    def _visit_Word(self, node, field, positive):
        self._count_clause()
        raw = node.value
        if raw == "*":
            return self._exists(field)
        if _WILDCARD_RE.search(raw):
            return self._wildcard(field, raw, positive)
        return self._term(field, _unescape(raw), positive, phrase=False)

    def _visit_Phrase(self, node, field, positive):
        self._count_clause()
        value = _unescape(node.value[1:-1])
        return self._term(field, value, positive, phrase=True)

    def _visit_Range(self, node, field, positive):
        self._count_clause()
        if field is None:
            raise QuerySyntaxError(
                "Khoảng giá trị cần có tên trường, ví dụ "
                "metadata_modified:[NOW-1YEAR TO *] / A range needs a field, "
                "e.g. metadata_modified:[NOW-1YEAR TO *]"
            )
        return self._range(field, _bound(node.low), _bound(node.high),
                           node.include_low, node.include_high)

    def _visit_From(self, node, field, positive):
        self._count_clause()
        return self._range(field, _bound(node.a), "*", node.include, True)

    def _visit_To(self, node, field, positive):
        self._count_clause()
        return self._range(field, "*", _bound(node.a), True, node.include)

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


_TOO_DEEP = QuerySyntaxError(
    "Truy vấn lồng nhau quá sâu / The query is nested too deeply")


def _parse(querystring: str) -> tree.Item:
    try:
        return _lucene_parser.parse(querystring)
    except RecursionError:
        raise _TOO_DEEP from None
    except (ParseError, TypeError, ValueError, IndexError) as error:
        shown = querystring if len(querystring) <= 200 else \
            querystring[:200] + "…"
        raise QuerySyntaxError(
            f"Cú pháp truy vấn không hợp lệ: {shown!r} / "
            f"Invalid query syntax: {shown!r} ({error})"
        ) from None


def translate_lucene(querystring: str, default_field: str = "text"
                     ) -> Translation:
    """Translate a standard (lucene) query: ``fq`` and fielded ``q``."""
    translator = _Translator(default_field, dismax=False,
                             query_fields=[default_field], mm=None)
    try:
        where = translator.visit(_parse(querystring), None)
    except RecursionError:
        raise _TOO_DEEP from None
    return Translation(_nothing_if_empty(where), translator.ranking_terms)


def translate_dismax(querystring: str, query_fields: list[str],
                     mm: Optional[str]) -> Translation:
    """Translate a free-text dismax query; never fails on syntax."""
    translator = _Translator("text", dismax=True, query_fields=query_fields,
                             mm=mm)
    try:
        node = _lucene_parser.parse(querystring)
        where = translator.visit(node, None)
    except (ParseError, TypeError, ValueError, IndexError, RecursionError,
            QuerySyntaxError):
        # dismax takes what it cannot parse as plain words
        translator = _Translator("text", dismax=True,
                                 query_fields=query_fields, mm=mm)
        node = tree.UnknownOperation(
            *(tree.Word(w) for w in text.words(querystring))
        ) if text.words(querystring) else tree.Word("*")
        if isinstance(node, tree.UnknownOperation) and \
                len(node.children) == 1:
            node = node.children[0]
        where = translator.visit(node, None)
    return Translation(_nothing_if_empty(where), translator.ranking_terms)
