"""Shared test helpers: create through CKAN's action API as a
data steward, and check that a refusal stores nothing."""
from __future__ import annotations

from typing import Any, Callable

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from tests import factories


@pytest.fixture
def steward(clean_db) -> dict[str, Any]:
    """An editor of one agency; ``org`` is that agency."""
    user = ckan_factories.User(name="can-bo-dau-moi")
    org = factories.Agency(name="so-nong-nghiep-moi-truong",
                           users=[{"name": user["name"],
                                   "capacity": "editor"}])
    return {"user": user, "org": org}


def call(action: str, user: dict[str, Any], **data: Any) -> dict[str, Any]:
    return tk.get_action(action)({"user": user["name"],
                                  "ignore_auth": False}, data)


def stored_rows() -> tuple[int, int, int]:
    """Packages, their extras and resources, in any state."""
    return (model.Session.query(model.Package).count(),
            model.Session.query(model.PackageExtra).count(),
            model.Session.query(model.Resource).count())


def refused(action: Callable[[], Any]) -> dict[str, Any]:
    """Run ``action``; it must be refused and store nothing."""
    before = stored_rows()
    with pytest.raises(tk.ValidationError) as error:
        action()
    model.Session.rollback()
    assert stored_rows() == before
    return error.value.error_dict


def assert_vietnamese_error(errors: dict[str, Any], field: str,
                            vietnamese: str) -> None:
    """The field has an error that starts with the Vietnamese text and has
    an English translation after it."""
    messages = errors[field]
    assert any(m.startswith(vietnamese) and " / " in m
               for m in messages), messages
