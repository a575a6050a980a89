"""The DISP windows a UK insurer's case shows, read back through the public API.

The summary resolution window (DISP 1.5) and the complainant's six months to go to
the Financial Ombudsman Service (DISP 2.8.2R) are dates staff must see; passing
either is no breach, so neither is chased by the deadline worker. The expected
times are the sector rules' worked examples, written out by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import httpx
import pytest

from core import clock
from core.cases.tables import Case
from core.letters.services import offered_templates, save_template
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from core.worker.deadlines import fire_due_deadlines
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_insurance_deadlines import (
    deadlines,
    end_of,
    installed,
    insure,
    london,
    register,
)

__all__ = ["installed"]  # the fixture, used by name below


async def act(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str, action: str, **body: str
) -> httpx.Response:
    response = await client.post(
        f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return response


async def answer(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str, reviewer: StaffUser
) -> None:
    """Acknowledge, investigate, propose, approve (a second person) and send the answer."""
    await act(client, tenant, case_id, "acknowledge")
    await act(client, tenant, case_id, "start_investigation")
    await act(client, tenant, case_id, "propose_decision", outcome="upheld")
    approved = await client.post(
        f"/api/v1/cases/{case_id}/actions/approve_decision",
        json={},
        headers={**host(tenant), **reviewer.bearer},
    )
    assert approved.status_code == 200, approved.text
    await act(client, tenant, case_id, "respond", response="We have put it right.")


async def use_plugin_letters(tenant: TenantHandle) -> None:
    """The administrator takes the plugin's final response, which carries the FOS wording."""
    async with tenant_transaction(tenant_id=tenant.id):
        [offer] = [o for o in await offered_templates() if o.kind == "final_response"]
        await save_template("final_response", "en", offer.subject, offer.body, actor="test")


@pytest.mark.parametrize(
    ("out_of_hours", "received", "closes"),
    [
        # The worked example: received Friday 2 January 2026 -> close of business Wednesday 7th.
        pytest.param(False, london(2026, 1, 2, 10), london(2026, 1, 7, 17), id="worked-example"),
        # Receipt day excluded; Good Friday and Easter Monday are not business days.
        pytest.param(False, london(2026, 4, 2, 11), london(2026, 4, 9, 17), id="easter"),
        # After close of business, counted from the next business day when the setting is on...
        pytest.param(True, london(2026, 1, 5, 18, 30), london(2026, 1, 9, 17), id="out-of-hours"),
        # ...and from the day itself when it is off.
        pytest.param(False, london(2026, 1, 5, 18, 30), london(2026, 1, 8, 17), id="same-day"),
    ],
)
async def test_a_uk_case_shows_its_summary_resolution_window(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    out_of_hours: bool,
    received: datetime,
    closes: datetime,
) -> None:
    await insure(tenant, jurisdiction="uk", out_of_hours_receipt_next_business_day=out_of_hours)

    found = await deadlines(client, tenant, await register(client, tenant, received))

    window = found["summary_resolution"]
    assert datetime.fromisoformat(window["due_at"]) == closes
    assert (window["citation"], window["watched"], window["pausable"]) == (
        "FCA DISP 1.5",
        False,
        False,
    )
    assert found["final_response"]["watched"] is True


@pytest.mark.parametrize(
    ("answered", "refer_by"),
    [
        pytest.param(london(2026, 3, 2, 11), end_of(2026, 9, 2), id="worked-example"),
        pytest.param(london(2026, 8, 31, 15), end_of(2027, 2, 28), id="month-end-clamps"),
    ],
)
async def test_the_final_response_starts_the_six_months_to_go_to_the_ombudsman(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    answered: datetime,
    refer_by: datetime,
) -> None:
    await insure(tenant, jurisdiction="uk")
    await use_plugin_letters(tenant)
    reviewer = await tenant.add_staff(("supervisor",))
    with clock.frozen(answered):
        case_id = await register(client, tenant, answered - timedelta(days=20))
        assert "fos_referral" not in await deadlines(client, tenant, case_id)
        await answer(client, tenant, case_id, reviewer)
        found = await deadlines(client, tenant, case_id)

    referral = found["fos_referral"]
    assert datetime.fromisoformat(referral["due_at"]) == refer_by
    assert (referral["citation"], referral["watched"]) == ("FCA DISP 2.8.2R", False)
    assert found["final_response"]["met_at"] is not None
    # Answered 20 days after receipt: too late for the summary resolution route.
    assert found["summary_resolution"]["met_at"] is None
    case = await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)
    assert case.status_code == 200


async def test_an_answer_inside_three_business_days_meets_the_summary_resolution_window(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    await use_plugin_letters(tenant)
    reviewer = await tenant.add_staff(("supervisor",))
    received = london(2026, 1, 2, 10)
    with clock.frozen(london(2026, 1, 7, 16, 59)):
        case_id = await register(client, tenant, received)
        await answer(client, tenant, case_id, reviewer)
        found = await deadlines(client, tenant, case_id)

    assert datetime.fromisoformat(found["summary_resolution"]["met_at"]) == london(
        2026, 1, 7, 16, 59
    )
    assert datetime.fromisoformat(found["fos_referral"]["due_at"]) == end_of(2026, 7, 7)


async def test_passing_a_window_pages_nobody(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    settings: Settings,
    owner: asyncpg.Connection,
) -> None:
    await insure(tenant, jurisdiction="uk")
    received = london(2026, 1, 2, 10)
    with clock.frozen(received + timedelta(hours=1)):
        case_id = await register(client, tenant, received)
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        timers = await owner.fetch(
            "SELECT d.kind FROM deadline_timer t JOIN deadline d ON d.id = t.deadline_id"
            " WHERE t.case_id = $1::uuid",
            case_id,
        )
    # The final response is chased; the summary resolution window has no timer at all.
    assert sorted(t["kind"] for t in timers) == ["acknowledgement", "final_response"]

    # A week on, the window has passed: the worker fires the acknowledgement's breach only.
    with clock.frozen(london(2026, 1, 9, 12)):
        while (await fire_due_deadlines()).claimed:
            pass
    async with tenant_transaction(tenant_id=tenant.id):
        flags = await Case.raw(
            "SELECT message FROM case_flag WHERE case_id = {} AND code = 'deadline_breached'",
            case_id,
        )
    assert flags and all("Summary resolution" not in f["message"] for f in flags)
    queue = await client.get("/api/v1/cases", headers=tenant.headers)
    assert queue.status_code == 200


async def test_staff_record_the_facts_the_return_counts_while_handling_the_case(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    case_id = await register(client, tenant, london(2026, 1, 5, 9))
    version = (await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)).json()[
        "version"
    ]

    async def patch(version: int, **fields: object) -> httpx.Response:
        return await client.patch(
            f"/api/v1/cases/{case_id}",
            json={"version": version, "fields": fields},
            headers=tenant.headers,
        )

    wrong = await patch(version, product="cars")
    assert wrong.status_code == 400 and "fields.product" in wrong.text
    unknown = await patch(version, shoe_size=42)
    assert unknown.status_code == 400 and "fields.shoe_size" in unknown.text
    negative_text = await patch(version, redress_paid="a lot")
    assert negative_text.status_code == 400 and "fields.redress_paid" in negative_text.text

    done = await patch(
        version,
        product="insurance_pure_protection",
        cause="terms_disputed_sums",
        redress_paid=250,
        customer_vulnerable=True,
    )
    assert done.status_code == 200, done.text
    assert done.json()["fields"] == {
        "product": "insurance_pure_protection",
        "cause": "terms_disputed_sums",
        "redress_paid": 250,
        "customer_vulnerable": True,
    }
    cleared = await patch(done.json()["version"], customer_vulnerable=None, redress_paid=300)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["fields"]["redress_paid"] == 300
    assert "customer_vulnerable" not in cleared.json()["fields"]

    # The complaint form does not ask the public for any of them.
    form = await client.get("/complain", headers=host(tenant))
    assert form.status_code == 200
    for name in ("product", "cause", "redress_paid", "customer_vulnerable"):
        assert f'name="field.{name}"' not in form.text


async def test_a_holding_response_before_the_eighth_week_meets_the_limit_and_keeps_the_case_open(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    received = london(2026, 1, 5, 9)
    with clock.frozen(london(2026, 2, 27, 10)):
        case_id = await register(client, tenant, received)
        await act(client, tenant, case_id, "acknowledge")
        await act(client, tenant, case_id, "start_investigation")
        why = "We are waiting for the loss adjuster's report and expect to answer by 20 March."

        # The organisation's own holding letter says nothing of the ombudsman: refused.
        bare = await client.post(
            f"/api/v1/cases/{case_id}/holding-response",
            json={"response": why},
            headers=tenant.headers,
        )
        assert bare.status_code == 400, bare.text
        assert "Financial Ombudsman Service" in bare.text

        async with tenant_transaction(tenant_id=tenant.id):
            [offer] = [o for o in await offered_templates() if o.kind == "holding_response"]
            await save_template("holding_response", "en", offer.subject, offer.body, actor="test")
        draft = await client.post(
            f"/api/v1/cases/{case_id}/holding-response-draft",
            json={"response": why},
            headers=tenant.headers,
        )
        assert draft.status_code == 200 and draft.json()["ready"] is True, draft.text
        assert why in draft.json()["body"]
        sent = await client.post(
            f"/api/v1/cases/{case_id}/holding-response",
            json={"response": why},
            headers=tenant.headers,
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["deadlines_met"] == ["final_response"]
        found = await deadlines(client, tenant, case_id)
        case = (await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)).json()

    assert datetime.fromisoformat(found["final_response"]["met_at"]) == london(2026, 2, 27, 10)
    assert case["status"] == "investigating"
    assert "fos_referral" not in found  # the six months run from the final response
    letters = [c for c in case["correspondence"] if c["direction"] == "outbound"]
    assert any(why in c["body"] for c in letters)


async def test_a_holding_response_after_the_eighth_week_leaves_the_limit_breached(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    async with tenant_transaction(tenant_id=tenant.id):
        [offer] = [o for o in await offered_templates() if o.kind == "holding_response"]
        await save_template("holding_response", "en", offer.subject, offer.body, actor="test")
    with clock.frozen(london(2026, 3, 3, 9)):
        case_id = await register(client, tenant, london(2026, 1, 5, 9))
        sent = await client.post(
            f"/api/v1/cases/{case_id}/holding-response",
            json={"response": "We expect to answer by 20 March."},
            headers=tenant.headers,
        )
        found = await deadlines(client, tenant, case_id)

    assert sent.status_code == 200 and sent.json()["deadlines_met"] == []
    assert found["final_response"]["met_at"] is None


async def test_a_payment_service_complaint_runs_on_fifteen_business_days(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    body = {
        "subject": "Card payment taken twice",
        "description": "The same payment left my account twice on 2 January.",
        "channel": "phone",
        "received_at": london(2026, 1, 5, 9).isoformat(),
        "fields": {"payment_service": True},
    }
    made = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert made.status_code == 201, made.text

    found = await deadlines(client, tenant, made.json()["id"])

    assert datetime.fromisoformat(found["final_response"]["due_at"]) == end_of(2026, 1, 26)
    assert "15th business day" in found["final_response"]["counting"]
    assert datetime.fromisoformat(found["payment_service_final"]["due_at"]) == end_of(2026, 2, 23)
