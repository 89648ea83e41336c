"""Locate the data folders shipped with the package (schemas/, i18n/).

In the repository they sit at the top level; an installed wheel maps them
into the ``ckanext.nd47`` namespace (see setup.py). An editable install
keeps them at the top level, so both places are looked at.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parent.parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``"schemas"`` or ``"i18n"``) of this package."""
    for candidate in (_PACKAGE_DIR / name, _CHECKOUT_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"ckanext-nd47 is installed without its {name}/ folder")
