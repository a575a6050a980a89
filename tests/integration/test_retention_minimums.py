"""A plugin's retention minimum keeps a case past the tenant's period: longer, or for good.

Safeguarding records, for one, are kept for decades whatever the organisation's
period for other cases. The tenant keeps closed cases six years (the default); the
test plugin asks ten years of cases whose subject says "safeguarding" and for good
of those that say "kept", and nothing of the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from core import clock
from core.attachments.storage import storage_for
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.retention.purge import purge_pass
from core.retention.services import current_periods
from core.sdk import CaseView, PluginInfo, RetentionMinimum, TenantView, hookimpl
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle
from tests.integration.test_retention import close, exists, register

TEN_YEARS = 3653


class Keeper:
    """Asks ten years of safeguarding cases, for good of kept ones."""

    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"keeper-{uuid.uuid4().hex[:10]}", version="1.0.0", description="Keeps"
        )

    @hookimpl
    def querela_register_retention_minimum(
        self, tenant: TenantView, case: CaseView
    ) -> RetentionMinimum | None:
        if "kept" in case.subject:
            return RetentionMinimum(days=None, reason="Kept for good by the rule")
        if "safeguarding" in case.subject:
            return RetentionMinimum(days=TEN_YEARS, reason="Safeguarding record: 10 years")
        return None


@pytest.fixture
async def keeper(tenant: TenantHandle) -> AsyncIterator[Keeper]:
    plugin = Keeper()
    plugin_host().register(plugin)
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(plugin.PLUGIN_INFO.name, actor="test")
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def case(client: httpx.AsyncClient, tenant: TenantHandle, subject: str) -> dict:
    body = {"subject": subject, "description": "A concern.", "channel": "phone"}
    made = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


async def test_a_case_with_a_minimum_outlives_the_tenants_period_and_one_for_good_stays(
    client: httpx.AsyncClient, tenant: TenantHandle, settings: Settings, keeper: Keeper
) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        six_years = (await current_periods()).days_for(None)
    assert six_years is not None and six_years < TEN_YEARS
    ordinary = await register(client, tenant)
    concern = await case(client, tenant, "A safeguarding concern")
    kept = await case(client, tenant, "A concern kept for good")
    old = await case(client, tenant, "An old safeguarding concern")
    assert concern["retention_floor_days"] == TEN_YEARS
    assert concern["retention_reason"] == "Safeguarding record: 10 years"
    assert (kept["kept_for_good"], kept["retention_floor_days"]) == (True, None)
    assert (ordinary["kept_for_good"], ordinary["retention_floor_days"]) == (False, None)
    seven_years = timedelta(days=7 * 365)
    for closed in (ordinary, concern, kept):
        await close(tenant, closed, seven_years)
    await close(tenant, old, timedelta(days=TEN_YEARS + 1))

    await purge_pass(storage_for(settings.attachments_root))

    assert not await exists(tenant, ordinary)  # past the tenant's six years
    assert await exists(tenant, concern)  # seven years: inside its ten
    assert await exists(tenant, kept)
    assert not await exists(tenant, old)  # past its ten years too
    # Ten years after closing, the purge comes back for the concern by itself.
    later = clock.now() + timedelta(days=TEN_YEARS - 7 * 365 + 1)
    with clock.frozen(later):
        await purge_pass(storage_for(settings.attachments_root))
    assert not await exists(tenant, concern)
    assert await exists(tenant, kept)
