"""The Vietnamese interface is complete: every string the extension adds
is in the catalogue template, translated, compiled; every schema label,
help text and choice has Vietnamese and English."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "i18n"
PO = I18N / "vi" / "LC_MESSAGES" / "ckanext-nd47.po"
MO = I18N / "vi" / "LC_MESSAGES" / "ckanext-nd47.mo"


def _ids(catalog: Any) -> set[str]:
    return {m.id for m in catalog if m.id}


def test_the_template_lists_every_string_in_the_code(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend",
                    "extract", "-F", "babel.cfg", "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with fresh.open("rb") as f:
        extracted = _ids(read_po(f))
    with (I18N / "ckanext-nd47.pot").open("rb") as f:
        assert _ids(read_po(f)) == extracted


def test_every_string_has_a_vietnamese_translation():
    with (I18N / "ckanext-nd47.pot").open("rb") as f:
        wanted = _ids(read_po(f))
    with PO.open("rb") as f:
        catalog = read_po(f, locale="vi")
    translated = {m.id for m in catalog
                  if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set()


def test_the_compiled_catalogue_matches_the_translations():
    with PO.open("rb") as f:
        po = {m.id: m.string for m in read_po(f, locale="vi") if m.id}
    with MO.open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every label, help text and placeholder of a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key in ("label", "help_text", "repeating_label", "about"):
                yield here, value
            else:
                yield from _texts(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")


@pytest.mark.parametrize("schema", ["dataset.yaml", "database.yaml",
                                    "data_service.yaml", "organization.yaml"])
def test_schema_texts_are_in_both_languages(schema):
    data = yaml.safe_load((ROOT / "schemas" / schema).read_text("utf-8"))
    checked = 0
    for path, text in _texts(data):
        if path.endswith(".about"):
            assert " / " in text, path  # "Vietnamese / English"
            continue
        if isinstance(text, str):
            # only proper names (REST, SOAP…) are left untranslated
            assert text.isascii() and text.replace("/", "").replace(
                " ", "").isalnum(), (path, text)
            continue
        assert set(text) == {"vi", "en"}, path
        assert text["vi"] and text["en"], path
        checked += 1
    assert checked > 10
