"""An insurer's case carries the FCA DISP deadlines, read back through the public API.

The expected times are the sector rules' worked examples (and a few around
weekends, bank holidays and close of business), written out by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import plugins.insurance
from core.plugins.host import plugin_host
from core.plugins.services import configure_plugin, enable_plugin
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=LONDON)


@pytest.fixture
def installed() -> Iterator[None]:
    """The insurance plugin installed in the process's host, as its entry point does."""
    host_ = plugin_host()
    if "insurance" in host_.infos:
        yield
        return
    host_.register(plugins.insurance)
    try:
        yield
    finally:
        host_.unregister("insurance")


async def insure(tenant: TenantHandle, **settings: Any) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("insurance", actor="test")
        if settings:
            await configure_plugin("insurance", settings, actor="test")


async def register(client: httpx.AsyncClient, tenant: TenantHandle, received_at: datetime) -> str:
    body = {
        "subject": "Claim payment delayed",
        "description": "I sent my claim in October and have heard nothing.",
        "channel": "letter",
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        "received_at": received_at.isoformat(),
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    return case_id


async def deadlines(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str
) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/v1/cases/{case_id}/deadlines", headers=host(tenant))
    assert response.status_code == 200, response.text
    listed = response.json()["deadlines"]
    kinds = [d["kind"] for d in listed]
    assert len(kinds) == len(set(kinds)), kinds
    return {d["kind"]: d for d in listed}


@pytest.mark.parametrize(
    ("out_of_hours", "received", "final"),
    [
        pytest.param(False, london(2026, 1, 5, 9), end_of(2026, 3, 2), id="8-weeks"),
        pytest.param(False, london(2026, 1, 2, 10), end_of(2026, 2, 27), id="friday"),
        pytest.param(False, london(2026, 4, 2, 11), end_of(2026, 5, 28), id="easter"),
        pytest.param(True, london(2026, 1, 2, 18, 30), end_of(2026, 2, 27), id="out-of-hours"),
    ],
)
async def test_a_uk_insurers_case_has_the_disp_final_response_deadline(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    out_of_hours: bool,
    received: datetime,
    final: datetime,
) -> None:
    await insure(tenant, jurisdiction="uk", out_of_hours_receipt_next_business_day=out_of_hours)

    found = await deadlines(client, tenant, await register(client, tenant, received))

    response = found["final_response"]
    assert datetime.fromisoformat(response["due_at"]) == final
    assert (response["source"], response["citation"]) == ("insurance", "FCA DISP 1.6.2R")
    assert "8 weeks" in response["counting"]
    assert "insurance_src_window" not in found


async def test_without_settings_the_defaults_apply(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant)

    found = await deadlines(client, tenant, await register(client, tenant, london(2026, 1, 3, 9)))

    assert datetime.fromisoformat(found["final_response"]["due_at"]) == end_of(2026, 2, 28)
    assert found["final_response"]["source"] == "insurance"


async def test_a_us_insurer_keeps_the_organisations_own_deadlines(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="us")

    found = await deadlines(
        client, tenant, await register(client, tenant, datetime(2026, 1, 5, 9, tzinfo=UTC))
    )

    assert "insurance_src_window" not in found
    assert found["final_response"]["source"] == "core"
