"""A tenant's administrators choose and configure its plugins through the API.

Each change is an audit event in that tenant's log, touches no other tenant, and
decides which plugins answer the tenant's hook calls.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.plugins.host import plugin_host
from core.plugins.services import tenant_plugins
from core.sdk import PluginInfo, SettingField, TaxonomyEntry, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle

PLUGINS = "/api/v1/plugins"


class Ombudsman:
    """Files cases under the regulator a tenant names in its settings."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=name, version="2.1.0", description="Regulator categories", sector="insurance"
        )

    @hookimpl
    def querela_register_settings(self) -> list[SettingField]:
        return [
            SettingField(name="regulator", type="string", label="Regulator", required=True),
            SettingField(
                name="days",
                type="integer",
                label="Days to answer",
                default=56,
                minimum=1,
                maximum=90,
            ),
            SettingField(name="tier", type="choice", label="Tier", choices=("gold", "silver")),
        ]

    @hookimpl
    def querela_register_taxonomy(self, tenant: TenantView) -> list[TaxonomyEntry]:
        regulator = tenant.settings_for(self.PLUGIN_INFO.name).get("regulator", "none")
        return [TaxonomyEntry(code=f"regulator-{regulator}", label="Referred to the regulator")]


@pytest.fixture
def ombudsman() -> Iterator[str]:
    """An installed plugin under a name of its own; removed after the test."""
    plugin = Ombudsman(f"ombudsman-{uuid.uuid4().hex[:8]}")
    host = plugin_host()
    host.register(plugin)
    try:
        yield plugin.PLUGIN_INFO.name
    finally:
        host.unregister(plugin.PLUGIN_INFO.name)


async def admin_of(tenant: TenantHandle) -> dict[str, str]:
    """Headers that address ``tenant`` as a new staff member holding tenant-admin."""
    admin = await tenant.add_staff(roles=("tenant-admin",))
    return as_staff(tenant, admin)


def as_staff(tenant: TenantHandle, staff: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **staff.bearer}


async def listed(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> dict[str, Any]:
    response = await client.get(PLUGINS, headers=headers)
    assert response.status_code == 200, response.text
    mine = [p for p in response.json()["items"] if p["name"] == name]
    assert len(mine) == 1
    return mine[0]


async def plugin_audit(tenant: TenantHandle, name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, actor, detail) of the tenant's audit events about plugin ``name``, in order."""
    async with tenant_transaction(tenant_id=tenant.id):
        rows = (
            await AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action.like("plugin.%"))
            .order_by(AuditEvent.seq)
        )
    events = []
    for row in rows:
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
        if detail.get("plugin") == name:
            events.append((row["action"], row["actor"], detail))
    return events


async def taxonomy_plugins(tenant: TenantHandle) -> set[str]:
    """The plugins that answer the tenant's taxonomy hook, as the core calls it."""
    async with tenant_transaction(tenant_id=tenant.id):
        state = await tenant_plugins()
        outcome = await plugin_host().call(
            "querela_register_taxonomy", state.enabled, tenant=state.view()
        )
    return {name for name, _ in outcome.results}


async def test_tenant_admin_lists_enables_configures_and_disables(
    client: httpx.AsyncClient, tenant: TenantHandle, ombudsman: str
):
    admin = await tenant.add_staff(roles=("tenant-admin",))
    headers = as_staff(tenant, admin)

    before = await listed(client, headers, ombudsman)
    enabled = await client.post(f"{PLUGINS}/{ombudsman}/enable", headers=headers)
    configured = await client.put(
        f"{PLUGINS}/{ombudsman}/settings",
        json={"regulator": "FOS", "tier": "gold"},
        headers=headers,
    )
    hooked_while_enabled = await taxonomy_plugins(tenant)
    disabled = await client.post(f"{PLUGINS}/{ombudsman}/disable", headers=headers)
    after = await listed(client, headers, ombudsman)

    assert before["enabled"] is False and before["settings"] == {}
    assert before["version"] == "2.1.0" and before["sector"] == "insurance"
    assert [f["name"] for f in before["settings_schema"]] == ["regulator", "days", "tier"]
    days = before["settings_schema"][1]
    assert days["type"] == "integer" and days["default"] == 56 and days["maximum"] == 90
    assert before["settings_schema"][2]["choices"] == ["gold", "silver"]

    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] is True
    assert configured.status_code == 200, configured.text
    assert configured.json()["settings"] == {"regulator": "FOS", "days": 56, "tier": "gold"}
    assert ombudsman in hooked_while_enabled
    assert disabled.status_code == 200, disabled.text
    assert after["enabled"] is False
    assert after["settings"] == {"regulator": "FOS", "days": 56, "tier": "gold"}
    assert ombudsman not in await taxonomy_plugins(tenant)

    actor = f"staff:{admin.staff_id}"
    assert await plugin_audit(tenant, ombudsman) == [
        ("plugin.enabled", actor, {"plugin": ombudsman, "version": "2.1.0"}),
        (
            "plugin.configured",
            actor,
            {"plugin": ombudsman, "fields": ["days", "regulator", "tier"]},
        ),
        ("plugin.disabled", actor, {"plugin": ombudsman, "version": "2.1.0"}),
    ]


async def test_the_hook_answers_with_the_tenants_own_settings(
    client: httpx.AsyncClient, tenant: TenantHandle, ombudsman: str
):
    headers = await admin_of(tenant)
    await client.post(f"{PLUGINS}/{ombudsman}/enable", headers=headers)
    await client.put(f"{PLUGINS}/{ombudsman}/settings", json={"regulator": "FCA"}, headers=headers)

    async with tenant_transaction(tenant_id=tenant.id):
        state = await tenant_plugins()
        outcome = await plugin_host().call(
            "querela_register_taxonomy", state.enabled, tenant=state.view()
        )

    assert dict(outcome.flattened())[ombudsman].code == "regulator-FCA"


async def test_staff_without_tenant_admin_can_neither_read_nor_change(
    client: httpx.AsyncClient, tenant: TenantHandle, other_tenant: TenantHandle, ombudsman: str
):
    handler = tenant.headers  # a handler and supervisor, but no tenant-admin
    # An administrator of another tenant, addressing this one.
    foreign_admin = as_staff(tenant, await other_tenant.add_staff(roles=("tenant-admin",)))
    anonymous = {"host": f"{tenant.slug}.localhost"}
    attempts = {
        "list": ("GET", PLUGINS, None),
        "enable": ("POST", f"{PLUGINS}/{ombudsman}/enable", None),
        "disable": ("POST", f"{PLUGINS}/{ombudsman}/disable", None),
        "configure": ("PUT", f"{PLUGINS}/{ombudsman}/settings", {"regulator": "FCA"}),
    }

    for what, (method, url, body) in attempts.items():
        as_handler = await client.request(method, url, json=body, headers=handler)
        as_foreign_admin = await client.request(method, url, json=body, headers=foreign_admin)
        as_nobody = await client.request(method, url, json=body, headers=anonymous)
        assert as_handler.status_code == 403, (what, as_handler.text)
        assert "tenant-admin" in as_handler.json()["detail"]
        assert as_foreign_admin.status_code == 401, (what, as_foreign_admin.text)
        assert as_nobody.status_code == 401, (what, as_nobody.text)

    state = await listed(client, await admin_of(tenant), ombudsman)
    assert state["enabled"] is False and state["settings"] == {}
    assert await plugin_audit(tenant, ombudsman) == []


async def test_enabling_in_one_tenant_leaves_another_untouched(
    client: httpx.AsyncClient, tenant: TenantHandle, other_tenant: TenantHandle, ombudsman: str
):
    ours, theirs = await admin_of(tenant), await admin_of(other_tenant)

    enabled = await client.post(f"{PLUGINS}/{ombudsman}/enable", headers=ours)
    await client.put(f"{PLUGINS}/{ombudsman}/settings", json={"regulator": "FOS"}, headers=ours)

    assert enabled.status_code == 200, enabled.text
    assert (await listed(client, ours, ombudsman))["enabled"] is True
    other = await listed(client, theirs, ombudsman)
    assert other["enabled"] is False and other["settings"] == {}
    assert ombudsman in await taxonomy_plugins(tenant)
    assert ombudsman not in await taxonomy_plugins(other_tenant)
    assert await plugin_audit(other_tenant, ombudsman) == []


@pytest.mark.parametrize(
    ("given", "key", "message"),
    [
        ({"regulator": "FOS", "days": 120}, "settings.days", "must be at most 90"),
        ({"regulator": "FOS", "days": "thirty"}, "settings.days", "must be a whole number"),
        ({"days": 30}, "settings.regulator", "is required"),
        ({"regulator": "FOS", "tier": "bronze"}, "settings.tier", "must be one of gold, silver"),
        (
            {"regulator": "FOS", "colour": "red"},
            "settings.colour",
            "is not a setting of this plugin",
        ),
    ],
)
async def test_a_bad_setting_is_refused_with_field_and_reason_and_nothing_is_stored(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    ombudsman: str,
    given: dict[str, Any],
    key: str,
    message: str,
):
    headers = await admin_of(tenant)
    good = await client.put(
        f"{PLUGINS}/{ombudsman}/settings", json={"regulator": "FCA", "days": 30}, headers=headers
    )

    refused = await client.put(f"{PLUGINS}/{ombudsman}/settings", json=given, headers=headers)

    assert good.status_code == 200, good.text
    assert refused.status_code == 400, refused.text
    assert refused.json()["extra"] == [{"key": key, "message": message}]
    kept = await listed(client, headers, ombudsman)
    assert kept["settings"] == {"regulator": "FCA", "days": 30}
    assert [action for action, _, _ in await plugin_audit(tenant, ombudsman)] == [
        "plugin.configured"
    ]


async def test_settings_must_be_a_json_object(
    client: httpx.AsyncClient, tenant: TenantHandle, ombudsman: str
):
    headers = await admin_of(tenant)

    as_list = await client.put(f"{PLUGINS}/{ombudsman}/settings", json=["FCA"], headers=headers)

    assert as_list.status_code == 400, as_list.text
    assert (await listed(client, headers, ombudsman))["settings"] == {}


async def test_a_plugin_that_is_not_installed_is_not_found(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    headers = await admin_of(tenant)
    missing = f"missing-{uuid.uuid4().hex[:8]}"

    responses = [
        await client.post(f"{PLUGINS}/{missing}/enable", headers=headers),
        await client.post(f"{PLUGINS}/{missing}/disable", headers=headers),
        await client.put(f"{PLUGINS}/{missing}/settings", json={}, headers=headers),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert missing in responses[0].json()["detail"]
    assert await plugin_audit(tenant, missing) == []
