"""The portal `./bin/dev up` brings up: its demo catalogue, and that
running the command again keeps what is stored."""
from __future__ import annotations

import collections
import os
import subprocess
import uuid
from pathlib import Path

import requests

from tests.e2e import portal

ROOT = Path(__file__).resolve().parents[2]


def _api(portal_url: str, action: str, token: str | None = None,
         **params) -> dict:
    headers = {"Authorization": token} if token else {}
    response = requests.get(f"{portal_url}/api/3/action/{action}",
                            params=params, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_demo_catalogue_looks_like_a_province(portal_url: str):
    agencies = _api(portal_url, "organization_list", all_fields="true")
    assert len(agencies) >= 6
    assert all(a["title"].startswith(("Sở ", "UBND ")) for a in agencies)
    result = _api(portal_url, "package_search", rows=1000)
    assert result["count"] >= 30
    formats = collections.Counter(
        r["format"] for d in result["results"] for r in d["resources"])
    assert {"CSV", "JSON", "XLSX", "PDF"} <= set(formats)
    # every file is served by the portal itself
    for dataset in result["results"]:
        for resource in dataset["resources"]:
            assert resource["url_type"] == "upload"
            assert resource["url"].startswith(portal_url)
    pdf = next(r for d in result["results"] for r in d["resources"]
               if r["format"] == "PDF")
    download = requests.get(pdf["url"], timeout=30)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")


def test_running_up_again_keeps_the_data(portal_url: str):
    state = Path(os.environ["ND47_PORTAL_STATE_DIR"])
    ini = state / "ckan.ini"
    ckan = ROOT / ".venv" / "bin" / "ckan"
    token = subprocess.run(
        [str(ckan), "-c", str(ini), "user", "token", "add", "admin",
         "e2e-rerun"], capture_output=True, text=True, check=True,
        env=portal.portal_env(),
    ).stdout.strip().splitlines()[-1].strip()
    name = f"ban-do-hanh-chinh-{uuid.uuid4().hex[:8]}"
    created = requests.post(
        f"{portal_url}/api/3/action/package_create",
        headers={"Authorization": token}, timeout=30,
        json={"name": name,
              "title": "Bản đồ hành chính (kiểm thử chạy lại)",
              "notes": "Bản đồ các đơn vị hành chính cấp xã.",
              "sector": "GOVE", "private": True,
              "owner_org": "so-xay-dung"})
    assert created.status_code == 200, created.text
    before = _api(portal_url, "package_search", rows=0)["count"]

    rerun = subprocess.run([str(ROOT / "bin" / "dev"), "up"],
                           capture_output=True, text=True,
                           env=portal.portal_env())
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "0 bộ dữ liệu / datasets," in rerun.stdout

    assert _api(portal_url, "package_search", rows=0)["count"] == before
    # private (it has no files yet), so its steward's token reads it
    shown = _api(portal_url, "package_show", token=token, id=name)
    assert shown["title"] == "Bản đồ hành chính (kiểm thử chạy lại)"
