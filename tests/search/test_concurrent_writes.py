"""A search answered while another worker changes the index sees one state
of it: a dataset deleted between the page of hits and their stored fields
is still answered whole, never a 500."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan.lib import search as ckan_search

from ckanext.nd47.model.search_document import search_document
from ckanext.nd47.search import connection, seam
from tests.search.conftest import Catalogue, names, search


def test_a_dataset_deleted_mid_search_is_answered_whole(
        catalogue: Catalogue, monkeypatch: Any) -> None:
    victim = catalogue.datasets["thoi-tiet"]
    build_columns = connection._fl_columns

    def delete_then_build(fl: list[str]) -> Any:
        # runs after the page of hits was read, before its stored fields:
        # another worker deletes the dataset's document and commits
        with seam.search_engine().begin() as other_worker:
            other_worker.execute(sa.delete(search_document).where(
                search_document.c.package_id == victim["id"]))
        monkeypatch.setattr(connection, "_fl_columns", build_columns)
        return build_columns(fl)

    monkeypatch.setattr(connection, "_fl_columns", delete_then_build)
    try:
        result = search(q="thoi tiet")
        assert "thoi-tiet" in names(result)
        assert all(dataset["title"] for dataset in result["results"])
        # the next search sees the deletion
        assert "thoi-tiet" not in names(search(q="thoi tiet"))
    finally:
        ckan_search.rebuild(victim["id"])
    assert "thoi-tiet" in names(search(q="thoi tiet"))
