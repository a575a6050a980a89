"""Plugin settings: checked against the plugin's fields, refused with the field and the reason."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from core.errors import InvalidInput
from core.plugins.api import schema_out
from core.plugins.services import validate_settings
from core.sdk import SettingField
from tenants.cli import parse_setting, parse_settings_object

FIELDS = [
    SettingField(name="regulator", type="string", label="Regulator", required=True),
    SettingField(name="notes", type="text", label="Notes"),
    SettingField(name="days", type="integer", label="Days", default=56, minimum=1, maximum=90),
    SettingField(name="notify", type="boolean", label="Notify", default=False),
    SettingField(name="since", type="date", label="In force since"),
    SettingField(name="tier", type="choice", label="Tier", choices=("gold", "silver")),
]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ({"regulator": "FCA"}, {"regulator": "FCA", "days": 56, "notify": False}),
        (
            {"regulator": "FCA", "days": 1, "notify": True, "since": "2026-01-31", "tier": "gold"},
            {"regulator": "FCA", "days": 1, "notify": True, "since": "2026-01-31", "tier": "gold"},
        ),
        (
            {"regulator": "FOS", "days": 90, "notes": ""},
            {"regulator": "FOS", "days": 90, "notify": False},
        ),
    ],
)
def test_valid_settings_are_stored_with_defaults(given: dict[str, Any], stored: dict[str, Any]):
    assert validate_settings(FIELDS, given) == stored


@pytest.mark.parametrize(
    ("given", "field", "reason"),
    [
        ({}, "settings.regulator", "is required"),
        ({"regulator": ""}, "settings.regulator", "is required"),
        ({"regulator": 7}, "settings.regulator", "must be text"),
        (
            {"regulator": "FCA", "colour": "red"},
            "settings.colour",
            "is not a setting of this plugin",
        ),
        ({"regulator": "FCA", "days": "30"}, "settings.days", "must be a whole number"),
        ({"regulator": "FCA", "days": True}, "settings.days", "must be a whole number"),
        ({"regulator": "FCA", "days": 0}, "settings.days", "must be at least 1"),
        ({"regulator": "FCA", "days": 91}, "settings.days", "must be at most 90"),
        ({"regulator": "FCA", "notify": "yes"}, "settings.notify", "must be true or false"),
        ({"regulator": "FCA", "since": "31/01/2026"}, "settings.since", "must be a date"),
        ({"regulator": "FCA", "tier": "bronze"}, "settings.tier", "must be one of gold, silver"),
    ],
)
def test_bad_settings_are_refused_with_field_and_reason(
    given: dict[str, Any], field: str, reason: str
):
    with pytest.raises(InvalidInput) as refused:
        validate_settings(FIELDS, given)
    assert refused.value.field == field
    assert refused.value.reason.startswith(reason)


def test_a_plugin_without_fields_accepts_only_no_settings():
    assert validate_settings([], {}) == {}
    with pytest.raises(InvalidInput):
        validate_settings([], {"anything": 1})


def test_schema_is_json_a_form_can_be_drawn_from():
    drawn = msgspec.json.decode(msgspec.json.encode(schema_out(FIELDS)))

    assert [f["name"] for f in drawn] == [f.name for f in FIELDS]
    days = drawn[2]
    assert days == {
        "name": "days",
        "type": "integer",
        "label": "Days",
        "help": "",
        "required": False,
        "default": 56,
        "choices": [],
        "minimum": 1,
        "maximum": 90,
    }
    assert drawn[5]["choices"] == ["gold", "silver"]
    assert drawn[0]["required"] is True


@pytest.mark.parametrize(
    ("assignment", "parsed"),
    [
        ("days=30", ("days", 30)),
        ("notify=true", ("notify", True)),
        ('days="30"', ("days", "30")),
        ("regulator=FCA", ("regulator", "FCA")),
        ("code=0123", ("code", "0123")),
        ("note=a=b", ("note", "a=b")),
        ("note=", ("note", "")),
        ('tiers=["gold"]', ("tiers", ["gold"])),
    ],
)
def test_cli_setting_values_are_json_when_they_are_json(assignment: str, parsed: tuple[str, Any]):
    assert parse_setting(assignment) == parsed


@pytest.mark.parametrize("assignment", ["days", "=30", ""])
def test_cli_setting_without_a_key_is_refused(assignment: str):
    with pytest.raises(InvalidInput) as refused:
        parse_setting(assignment)
    assert refused.value.field == "--set"


@pytest.mark.parametrize(
    ("text", "reason"), [("[1, 2]", "must be a JSON object"), ("{days: 1}", "is not valid JSON")]
)
def test_cli_settings_object_must_be_a_json_object(text: str, reason: str):
    assert parse_settings_object('{"days": 1}') == {"days": 1}
    with pytest.raises(InvalidInput) as refused:
        parse_settings_object(text)
    assert refused.value.field == "--json"
    assert refused.value.reason.startswith(reason)
