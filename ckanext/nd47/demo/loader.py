"""Load the demo catalogue through CKAN's action API.

Idempotent: agencies, groups and datasets that already exist (by name) are
left as they are, so ``./bin/dev up`` can run again without losing edits.
Each dataset's table is turned into real CSV, JSON and XLSX files that are
uploaded to the portal's own file store, plus a PDF report where one ships.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

_HERE = Path(__file__).resolve().parent
CATALOGUE = _HERE / "catalogue.yaml"
FILES = _HERE / "files"

_MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "XLSX": "application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet",
    "PDF": "application/pdf",
}
_RESOURCE_NAMES = {
    "CSV": "Dữ liệu dạng CSV",
    "JSON": "Dữ liệu dạng JSON",
    "XLSX": "Dữ liệu dạng bảng tính Excel (XLSX)",
    "PDF": "Báo cáo (PDF)",
}


def load_catalogue(path: Path = CATALOGUE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _csv_bytes(table: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    writer.writerows(table["rows"])
    # UTF-8 with BOM so spreadsheet programs show Vietnamese correctly
    return out.getvalue().encode("utf-8-sig")


def _json_bytes(table: dict[str, Any]) -> bytes:
    records = [dict(zip(table["columns"], row)) for row in table["rows"]]
    return json.dumps(records, ensure_ascii=False, indent=2,
                      default=str).encode("utf-8")


def _xlsx_bytes(table: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    sheet.append(table["columns"])
    for row in table["rows"]:
        sheet.append([str(c) if not isinstance(c, (int, float)) else c
                      for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "CSV": _csv_bytes, "JSON": _json_bytes, "XLSX": _xlsx_bytes,
}


def resource_files(dataset: dict[str, Any]
                   ) -> Iterator[tuple[str, str, bytes]]:
    """(format, file name, content) of every file of a demo dataset."""
    for fmt in dataset.get("formats", []):
        name = f"{dataset['name']}.{fmt.lower()}"
        yield fmt, name, _RENDERERS[fmt](dataset["table"])
    if dataset.get("pdf"):
        yield "PDF", dataset["pdf"], (FILES / dataset["pdf"]).read_bytes()


def _exists(action: str, name: str, context: dict[str, Any]) -> bool:
    try:
        tk.get_action(action)(dict(context), {"id": name})
        return True
    except tk.ObjectNotFound:
        return False


def _is_complete(dataset: dict[str, Any], context: dict[str, Any]) -> bool:
    """True if the dataset exists; an interrupted earlier load (left in
    draft with missing files) is purged so it can be created again."""
    try:
        existing = tk.get_action("package_show")(
            dict(context), {"id": dataset["name"]})
    except tk.ObjectNotFound:
        return False
    if existing["state"] == "draft" and dataset.get("state") != "draft":
        tk.get_action("dataset_purge")(dict(context), {"id": existing["id"]})
        return False
    return True


def load(user: str, echo: Callable[[str], None] = print) -> dict[str, int]:
    """Create what is missing of the demo catalogue, acting as ``user``."""
    catalogue = load_catalogue()
    context = {"user": user, "ignore_auth": False}
    created = {"groups": 0, "agencies": 0, "datasets": 0}

    for group in catalogue["groups"]:
        if not _exists("group_show", group["name"], context):
            tk.get_action("group_create")(dict(context), dict(group))
            created["groups"] += 1

    for agency in catalogue["agencies"]:
        if not _exists("organization_show", agency["name"], context):
            tk.get_action("organization_create")(dict(context), {
                k: v for k, v in agency.items() if k != "datasets"})
            created["agencies"] += 1
        for dataset in agency["datasets"]:
            if _is_complete(dataset, context):
                continue
            _create_dataset(dataset, agency["name"], context)
            created["datasets"] += 1
            echo(f"  + {dataset['title']}")
    return created


def _create_dataset(dataset: dict[str, Any], agency: str,
                    context: dict[str, Any]) -> None:
    final_state = dataset.get("state", "active")
    package = tk.get_action("package_create")(dict(context), {
        "name": dataset["name"],
        "title": dataset["title"],
        "notes": dataset["notes"],
        "owner_org": agency,
        "license_id": dataset["license_id"],
        "private": dataset.get("private", False),
        "tags": [{"name": t} for t in dataset["tags"]],
        "groups": [{"name": g} for g in dataset.get("groups", [])],
        # files are attached first; the dataset becomes active at the end
        "state": "draft",
    })
    for fmt, file_name, content in resource_files(dataset):
        tk.get_action("resource_create")(dict(context), {
            "package_id": package["id"],
            "name": _RESOURCE_NAMES[fmt],
            "format": fmt,
            "mimetype": _MEDIA_TYPES[fmt],
            "upload": FileStorage(io.BytesIO(content), file_name,
                                  content_type=_MEDIA_TYPES[fmt]),
        })
    if final_state != "draft":
        tk.get_action("package_patch")(dict(context), {
            "id": package["id"], "state": final_state})
