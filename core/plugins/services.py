"""Per-tenant plugin enablement and settings, and the tenant view hooks receive."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.audit import services as audit
from core.db.engine import DB
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.plugins.fieldvalues import checked_value
from core.plugins.host import PluginHost, plugin_host
from core.plugins.tables import TenantPlugin
from core.sdk import PluginInfo, SettingField, TenantView
from core.tenancy.context import current_tenant, transaction_memo


@dataclass(frozen=True, slots=True)
class TenantPlugins:
    """Which installed plugins the current tenant enabled, and its settings for each."""

    enabled: frozenset[str]
    settings: Mapping[str, Mapping[str, Any]]

    def view(self) -> TenantView:
        """The tenant as hooks see it."""
        tenant = current_tenant()
        return TenantView(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            timezone=tenant.timezone,
            default_language=tenant.default_language,
            sector=tenant.sector,
            plugin_settings=self.settings,
        )


@dataclass(frozen=True, slots=True)
class PluginStatus:
    """A plugin as a tenant administrator sees it."""

    name: str
    version: str
    description: str
    sector: str | None
    enabled: bool
    settings: Mapping[str, Any]
    schema: Sequence[SettingField]


async def tenant_plugins(host: PluginHost | None = None) -> TenantPlugins:
    """The current tenant's plugin state (plugins no longer installed are left out)."""
    host = host or plugin_host()
    current_tenant()
    # Read once per transaction and host: registration consults it at several steps.
    memo, key = transaction_memo(), f"plugins:{id(host)}"
    if key in memo:
        cached: TenantPlugins = memo[key]
        return cached
    rows = await TenantPlugin.select(
        TenantPlugin.plugin, TenantPlugin.enabled, TenantPlugin.settings
    )
    installed = set(host.infos)
    state = TenantPlugins(
        enabled=frozenset(r["plugin"] for r in rows if r["enabled"] and r["plugin"] in installed),
        settings={r["plugin"]: _json(r["settings"]) for r in rows if r["plugin"] in installed},
    )
    memo[key] = state
    return state


async def list_plugins(host: PluginHost | None = None) -> list[PluginStatus]:
    """Every installed plugin with the current tenant's state of it."""
    host = host or plugin_host()
    state = await tenant_plugins(host)
    return [_status(host, host.infos[name], state) for name in host.names]


async def enable_plugin(name: str, *, actor: str, host: PluginHost | None = None) -> PluginStatus:
    """Enable an installed plugin for the current tenant (an audit event)."""
    return await _set_enabled(name, True, actor=actor, host=host or plugin_host())


async def disable_plugin(name: str, *, actor: str, host: PluginHost | None = None) -> PluginStatus:
    """Disable a plugin for the current tenant; its settings are kept (an audit event)."""
    return await _set_enabled(name, False, actor=actor, host=host or plugin_host())


async def configure_plugin(
    name: str, values: Mapping[str, Any], *, actor: str, host: PluginHost | None = None
) -> PluginStatus:
    """Replace the tenant's settings for a plugin, after checking them against its schema."""
    host = host or plugin_host()
    info = _installed(host, name)
    settings = validate_settings(settings_schema(host, name), values)
    await _upsert(name, settings=settings)
    await audit.record(
        "plugin.configured", actor=actor, detail={"plugin": name, "fields": sorted(settings)}
    )
    return _status(host, info, await tenant_plugins(host))


def settings_schema(host: PluginHost, name: str) -> list[SettingField]:
    """The settings fields a plugin declares (none if it declares none)."""
    fields = host.call_plugin(name, "querela_register_settings")
    return list(fields or ())


def validate_settings(fields: Sequence[SettingField], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values`` against ``fields``; return them with defaults filled in.

    Raises ``InvalidInput`` naming the first offending field (``settings.<name>``).
    """
    known = {f.name: f for f in fields}
    for name in values:
        if name not in known:
            raise InvalidInput(f"settings.{name}", "is not a setting of this plugin")
    clean: dict[str, Any] = {}
    for spec in fields:
        value = values.get(spec.name, spec.default)
        if value is None or value == "":
            if spec.required:
                raise InvalidInput(f"settings.{spec.name}", "is required")
            continue
        clean[spec.name] = checked_value(
            f"settings.{spec.name}",
            spec.type,
            value,
            choices=spec.choices,
            minimum=spec.minimum,
            maximum=spec.maximum,
        )
    return clean


async def _set_enabled(name: str, enabled: bool, *, actor: str, host: PluginHost) -> PluginStatus:
    info = _installed(host, name)
    await _upsert(name, enabled=enabled)
    await audit.record(
        "plugin.enabled" if enabled else "plugin.disabled",
        actor=actor,
        detail={"plugin": name, "version": info.version},
    )
    return _status(host, info, await tenant_plugins(host))


async def _upsert(
    name: str, *, enabled: bool | None = None, settings: dict[str, Any] | None = None
) -> None:
    tenant = current_tenant()
    transaction = DB.current_transaction.get()
    assert transaction is not None, "current_tenant() guarantees an open transaction"
    await transaction.connection.execute(
        """
        INSERT INTO tenant_plugin (tenant_id, id, plugin, enabled, settings, updated_at)
        VALUES ($1, $2, $3, coalesce($4::boolean, false), coalesce($5::jsonb, '{}'), $6)
        ON CONFLICT (tenant_id, plugin) DO UPDATE SET
            enabled = coalesce($4::boolean, tenant_plugin.enabled),
            settings = coalesce($5::jsonb, tenant_plugin.settings),
            updated_at = excluded.updated_at
        """,
        tenant.id,
        uuid7(),
        name,
        enabled,
        None if settings is None else json.dumps(settings),
        datetime.now(UTC),
    )
    memo = transaction_memo()
    for key in [k for k in memo if k.startswith("plugins:")]:
        del memo[key]


def _installed(host: PluginHost, name: str) -> PluginInfo:
    info = host.infos.get(name)
    if info is None:
        raise NotFound(f"no plugin named {name!r} is installed")
    return info


def _status(host: PluginHost, info: PluginInfo, state: TenantPlugins) -> PluginStatus:
    return PluginStatus(
        name=info.name,
        version=info.version,
        description=info.description,
        sector=info.sector,
        enabled=info.name in state.enabled,
        settings=state.settings.get(info.name, {}),
        schema=settings_schema(host, info.name),
    )


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})
