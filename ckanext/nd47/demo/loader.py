"""Load the demo catalogue through CKAN's action API.

Idempotent: agencies, groups and datasets that already exist (by name) are
left as they are, so ``./bin/dev up`` can run again without losing edits.
Each dataset's table is turned into real CSV, JSON and XLSX files that are
uploaded to the portal's own file store, plus a PDF report where one ships.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
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
    created = {"groups": 0, "agencies": 0, "datasets": 0, "databases": 0,
               "services": 0, "requests": 0}

    for group in catalogue["groups"]:
        if not _exists("group_show", group["name"], context):
            tk.get_action("group_create")(dict(context), dict(group))
            created["groups"] += 1

    details = catalogue["agency_details"]
    for agency in catalogue["agencies"]:
        if _ensure_agency(agency, details[agency["name"]], context):
            created["agencies"] += 1

    for database in catalogue["databases"]:
        if not _exists("package_show", database["name"], context):
            tk.get_action("package_create")(
                dict(context), _catalogue_entry(database, "database"))
            created["databases"] += 1

    for agency in catalogue["agencies"]:
        for dataset in agency["datasets"]:
            metadata = dataset_metadata(catalogue, agency["name"], dataset)
            if _is_complete(dataset, context):
                _add_missing_metadata(dataset["name"], metadata, context)
                continue
            _create_dataset(dataset, agency["name"], metadata, context)
            created["datasets"] += 1
            echo(f"  + {dataset['title']}")

    for service in catalogue["services"]:
        if not _exists("package_show", service["name"], context):
            tk.get_action("package_create")(
                dict(context), _catalogue_entry(service, "data-service"))
            created["services"] += 1

    users = _ensure_users(catalogue["demo_users"], context)
    for request in catalogue["data_requests"]:
        if _create_request(request, users, context):
            created["requests"] += 1
    return created


def _ensure_users(users: list[dict[str, Any]],
                  context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The demo citizens, with a random password nobody knows: they only
    sign the demo requests."""
    accounts = {}
    for user in users:
        try:
            accounts[user["name"]] = tk.get_action("user_show")(
                dict(context), {"id": user["name"]})
        except tk.ObjectNotFound:
            accounts[user["name"]] = tk.get_action("user_create")(
                dict(context), {**user, "password": secrets.token_urlsafe(24)})
    return accounts


def _create_request(request: dict[str, Any],
                    users: dict[str, dict[str, Any]],
                    context: dict[str, Any]) -> bool:
    """One demo request with its supporters, comments and answers; False
    when a request of that title exists already."""
    found = tk.get_action("nd47_request_list")(
        dict(context), {"q": request["title"], "limit": 1})
    if found["count"]:
        return False

    def as_user(name: str) -> dict[str, Any]:
        return {"user": users[name]["name"], "ignore_auth": False}

    fields = {k: request[k] for k in ("title", "description", "purpose",
                                      "requester_type", "sector")}
    if request.get("organization"):
        fields["organization"] = request["organization"]
    created = tk.get_action("nd47_request_create")(
        as_user(request["by"]), fields)
    for name, supporter_type in request["supporters"]:
        tk.get_action("nd47_request_vote")(
            as_user(name), {"id": created["id"],
                            "supporter_type": supporter_type})
    for name, text in request["comments"]:
        tk.get_action("nd47_request_comment_create")(
            as_user(name), {"id": created["id"], "text": text})
    for step in request["steps"]:
        move = {"id": created["id"], "status": step["status"],
                "reason": step["reason"]}
        if "target_days" in step:
            move["target_date"] = (dt.date.today() + dt.timedelta(
                days=step["target_days"])).isoformat()
        for key in ("dataset", "decline_ground"):
            if key in step:
                move[key] = step[key]
        tk.get_action("nd47_request_transition")(dict(context), move)
    return True


def _ensure_agency(agency: dict[str, Any], details: dict[str, Any],
                   context: dict[str, Any]) -> bool:
    """Create the agency; give an agency from an older demo its Decree 47
    details. True if it was created."""
    fields = {k: v for k, v in agency.items() if k != "datasets"}
    fields.update({k: v for k, v in details.items()
                   if k != "spatial_coverage"})
    try:
        existing = tk.get_action("organization_show")(
            dict(context), {"id": agency["name"], "include_datasets": False})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(context), fields)
        return True
    if not existing.get("agency_code"):
        tk.get_action("organization_patch")(
            dict(context), dict(fields, id=existing["id"]))
    return False


def _catalogue_entry(entry: dict[str, Any], dataset_type: str
                     ) -> dict[str, Any]:
    fields = {k: v for k, v in entry.items() if k != "agency"}
    return dict(fields, type=dataset_type, owner_org=entry["agency"])


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def dataset_metadata(catalogue: dict[str, Any], agency: str,
                     dataset: dict[str, Any]) -> dict[str, Any]:
    """The Decree 47 fields of a demo dataset: the defaults, the agency's
    area, the sector of its first group, then its own overrides."""
    fields = dict(catalogue["dataset_defaults"])
    area = catalogue["agency_details"][agency].get("spatial_coverage")
    if area:
        fields["spatial_coverage"] = area
    groups = dataset.get("groups") or ["hanh-chinh-cong"]
    fields["sector"] = catalogue["group_sectors"][groups[0]]
    fields.update(catalogue["dataset_overrides"].get(dataset["name"], {}))
    for key in ("classification", "personal_information", "legal_basis",
                "security_assessment"):
        if key in dataset:
            fields[key] = dataset[key]
    fields["catalogue_reviewed"] = _days_ago(fields.pop("reviewed_days_ago"))
    fields["data_updated"] = _days_ago(fields.pop("updated_days_ago"))
    return fields


def _add_missing_metadata(name: str, metadata: dict[str, Any],
                          context: dict[str, Any]) -> None:
    """A dataset loaded by a demo from before the Decree 47 schemas gets
    its metadata; one that has it is left as the steward left it."""
    existing = tk.get_action("package_show")(dict(context), {"id": name})
    if existing.get("type") == "dataset" and not existing.get("sector"):
        tk.get_action("package_patch")(
            dict(context), dict(metadata, id=existing["id"]))


def _create_dataset(dataset: dict[str, Any], agency: str,
                    metadata: dict[str, Any],
                    context: dict[str, Any]) -> None:
    final_state = dataset.get("state", "active")
    package = tk.get_action("package_create")(dict(context), {
        **metadata,
        "name": dataset["name"],
        "title": dataset["title"],
        "notes": dataset["notes"],
        "owner_org": agency,
        "license_id": dataset["license_id"],
        "private": dataset.get("private", False),
        "tag_string": ",".join(dataset["tags"]),
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
