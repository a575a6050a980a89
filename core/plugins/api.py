"""The tenant-admin plugin API: list, enable, disable and configure the tenant's plugins.

Reading is guarded as strictly as writing: a plugin's settings can hold a
tenant's account numbers and contact addresses, which only its administrators see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from core.auth.guards import principal_of, roles_required
from core.plugins import services
from core.sdk import FieldType, SettingField

#: Role that may see and change the tenant's plugins.
ADMIN_ROLE = "tenant-admin"


class SettingFieldOut(msgspec.Struct, kw_only=True):
    """One field of a plugin's settings form, in the order the plugin declares it."""

    name: str
    type: FieldType
    label: str
    help: str
    required: bool
    default: Any
    #: Allowed values of a ``choice`` field.
    choices: list[str]
    #: Bounds of an ``integer`` field.
    minimum: int | None
    maximum: int | None


class PluginOut(msgspec.Struct, kw_only=True):
    """An installed plugin with the tenant's state of it."""

    name: str
    version: str
    description: str
    sector: str | None
    enabled: bool
    #: The tenant's settings for the plugin (kept while the plugin is disabled).
    settings: dict[str, Any]
    #: The fields the settings form is drawn from.
    settings_schema: list[SettingFieldOut]


class PluginList(msgspec.Struct, kw_only=True):
    """Every installed plugin, sorted by name."""

    items: list[PluginOut]


def schema_out(fields: Sequence[SettingField]) -> list[SettingFieldOut]:
    """The settings fields of a plugin as the form-drawing client receives them."""
    return [
        SettingFieldOut(
            name=f.name,
            type=f.type,
            label=f.label,
            help=f.help,
            required=f.required,
            default=f.default,
            choices=[str(choice) for choice in f.choices],
            minimum=f.minimum,
            maximum=f.maximum,
        )
        for f in fields
    ]


def plugin_out(status: services.PluginStatus) -> PluginOut:
    """A plugin's status as the API returns it."""
    return PluginOut(
        name=status.name,
        version=status.version,
        description=status.description,
        sector=status.sector,
        enabled=status.enabled,
        settings=dict(status.settings),
        settings_schema=schema_out(status.schema),
    )


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the roles_required guard lets no anonymous request in"
    return principal.actor


class PluginController(Controller):
    """The request's tenant's plugins, for its administrators."""

    path = "/plugins"
    tags = ["plugins"]
    guards = [roles_required(ADMIN_ROLE)]

    @get(summary="List installed plugins with this tenant's state")
    async def list_plugins(self) -> PluginList:
        """Return every installed plugin, whether it is enabled, its settings and their form."""
        return PluginList(items=[plugin_out(s) for s in await services.list_plugins()])

    @post("/{name:str}/enable", status_code=HTTP_200_OK, summary="Enable a plugin")
    async def enable(self, request: Request[Any, Any, Any], name: FromPath[str]) -> PluginOut:
        """Enable an installed plugin for this tenant."""
        return plugin_out(await services.enable_plugin(name, actor=_actor(request)))

    @post("/{name:str}/disable", status_code=HTTP_200_OK, summary="Disable a plugin")
    async def disable(self, request: Request[Any, Any, Any], name: FromPath[str]) -> PluginOut:
        """Disable a plugin for this tenant; its settings are kept."""
        return plugin_out(await services.disable_plugin(name, actor=_actor(request)))

    @put("/{name:str}/settings", summary="Replace a plugin's settings")
    async def configure(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> PluginOut:
        """Check the settings against the plugin's fields and store them in place of the old."""
        return plugin_out(await services.configure_plugin(name, data, actor=_actor(request)))
