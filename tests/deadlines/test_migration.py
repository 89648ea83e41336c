"""The nd47 plugin's migration creates and drops nd47_deadline_notice."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.cli.cli import ckan


def has_table() -> bool:
    return sa.inspect(model.meta.engine).has_table("nd47_deadline_notice")


@pytest.mark.usefixtures("clean_db")
def test_downgrade_and_upgrade(cli) -> None:
    assert has_table()

    down = cli.invoke(ckan, ["db", "downgrade", "-p", "nd47"])
    assert down.exit_code == 0, down.output
    assert not has_table()

    up = cli.invoke(ckan, ["db", "upgrade", "-p", "nd47"])
    assert up.exit_code == 0, up.output
    assert has_table()
