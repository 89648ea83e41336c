"""The query translator without a database: Solr semantics and the
guarantee that user input only ever travels as bound parameters."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.dialects import postgresql

from ckanext.nd47.search import datemath, lucene, text


def _compile(where):
    compiled = where.compile(dialect=postgresql.dialect())
    return str(compiled), compiled.params


@pytest.mark.parametrize("query", [
    "tags:\"'; DROP TABLE package; --\"",
    "name:\"x' OR '1'='1\"",
    "title:$$;DELETE FROM nd47_search_document;$$*",
    "title:[\"a'--\" TO *]",
    "res_format:(CSV OR \"JSON'); --\")",
    "extras_x\\':abc",
])
def test_user_values_are_bound_parameters(query):
    sql, params = _compile(lucene.translate_lucene(query).where)
    assert "DROP" not in sql and "DELETE" not in sql and "'--" not in sql
    assert "'" not in sql.replace("'simple'", "").replace("'value'", "") \
        .replace("'\\'", "")
    assert params


def test_field_names_are_bound_too():
    sql, params = _compile(lucene.translate_lucene(
        "bad\\'field:value").where)
    assert "bad" not in sql
    assert {"bad'field": ["value"]} in params.values()


@pytest.mark.parametrize("clauses, required", [
    (1, 1), (2, 2), (3, 2), (5, 4), (6, 4), (10, 8),
])
def test_ckan_default_minimum_should_match(clauses, required):
    assert lucene.min_should_match("2<-1 5<80%", clauses) == required


@pytest.mark.parametrize("spec, clauses, required", [
    ("1", 3, 1), ("-1", 3, 2), ("50%", 4, 2), ("-25%", 4, 3), (None, 3, 3),
])
def test_other_minimum_should_match_specs(spec, clauses, required):
    assert lucene.min_should_match(spec, clauses) == required


def test_dismax_never_fails_on_syntax():
    translation = lucene.translate_dismax('thời tiết ( "', ["text"],
                                          "2<-1 5<80%")
    assert translation.ranking_terms == ["thời", "tiết"]


@pytest.mark.parametrize("query", ["tags:(", "title:[a TO", "a AND", ")"])
def test_lucene_syntax_errors_are_bilingual(query):
    with pytest.raises(lucene.QuerySyntaxError) as error:
        lucene.translate_lucene(query)
    assert "Cú pháp truy vấn không hợp lệ" in str(error.value)
    assert "Invalid query syntax" in str(error.value)


NOW = dt.datetime(2026, 11, 21, 9, 30, 15, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("expression, expected", [
    ("NOW", NOW),
    ("NOW-1DAY", NOW - dt.timedelta(days=1)),
    ("NOW/DAY", NOW.replace(hour=0, minute=0, second=0)),
    ("NOW-1MONTH/DAY", dt.datetime(2026, 10, 21, tzinfo=dt.timezone.utc)),
    ("NOW+2YEARS", NOW.replace(year=2028)),
    ("2024-02-29T12:00:00Z", dt.datetime(2024, 2, 29, 12,
                                         tzinfo=dt.timezone.utc)),
    ("2024-02-29", dt.datetime(2024, 2, 29, tzinfo=dt.timezone.utc)),
    ("2024-01-31T00:00:00Z+1MONTH", dt.datetime(2024, 2, 29,
                                               tzinfo=dt.timezone.utc)),
])
def test_date_math(expression, expected):
    assert datemath.parse(expression, now=NOW) == expected


@pytest.mark.parametrize("expression", [
    "yesterday", "NOW-1FORTNIGHT", "2024-13-01", "NOW-", "'; --",
])
def test_bad_dates_are_rejected(expression):
    with pytest.raises(ValueError):
        datemath.parse(expression, now=NOW)


@pytest.mark.parametrize("original, folded", [
    ("Thời tiết", "thoi tiet"),
    ("ĐẤT ĐAI", "dat dai"),
    ("Nghị định 47/2020/NĐ-CP", "nghi dinh 47/2020/nd-cp"),
    ("Thời tiết", "thoi tiet"),  # decomposed input
    ("Quảng Ngãi – Hà Tĩnh", "quang ngai – ha tinh"),
])
def test_vietnamese_folding(original, folded):
    assert text.fold(original) == folded


def test_lower_keeps_diacritics():
    assert text.lower("Thời Tiết") == "thời tiết"
    assert text.has_diacritics("Đất") and not text.has_diacritics("Dat")
