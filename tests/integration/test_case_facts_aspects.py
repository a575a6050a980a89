"""A fact with several choices (the aspects of one complaint): ticked on the case page,
kept in the field's order, cleared by ticking none, and refused when a code is not the field's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import IntakeField, PluginInfo, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from tests.fixtures.pages import browser_of
from tests.fixtures.staff import TenantHandle
from tests.integration.test_case_facts_page import page_path, register, version_on

ASPECTS = ("clinical_treatment", "communication", "waiting_times")


class Aspects:
    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"aspects-{uuid.uuid4().hex[:8]}", version="1", description="aspects"
        )

    @hookimpl
    def querela_register_intake_fields(self, tenant: TenantView) -> list[IntakeField]:
        return [
            IntakeField(
                name="aspects",
                type="multichoice",
                label="Aspects of the complaint",
                choices=ASPECTS,
                at_intake=False,
                choice_labels={"en": {"communication": "Communication"}},
            )
        ]


@pytest.fixture
async def aspects(tenant: TenantHandle) -> AsyncIterator[Aspects]:
    plugin = Aspects()
    plugin_host().register(plugin)
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(plugin.PLUGIN_INFO.name, actor="test")
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def test_several_aspects_are_ticked_kept_in_order_and_cleared(
    client: httpx.AsyncClient, tenant: TenantHandle, aspects: Aspects
) -> None:
    handler = await browser_of(client, tenant, tenant.staff)
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    assert page.text.count('type="checkbox"') >= len(ASPECTS)

    ticked = await handler.post(
        page_path(case) + "/facts",
        {
            "version": version_on(page),
            "field.aspects": ["", "waiting_times", "clinical_treatment"],
        },
    )
    assert ticked.status_code == 303, ticked.text
    stored = await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)
    assert stored.json()["fields"]["aspects"] == ["clinical_treatment", "waiting_times"]
    shown = await handler.get(page_path(case))
    assert "clinical_treatment, waiting_times" in shown.text  # no labels given: the codes
    assert 'value="waiting_times" checked' in shown.text

    wrong = await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(shown), "field.aspects": ["", "parking"]},
    )
    assert wrong.status_code == 400
    cleared = await handler.post(
        page_path(case) + "/facts", {"version": version_on(shown), "field.aspects": [""]}
    )
    assert cleared.status_code == 303, cleared.text
    after = await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)
    assert "aspects" not in after.json()["fields"]
    api = await client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": after.json()["version"], "fields": {"aspects": ["communication"]}},
        headers=tenant.headers,
    )
    assert api.status_code == 200 and api.json()["fields"]["aspects"] == ["communication"]
    assert "Communication" in (await handler.get(page_path(case))).text
