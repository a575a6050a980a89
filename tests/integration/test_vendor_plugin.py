"""A vendor's plugin as vendors ship it: a separate distribution, found through its entry point.

``tests/vendor_plugin`` is built and installed into the test environment by the
project's dev dependency group (``uv sync``). Enabled for one tenant, its hook
fires for that tenant's complaints and for no one else's. Its own test suite,
and the plugin template's, pass with the fixtures of Querela's pytest plugin.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from importlib.metadata import distribution, entry_points
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from core.cases.tables import Deadline
from core.db import engine
from core.db.servers import DatabaseTarget
from core.plugins import host as host_module
from core.plugins.host import ENTRY_POINT_GROUP, PluginHost, plugin_host, use_plugin_host
from core.plugins.services import enable_plugin
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "vendor_plugin"
TEMPLATE = ROOT / "plugins" / "template"
LONDON = ZoneInfo("Europe/London")
COMPLAINT = {
    "subject": "Parcel never arrived",
    "description": "I ordered on the 1st and nothing has come.",
    "channel": "web",
    # Friday before Christmas: the fifth English business day after it is 30 December.
    "received_at": "2025-12-19T10:00:00+00:00",
}


@pytest.fixture
def autoloading_host() -> Iterator[PluginHost]:
    """A host that loads every installed plugin, as production does, made the process's host."""
    previous = host_module._host
    host = use_plugin_host(PluginHost(autoload=True))
    try:
        yield host
    finally:
        host_module._host = previous


def test_the_vendor_distribution_is_installed_and_registered() -> None:
    [entry] = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == "acme_complaints"]

    assert entry.value == "acme_complaints"
    assert entry.dist is not None
    assert entry.dist.name == "querela-vendor-example"
    # Built and installed, not imported from the source tree beside this test.
    installed = distribution("querela-vendor-example").locate_file("acme_complaints/__init__.py")
    assert not Path(str(installed)).resolve().is_relative_to(VENDOR)
    module = entry.load()
    assert Path(module.__file__).resolve() == Path(str(installed)).resolve()


async def test_enabled_for_one_tenant_its_deadline_is_set_there_only(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    autoloading_host: PluginHost,
) -> None:
    assert "acme_complaints" in autoloading_host.names
    assert plugin_host() is autoloading_host
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("acme_complaints", actor="test", host=autoloading_host)

    with_plugin = await client.post("/api/v1/cases", json=COMPLAINT, headers=tenant.headers)
    without = await client.post("/api/v1/cases", json=COMPLAINT, headers=other_tenant.headers)

    assert with_plugin.status_code == 201, with_plugin.text
    assert without.status_code == 201, without.text
    [deadline] = [d for d in with_plugin.json()["deadlines"] if d["source"] != "core"]
    assert deadline["kind"] == "acme.acknowledgement"
    assert deadline["source"] == "acme_complaints"
    due = datetime.fromisoformat(deadline["due_at"])
    assert due == datetime(2025, 12, 30, 23, 59, 59, 999999, tzinfo=LONDON)
    assert with_plugin.json()["flags"] == []
    assert [d for d in without.json()["deadlines"] if d["source"] != "core"] == []
    async with tenant_transaction(tenant_id=other_tenant.id):
        assert await Deadline.count().where(Deadline.source != "core") == 0


@pytest.fixture
def querela_plugins() -> Sequence[object]:
    import acme_complaints

    return [acme_complaints]


async def test_the_pytest_plugin_reuses_the_suites_database(
    client: httpx.AsyncClient,
    database: DatabaseTarget,
    querela_register_case: Any,
    querela_host: PluginHost,
) -> None:
    case = await querela_register_case(received_at=datetime(2025, 6, 2, 9, 0, tzinfo=LONDON))

    assert plugin_host() is querela_host
    assert querela_host.names == ["acme_complaints"]
    assert [d.kind for d in case.deadlines if d.source != "core"] == ["acme.acknowledgement"]
    assert engine.DB.pool is not None
    assert engine.DB.config["dsn"] == database.app_dsn


@pytest.mark.parametrize("project", [VENDOR, TEMPLATE], ids=["vendor-example", "template"])
def test_a_plugin_project_passes_its_own_tests_on_the_querela_fixtures(project: Path) -> None:
    """The plugin's tests, run as its author runs them: own configuration, a fresh core."""
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"),
            *("-c", str(project / "pyproject.toml"), str(project)),
        ],
        cwd=project,
        env={**os.environ, "QUERELA_PLUGINS_AUTOLOAD": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b[1-9]\d* passed", result.stdout), result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout
