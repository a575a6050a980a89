"""`querela plugins` as an operator runs it, in its own process.

The plugin is a small distribution written into a directory on the child's
``PYTHONPATH``: the child finds it through the ``querela.plugins`` entry point,
as it finds any installed plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.db.servers import DatabaseTarget
from core.tenancy.context import tenant_transaction

QUERELA = str(Path(sys.executable).with_name("querela"))

PLUGIN_MODULE = '''
"""Regulator settings, for the CLI test."""

from core.sdk import PluginInfo, SettingField, hookimpl

PLUGIN_INFO = PluginInfo(name="{name}", version="3.0.1", description="CLI test plugin")


@hookimpl
def querela_register_settings():
    return [
        SettingField(name="regulator", type="string", label="Regulator", required=True),
        SettingField(name="days", type="integer", label="Days", default=56, minimum=1, maximum=90),
        SettingField(name="tier", type="choice", label="Tier", choices=("gold", "silver")),
    ]
'''


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUERELA, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def json_lines(output: str) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in map(json.loads, output.splitlines())}


@pytest.fixture
def plugin_dist(tmp_path: Path) -> tuple[Path, str, str]:
    """A directory holding a working plugin and one whose import fails; their entry-point names."""
    suffix = uuid.uuid4().hex[:8]
    name, module, broken = f"cli-regulator-{suffix}", f"cli_regulator_{suffix}", f"broken_{suffix}"
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{module}.py").write_text(PLUGIN_MODULE.format(name=name))
    (site / f"{broken}.py").write_text('raise ImportError("needs a library that is missing")\n')
    dist_info = site / f"{module}-3.0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 3.0.1\n"
    )
    (dist_info / "entry_points.txt").write_text(
        textwrap.dedent(
            f"""\
            [querela.plugins]
            {name} = {module}
            {broken} = {broken}
            """
        )
    )
    return site, name, broken


@pytest.fixture
def cli_env(database: DatabaseTarget, plugin_dist: tuple[Path, str, str]) -> dict[str, str]:
    site = str(plugin_dist[0])
    path = os.pathsep.join(p for p in (site, os.environ.get("PYTHONPATH")) if p)
    env = {k: v for k, v in os.environ.items() if k != "QUERELA_PLUGINS_AUTOLOAD"}
    return {
        **env,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
        "PYTHONPATH": path,
    }


async def plugin_audit(slug: str, name: str) -> list[tuple[str, str]]:
    async with tenant_transaction(slug=slug):
        rows = (
            await AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action.like("plugin.%"))
            .order_by(AuditEvent.seq)
        )
    return [
        (row["action"], row["actor"])
        for row in rows
        if (json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]).get(
            "plugin"
        )
        == name
    ]


def test_list_without_a_tenant_shows_installed_plugins_and_load_errors(
    cli_env: dict[str, str], plugin_dist: tuple[Path, str, str]
):
    _, name, broken = plugin_dist

    as_json = run("plugins", "list", "--json", env=cli_env)
    as_text = run("plugins", "list", env=cli_env)

    assert as_json.returncode == 0, as_json.stderr
    listed = json_lines(as_json.stdout)
    assert listed[name] == {
        "name": name,
        "version": "3.0.1",
        "description": "CLI test plugin",
        "sector": None,
        "loaded": True,
    }
    assert listed[broken]["loaded"] is False
    assert "ImportError: needs a library that is missing" in listed[broken]["error"]
    assert as_text.returncode == 0, as_text.stderr
    assert any(line.startswith(name) and "3.0.1" in line for line in as_text.stdout.splitlines())
    assert f"{broken}" in as_text.stdout and "not loaded" in as_text.stdout


async def test_enable_configure_disable_round_trip(
    client: httpx.AsyncClient, cli_env: dict[str, str], plugin_dist: tuple[Path, str, str]
):
    _, name, _ = plugin_dist
    slug = f"plg{uuid.uuid4().hex[:8]}"
    other = f"plg{uuid.uuid4().hex[:8]}"
    for tenant in (slug, other):
        created = run("tenants", "create", tenant, "--name", f"Org {tenant}", env=cli_env)
        assert created.returncode == 0, created.stderr

    enabled = run("plugins", "enable", slug, name, env=cli_env)
    set_two = run(
        "plugins",
        "configure",
        slug,
        name,
        "--set",
        "regulator=FOS",
        "--set",
        "days=30",
        env=cli_env,
    )
    set_one_more = run("plugins", "configure", slug, name, "--set", "tier=gold", env=cli_env)
    while_enabled = json_lines(
        run("plugins", "list", "--tenant", slug, "--json", env=cli_env).stdout
    )
    untouched = json_lines(run("plugins", "list", "--tenant", other, "--json", env=cli_env).stdout)
    replaced = run(
        "plugins", "configure", slug, name, "--json", '{"regulator": "FCA"}', env=cli_env
    )
    disabled = run("plugins", "disable", slug, name, env=cli_env)
    after = json_lines(run("plugins", "list", "--tenant", slug, "--json", env=cli_env).stdout)
    as_text = run("plugins", "list", "--tenant", slug, env=cli_env)

    for step in (enabled, set_two, set_one_more, replaced, disabled):
        assert step.returncode == 0, (step.args, step.stderr)
    assert f"{name} is enabled for {slug}" in enabled.stdout
    # --set changes the keys it names and keeps the rest; --json replaces everything.
    assert while_enabled[name]["enabled"] is True
    assert while_enabled[name]["settings"] == {"regulator": "FOS", "days": 30, "tier": "gold"}
    assert [f["name"] for f in while_enabled[name]["settings_schema"]] == [
        "regulator",
        "days",
        "tier",
    ]
    assert untouched[name]["enabled"] is False and untouched[name]["settings"] == {}
    assert after[name]["enabled"] is False
    assert after[name]["settings"] == {"regulator": "FCA", "days": 56}
    line = next(line for line in as_text.stdout.splitlines() if line.startswith(name))
    assert "disabled" in line and '"regulator": "FCA"' in line
    assert await plugin_audit(slug, name) == [
        ("plugin.enabled", "platform:cli"),
        ("plugin.configured", "platform:cli"),
        ("plugin.configured", "platform:cli"),
        ("plugin.configured", "platform:cli"),
        ("plugin.disabled", "platform:cli"),
    ]
    assert await plugin_audit(other, name) == []


async def test_refusals_name_the_field_exit_2_and_store_nothing(
    client: httpx.AsyncClient, cli_env: dict[str, str], plugin_dist: tuple[Path, str, str]
):
    _, name, _ = plugin_dist
    slug = f"plg{uuid.uuid4().hex[:8]}"
    assert run("tenants", "create", slug, "--name", "Refusals", env=cli_env).returncode == 0
    assert (
        run("plugins", "configure", slug, name, "--set", "regulator=FOS", env=cli_env).returncode
        == 0
    )

    refusals = {
        "settings.days: must be at most 90": (
            "configure",
            slug,
            name,
            "--set",
            "days=500",
        ),
        "settings.days: must be a whole number": (
            "configure",
            slug,
            name,
            "--set",
            "days=thirty",
        ),
        "settings.colour: is not a setting of this plugin": (
            "configure",
            slug,
            name,
            "--set",
            "colour=red",
        ),
        "settings.regulator: is required": ("configure", slug, name, "--json", "{}"),
        "--json: must be a JSON object": ("configure", slug, name, "--json", "[1]"),
        "--set: 'days' is not key=value": ("configure", slug, name, "--set", "days"),
        "settings: give --set key=value or --json": ("configure", slug, name),
        f"no plugin named 'missing-{slug}'": ("enable", slug, f"missing-{slug}"),
        "no tenant 'no-such-tenant'": ("enable", "no-such-tenant", name),
    }

    for message, args in refusals.items():
        result = run("plugins", *args, env=cli_env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        # Earlier lines of stderr carry the broken plugin's load failure.
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith(f"error: {message}"), (args, result.stderr)

    kept = json_lines(run("plugins", "list", "--tenant", slug, "--json", env=cli_env).stdout)
    assert kept[name]["settings"] == {"regulator": "FOS", "days": 56}
    assert await plugin_audit(slug, name) == [("plugin.configured", "platform:cli")]
