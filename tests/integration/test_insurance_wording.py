"""A UK insurer's final response is refused without the Ombudsman's name, website and time
limit (DISP 1.6.2R), and goes out once the plugin's own letter carries them."""

from __future__ import annotations

from datetime import datetime

import httpx

from core.letters.services import offered_templates, save_template
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle
from tests.integration.test_insurance_deadlines import installed, insure, london, register

__all__ = ["installed"]  # the fixture, used by name below


async def act(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str, action: str, **body: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=tenant.headers
    )


async def approved_case(client: httpx.AsyncClient, tenant: TenantHandle, at: datetime) -> str:
    case_id = await register(client, tenant, at)
    for action, body in (
        ("acknowledge", {}),
        ("start_investigation", {}),
        ("propose_decision", {"outcome": "not_upheld"}),
    ):
        response = await act(client, tenant, case_id, action, **body)
        assert response.status_code == 200, response.text
    reviewer = await tenant.add_staff(("supervisor",))
    approved = await client.post(
        f"/api/v1/cases/{case_id}/actions/approve_decision",
        json={},
        headers={**host(tenant), **reviewer.bearer},
    )
    assert approved.status_code == 200, approved.text
    return case_id


async def test_a_final_response_without_the_ombudsman_is_refused_until_the_letter_has_it(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
):
    await insure(tenant, jurisdiction="uk")
    case_id = await approved_case(client, tenant, london(2026, 1, 5, 9))

    bare = await act(client, tenant, case_id, "respond", response="We found no fault.")
    assert bare.status_code == 400, bare.text
    for missing in ("Financial Ombudsman Service", "website", "six months"):
        assert missing in bare.text
    draft = await client.post(
        f"/api/v1/cases/{case_id}/response-draft",
        json={"response": "We found no fault."},
        headers=tenant.headers,
    )
    assert draft.status_code == 200 and draft.json()["ready"] is False
    unmet = {r["code"] for r in draft.json()["requirements"] if not r["met"]}
    assert unmet == {"fos_referral_right", "fos_website", "fos_time_limit"}

    # The administrator takes the plugin's final response as the organisation's own.
    async with tenant_transaction(tenant_id=tenant.id):
        [offer] = [o for o in await offered_templates() if o.kind == "final_response"]
        await save_template(
            "final_response", "en", offer.subject, offer.body, actor="test:administrator"
        )
    sent = await act(client, tenant, case_id, "respond", response="We found no fault.")
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "responded"


async def test_a_us_insurer_is_not_held_to_the_fca_wording(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
):
    await insure(tenant, jurisdiction="us")
    case_id = await approved_case(client, tenant, london(2026, 1, 5, 9))
    sent = await act(client, tenant, case_id, "respond", response="We found no fault.")
    assert sent.status_code == 200, sent.text
