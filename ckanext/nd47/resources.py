"""Locate the data folders shipped with the package (schemas/, i18n/).

They sit at the top level of the repository and setup.py maps them into
the ``ckanext.nd47`` namespace, so ``ckanext.nd47.schemas`` and
``ckanext.nd47.i18n`` resolve the same way from a wheel and from an
editable install.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any


def data_dir(name: str) -> Path:
    """The folder ``name`` (``"schemas"`` or ``"i18n"``) of this package."""
    return Path(str(importlib.resources.files(f"ckanext.nd47.{name}")))


def config_declaration() -> dict[str, Any]:
    """The ``ckanext.nd47.*`` settings declared in config_declaration.yaml."""
    import yaml  # here, so data_dir() needs nothing beyond the stdlib

    path = Path(__file__).resolve().parent / "config_declaration.yaml"
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)
