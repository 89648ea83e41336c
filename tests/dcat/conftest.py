"""The demo catalogue, loaded once per module, the DCAT-AP 3.0.0 SHACL
shapes, read from the shared folder at test time (never copied), and what
a refusal must read like."""
from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import rdflib

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import CKANCliRunner

SHAPES_NAME = "dcat-ap-3.0.0-shacl-shapes.ttl"
REPO = Path(__file__).resolve().parents[2]


def shapes_candidates() -> list[Path]:
    """Where the shapes are looked for, in order: $ND47_DCAT_AP_SHAPES,
    the shared folder beside the checkout, /work/shared (CI runs on a
    fresh clone elsewhere, where the beside-the-checkout path is
    missing)."""
    found = []
    if os.environ.get("ND47_DCAT_AP_SHAPES"):
        found.append(Path(os.environ["ND47_DCAT_AP_SHAPES"]))
    found.append(REPO.parent / "shared" / "dcat-ap" / SHAPES_NAME)
    found.append(Path("/work/shared/dcat-ap") / SHAPES_NAME)
    return found


@functools.lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    for path in shapes_candidates():
        if path.is_file():
            return rdflib.Graph().parse(path, format="turtle")
    pytest.fail("DCAT-AP 3.0.0 SHACL shapes not found; looked at "
                + ", ".join(map(str, shapes_candidates()))
                + " (set ND47_DCAT_AP_SHAPES to the file)")


@pytest.fixture(scope="module")
def demo(reset_db: Any, migrate_db_for: Any, reset_index: Any
         ) -> dict[str, Any]:
    """The demo catalogue; returns the sysadmin."""
    reset_db()
    migrate_db_for("nd47_search")
    migrate_db_for("nd47")
    reset_index()
    admin = factories.Sysadmin(name="admin")
    runner = CKANCliRunner(env={"CKAN_INI": tk.config["__file__"]})
    result = runner.invoke(ckan, ["nd47", "demo-data", "--user", "admin"])
    assert result.exit_code == 0, result.output
    return admin


def all_entries(admin: dict[str, Any]) -> list[dict[str, Any]]:
    """Every dataset, database and service of the demo, private and
    drafts included."""
    return tk.get_action("package_search")(
        {"user": admin["name"]},
        {"rows": 1000, "include_private": True, "include_drafts": True}
    )["results"]


def shacl_violations(data: rdflib.Graph) -> list[str]:
    """The sh:Violation messages of ``data`` under the DCAT-AP shapes."""
    from pyshacl import validate

    _, report, _ = validate(
        data, shacl_graph=shapes_graph(), advanced=True,
        allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return [" ".join(str(report.value(r, key)) for key in
                     (sh.focusNode, sh.resultPath, sh.resultMessage))
            for r in report.subjects(sh.resultSeverity, sh.Violation)]


def in_public_catalogue(entry: dict[str, Any]) -> bool:
    """The access rule, restated independently of the code under test."""
    if entry["private"] or entry["state"] != "active":
        return False
    return entry["type"] == "data-service" or (
        entry["type"] == "dataset" and entry["classification"] == "open")


def turtle(response: Any) -> rdflib.Graph:
    assert response.status_code == 200, response.get_data(as_text=True)
    return rdflib.Graph().parse(data=response.get_data(as_text=True),
                                format="turtle")


_VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
    re.IGNORECASE)


def bilingual(text: str) -> bool:
    """Whether a refusal reads "Tiếng Việt / English"."""
    vietnamese, slash, english = text.partition(" / ")
    return bool(slash and _VIETNAMESE.search(vietnamese)
                and re.search("[A-Za-z]{3,}", english))


def refusal(response: Any) -> str:
    """The words of a refusal: a plain-text or HTML page's body, or the
    API's error (its messages, not its ``__type``)."""
    if response.content_type.startswith("application/json"):
        error = dict(response.get_json()["error"])
        error.pop("__type", None)
        return json.dumps(error, ensure_ascii=False)
    return response.get_data(as_text=True)
