"""The four sector plugins: who they are, their settings, and the door they come in by."""

from __future__ import annotations

from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pytest

import plugins.healthcare
import plugins.insurance
import plugins.prisons
import plugins.religious
from core.errors import InvalidInput
from core.plugins.host import ENTRY_POINT_GROUP, PluginHost
from core.plugins.services import settings_schema, validate_settings
from core.sdk import PluginInfo

SECTORS: list[tuple[ModuleType, dict[str, Any], dict[str, Any], tuple[str, Any]]] = [
    # plugin, settings left out -> defaults, a valid choice, a refused value
    (
        plugins.insurance,
        {"jurisdiction": "uk", "out_of_hours_receipt_next_business_day": False},
        {"jurisdiction": "us", "out_of_hours_receipt_next_business_day": True},
        ("out_of_hours_receipt_next_business_day", "yes"),
    ),
    (
        plugins.healthcare,
        {"jurisdiction": "england"},
        {"jurisdiction": "us"},
        ("jurisdiction", "scotland"),
    ),
    (
        plugins.prisons,
        {"jurisdiction": "us"},
        {"jurisdiction": "england-wales"},
        ("jurisdiction", "england"),
    ),
    (
        plugins.religious,
        {"jurisdiction": "england", "denomination": "other"},
        {"jurisdiction": "us", "denomination": "catholic"},
        ("denomination", "pastafarian"),
    ),
]

IDS = [plugin.PLUGIN_INFO.name for plugin, *_ in SECTORS]


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(autoload=False)


@pytest.mark.parametrize(("plugin", "defaults", "chosen", "refused"), SECTORS, ids=IDS)
def test_sector_plugin_installs_and_its_settings_validate(
    host: PluginHost,
    plugin: ModuleType,
    defaults: dict[str, Any],
    chosen: dict[str, Any],
    refused: tuple[str, Any],
) -> None:
    info = host.register(plugin)

    assert isinstance(info, PluginInfo)
    assert info.name == info.sector == plugin.__name__.rsplit(".", 1)[1]
    assert info.version == "0.1.0"
    assert info.description
    schema = settings_schema(host, info.name)
    assert validate_settings(schema, {}) == defaults
    assert validate_settings(schema, chosen) == chosen
    field, value = refused
    with pytest.raises(InvalidInput) as error:
        validate_settings(schema, {**chosen, field: value})
    assert error.value.field == f"settings.{field}"


@pytest.mark.parametrize(("plugin", "defaults", "chosen", "refused"), SECTORS, ids=IDS)
def test_sector_plugin_loads_through_the_vendors_entry_point_group(
    plugin: ModuleType, defaults: object, chosen: object, refused: object
) -> None:
    name = plugin.PLUGIN_INFO.name
    [entry] = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == name]

    assert entry.load() is plugin


def test_autoloading_installs_all_four_sector_plugins() -> None:
    host = PluginHost(autoload=True)

    assert {"insurance", "healthcare", "prisons", "religious"} <= set(host.names)
    assert not host.load_errors
