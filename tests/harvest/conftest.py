"""A second CKAN site that harvests the running portal, as the national data
portal would: ckanext-harvest with ckanext-dcat's RDF harvester, and
``nd47_search`` so it needs no Solr.

The site gets its own database beside the test database (same PostgreSQL
server), its own Redis database number and its own ``ckan.ini`` written the
way ``bin/dev`` writes the portal's (``ckan generate config`` +
``ckan config-tool``). It is served on a free port so that tests read it
through its API like any client; harvest runs are ``ckan harvester
run-test``, which gathers, fetches and imports in one process without the
queue consumers.
"""
from __future__ import annotations

import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import sqlalchemy as sa
from redis import Redis

import ckan.plugins.toolkit as tk

from tests.e2e import portal
from tests.e2e.conftest import admin_token, portal_url  # noqa: F401

DATABASE = "ckan_harvest_site"
# test.ini's Redis holds the tests' own keys in db 1
REDIS_DB = 7
PLUGINS = ("harvest dcat dcat_rdf_harvester nd47_search "
           "nd47_incremental_harvest")


@dataclass
class HarvestSite:
    """The harvesting site: its config, address and a sysadmin's token."""
    ini: Path
    url: str
    token: str

    def ckan(self, *args: str, timeout: int = 600) -> str:
        """Run a ``ckan`` command of this site and return its output."""
        result = subprocess.run(
            [str(portal.CKAN), "-c", str(self.ini), *args],
            capture_output=True, text=True, timeout=timeout,
            env=portal.portal_env())
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def action(self, action: str, **data: Any) -> Any:
        response = requests.post(f"{self.url}/api/3/action/{action}",
                                 json=data, timeout=60,
                                 headers={"Authorization": self.token})
        assert response.status_code == 200, response.text
        return response.json()["result"]

    def datasets(self) -> list[dict[str, Any]]:
        """Every active dataset of the site (not its harvest sources), as
        stored: the search index keeps an older ``metadata_modified`` when
        an update changes nothing else."""
        result = self.action("package_search", fq="+dataset_type:dataset",
                             rows=1000, include_private=True)
        assert result["count"] == len(result["results"])
        return [self.action("package_show", id=d["id"])
                for d in result["results"]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server() -> sa.engine.Engine:
    """The test database's PostgreSQL server, outside any database."""
    url = sa.engine.make_url(tk.config["sqlalchemy.url"])
    return sa.create_engine(url.set(database="postgres"),
                            isolation_level="AUTOCOMMIT")


def _drop_database() -> None:
    engine = _server()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" '
                             "WITH (FORCE)"))
    engine.dispose()


def _create_database() -> str:
    """A new, empty database beside the test database; its URL."""
    _drop_database()
    engine = _server()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    engine.dispose()
    url = sa.engine.make_url(tk.config["sqlalchemy.url"])
    return url.set(database=DATABASE).render_as_string(hide_password=False)


def _redis_url() -> str:
    base = tk.config["ckan.redis.url"].rsplit("/", 1)[0]
    return f"{base}/{REDIS_DB}"


def _write_config(ini: Path, port: int, database_url: str,
                  redis_url: str) -> None:
    ckan = str(portal.CKAN)
    env = portal.portal_env()
    subprocess.run([ckan, "generate", "config", str(ini)], check=True,
                   capture_output=True, env=env)
    subprocess.run([
        ckan, "config-tool", str(ini),
        f"sqlalchemy.url = {database_url}",
        f"ckan.redis.url = {redis_url}",
        f"ckan.site_url = http://127.0.0.1:{port}",
        "ckan.site_id = nd47-harvest-site",
        "ckan.site_title = National data portal (harvest test)",
        f"ckan.plugins = {PLUGINS}",
        # the portal's titles are Vietnamese; language-tagged literals
        # in the feed are read in this language first
        "ckan.locale_default = vi",
        f"ckan.storage_path = {ini.parent / 'storage'}",
        # the harvest source belongs to no organisation, nor do its datasets
        "ckan.auth.create_unowned_dataset = true",
        # no view plugins: harvested resources get no views
        "ckan.views.default_views = ",
    ], check=True, capture_output=True, env=env)
    # no Solr: nd47_search answers searches from PostgreSQL
    text = ini.read_text()
    ini.write_text("\n".join(line for line in text.splitlines()
                             if not line.startswith("solr_url")) + "\n")


def _serve(site: HarvestSite, log: Path) -> subprocess.Popen[bytes]:
    port = site.url.rsplit(":", 1)[1]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(portal.CKAN), "-c", str(site.ini), "run", "-H", "127.0.0.1",
             "-p", port, "--disable-reloader"],
            stdout=out, stderr=subprocess.STDOUT, env=portal.portal_env())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the harvesting site did not start:\n"
                        f"{log.read_text()[-3000:]}")
        try:
            requests.get(f"{site.url}/api/3/action/status_show", timeout=5)
            return server
        except requests.ConnectionError:
            time.sleep(0.5)
    server.terminate()
    pytest.fail(f"the harvesting site did not answer:\n"
                f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def harvest_site(tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[HarvestSite]:
    """A second CKAN site, up and empty but for a sysadmin; dropped after
    the module."""
    folder = tmp_path_factory.mktemp("harvest-site")
    port = _free_port()
    ini = folder / "ckan.ini"
    redis = Redis.from_url(_redis_url())
    redis.flushdb()
    _write_config(ini, port, _create_database(), _redis_url())
    site = HarvestSite(ini=ini, url=f"http://127.0.0.1:{port}", token="")
    site.ckan("db", "init")
    site.ckan("db", "upgrade", "-p", "harvest")
    site.ckan("user", "add", "harvester", "email=harvester@example.org",
              f"password={secrets.token_urlsafe(16)}")
    site.ckan("sysadmin", "add", "harvester")
    site.token = site.ckan("user", "token", "add", "harvester",
                           "harvest-test").strip().splitlines()[-1].strip()
    server = _serve(site, folder / "ckan.log")
    try:
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
        _drop_database()
        redis.flushdb()
