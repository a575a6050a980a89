"""Plugins add intake fields and validation rules; the core enforces them on every complaint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import (
    CaseView,
    DeadlineRule,
    IntakeField,
    IntakeSubmission,
    PluginInfo,
    TenantView,
    ValidationIssue,
    hookimpl,
)
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle


class PrisonIntake:
    """Asks for an inmate number and the facility; refuses numbers of the wrong shape."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="inmate fields")
        self.seen: list[CaseView] = []

    @hookimpl
    def querela_register_intake_fields(self, tenant: TenantView) -> list[IntakeField]:
        return [
            IntakeField(name="inmate_number", type="string", label="Inmate number", required=True),
            IntakeField(
                name="facility", type="choice", label="Facility", choices=("north", "south")
            ),
            IntakeField(name="kiosk_id", type="integer", label="Kiosk", channels=("kiosk",)),
        ]

    @hookimpl
    def querela_register_intake_problems(
        self, submission: IntakeSubmission
    ) -> list[ValidationIssue]:
        number = str(submission.fields.get("inmate_number", ""))
        if not number.startswith("A"):
            return [ValidationIssue("fields.inmate_number", "must start with A")]
        return []

    @hookimpl
    def querela_register_deadlines(self, case: CaseView) -> list[DeadlineRule]:
        self.seen.append(case)
        return []


@pytest.fixture
def prison() -> Iterator[PrisonIntake]:
    plugin = PrisonIntake(f"prison-intake-{uuid.uuid4().hex[:6]}")
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


@pytest.fixture
async def prison_tenant(tenant: TenantHandle, prison: PrisonIntake) -> TenantHandle:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(prison.PLUGIN_INFO.name, actor="test")
    return tenant


def complaint(**fields: object) -> dict[str, object]:
    return {"subject": "Cell conditions", "description": "No heating.", "fields": fields}


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({}, "fields.inmate_number", "is required"),
        ({"inmate_number": "B123"}, "fields.inmate_number", "must start with A"),
        ({"inmate_number": "A1", "facility": "east"}, "fields.facility", "must be one of"),
        ({"inmate_number": "A1", "shoe_size": 42}, "fields.shoe_size", "is not a field"),
        ({"inmate_number": 7}, "fields.inmate_number", "must be text"),
    ],
)
async def test_bad_field_values_are_refused_with_the_field(
    client: httpx.AsyncClient, prison_tenant: TenantHandle, fields: dict, key: str, message: str
):
    response = await client.post(
        "/api/v1/cases", json=complaint(**fields), headers=prison_tenant.headers
    )
    assert response.status_code == 400
    [problem] = response.json()["extra"]
    assert problem["key"] == key
    assert message in problem["message"]
    listed = await client.get("/api/v1/cases", headers=prison_tenant.headers)
    assert listed.json()["items"] == []


async def test_field_values_are_stored_and_shown_to_hooks(
    client: httpx.AsyncClient, prison_tenant: TenantHandle, prison: PrisonIntake
):
    response = await client.post(
        "/api/v1/cases",
        json=complaint(inmate_number="A123", facility="north"),
        headers=prison_tenant.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["fields"] == {"inmate_number": "A123", "facility": "north"}
    assert dict(prison.seen[-1].fields) == {"inmate_number": "A123", "facility": "north"}


async def test_fields_without_the_plugin_are_refused(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    response = await client.post(
        "/api/v1/cases", json=complaint(inmate_number="A1"), headers=tenant.headers
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "fields.inmate_number"
