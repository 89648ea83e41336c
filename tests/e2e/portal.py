"""The running portal the browser tests drive: its state folder, the
environment of its own ``ckan`` commands and its database."""
from __future__ import annotations

import configparser
import os
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
CKAN = ROOT / ".venv" / "bin" / "ckan"


def state() -> Path:
    return Path(os.environ["ND47_PORTAL_STATE_DIR"])


def portal_env() -> dict[str, str]:
    """The environment of the portal's own commands: without the CKAN_*
    overrides that point this test process at the test database."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}


def database() -> sa.engine.Engine:
    """The portal's own database (for what no action can do, such as
    removing a test's data request afterwards)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(state() / "ckan.ini")
    return sa.create_engine(parser["app:main"]["sqlalchemy.url"])
