"""A plain (non-editable) install ships the schemas/ and i18n/ folders."""
from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True, capture_output=True)
    return next(out.glob("ckanext_nd47-*.whl"))


def test_wheel_contains_data_folders(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "ckanext/nd47/schemas/README.md",
        "ckanext/nd47/i18n/ckanext-nd47.pot",
        "ckanext/nd47/i18n/vi/LC_MESSAGES/ckanext-nd47.mo",
        "ckanext/nd47/templates/snippets/search_form.html",
        "ckanext/nd47/migration/nd47_search/env.py",
        "ckanext/nd47/migration/nd47_search/alembic.ini",
        "ckanext/nd47/demo/catalogue.yaml",
        "ckanext/nd47/compliance/rulebooks/decree-47-2020.yaml",
        "ckanext/nd47/demo/files/du-toan-ngan-sach-2025.pdf",
        "ckanext/nd47/schemas/dataset.yaml",
        "ckanext/nd47/schemas/presets.yaml",
        "ckanext/nd47/schemas/organization.yaml",
        "ckanext/nd47/data/admin-units.json.gz",
        "ckanext/nd47/config_declaration.yaml",
        "ckanext/nd47/migration/nd47/versions/"
        "93f8ebd26827_create_deadline_notice.py",
        "ckanext/nd47/templates/scheming/package/read.html",
        "ckanext/nd47/migration/nd47/versions/"
        "b7c1e2d4f5a6_data_request_counters.py",
        "ckanext/nd47/migration/nd47/versions/"
        "56504bf9af07_data_request_demand_indexes.py",
        "ckanext/nd47/feedback/score.py",
        "ckanext/nd47/logic/action/feedback.py",
        "ckanext/nd47/logic/auth/feedback.py",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("schemas/", "i18n/", "tests/"))
                   for n in names)


def test_installed_wheel_finds_its_folders(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True,
                   capture_output=True)
    probe = (
        "from ckanext.nd47 import resources\n"
        "for name in ('schemas', 'i18n'):\n"
        "    print(resources.data_dir(name))\n"
    )
    # run outside the checkout so the repository cannot be picked up
    result = subprocess.run([str(python), "-c", probe], cwd=tmp_path,
                            check=True, capture_output=True, text=True)
    schemas, i18n = (Path(line) for line in result.stdout.split())
    assert "site-packages" in schemas.parts
    assert (schemas / "README.md").is_file()
    assert (i18n / "vi" / "LC_MESSAGES" / "ckanext-nd47.mo").is_file()
