"""``ckan nd47 …`` commands."""
from __future__ import annotations

import click

__all__ = ["nd47"]


@click.group(short_help="ckanext-nd47 commands")
def nd47() -> None:
    """Commands of the Decree 47 open-data portal."""


@nd47.command("demo-data")
@click.option("--user", default="admin", show_default=True,
              help="Sysadmin that creates the demo catalogue.")
def demo_data(user: str) -> None:
    """Create the demo agencies, groups and datasets that are missing."""
    from ckanext.nd47.demo import loader

    created = loader.load(user, echo=click.echo)
    click.echo(
        "Dữ liệu mẫu / demo data: "
        f"{created['agencies']} cơ quan / agencies, "
        f"{created['groups']} nhóm / groups, "
        f"{created['datasets']} bộ dữ liệu / datasets created"
    )
