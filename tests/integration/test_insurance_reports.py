"""The insurance plugin's other reports through the API: the consolidated return of 2027,
the periods it refuses, and a US insurer's complaint register."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from core import clock
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_insurance_deadlines import installed, insure, london
from tests.integration.test_insurance_windows import use_plugin_letters

__all__ = ["installed"]  # the fixture, used by name below


async def complaint(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    received_at: Any,
    fields: dict[str, Any],
    *,
    answered: tuple[Any, str, StaffUser] | None = None,
) -> str:
    """A complaint registered at ``received_at`` with ``fields``; answered if ``answered``
    gives (when, outcome, reviewer)."""
    with clock.frozen(answered[0] if answered else received_at + timedelta(minutes=5)):
        made = await client.post(
            "/api/v1/cases",
            json={
                "subject": "Claim refused",
                "description": "My claim was refused.",
                "channel": "letter",
                "received_at": received_at.isoformat(),
                "fields": fields,
            },
            headers=host(tenant),
        )
        assert made.status_code == 201, made.text
        case_id: str = made.json()["id"]
        if answered is None:
            return case_id
        _, outcome, reviewer = answered
        for action, body, who in (
            ("acknowledge", {}, tenant.staff),
            ("start_investigation", {}, tenant.staff),
            ("propose_decision", {"outcome": outcome}, tenant.staff),
            ("approve_decision", {}, reviewer),
            ("respond", {"response": "We have decided."}, tenant.staff),
        ):
            done = await client.post(
                f"/api/v1/cases/{case_id}/actions/{action}",
                json=body,
                headers={**host(tenant), **who.bearer},
            )
            assert done.status_code == 200, (action, done.text)
    return case_id


async def report(
    client: httpx.AsyncClient, tenant: TenantHandle, code: str, first: str, last: str
) -> httpx.Response:
    return await client.get(
        f"/api/v1/reports/{code}", params={"from": first, "to": last}, headers=tenant.headers
    )


async def test_from_2027_the_return_is_the_consolidated_one_with_the_vulnerability_points(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    await use_plugin_letters(tenant)
    reviewer = await tenant.add_staff(("supervisor",))
    product = {"product": "insurance_pure_protection", "cause": "terms_disputed_sums"}
    await complaint(
        client, tenant, london(2027, 1, 11, 10), {**product, "customer_vulnerable": True}
    )
    await complaint(
        client,
        tenant,
        london(2027, 2, 1, 10),
        {**product, "customer_vulnerable": True, "vulnerability_failure": True},
        answered=(london(2027, 3, 1, 12), "upheld", reviewer),
    )
    await complaint(
        client,
        tenant,
        london(2027, 2, 2, 10),
        {**product, "vulnerability_failure": True},
        answered=(london(2027, 2, 3, 12), "not_upheld", reviewer),
    )
    await complaint(client, tenant, london(2027, 7, 1, 10), product)  # the next period

    got = await report(client, tenant, "disp-1.10-return", "2027-01-01", "2027-06-30")

    assert got.status_code == 200, got.text
    body = got.json()
    assert body["columns"][-2:] == ["customer_vulnerable", "vulnerability_failure"]
    total = dict(
        zip(body["columns"], next(r for r in body["rows"] if r[0] == "total"), strict=True)
    )
    assert (total["opened"], total["customer_vulnerable"], total["vulnerability_failure"]) == (
        3,
        2,
        1,  # closed, upheld and caused by the failure; the one not upheld found no failure
    )
    assert (total["closed_within_3_business_days"], total["closed_within_8_weeks"]) == (1, 1)
    assert any("PS25/19" in line for line in [body["title"], *body["notes"]])


async def test_a_2027_period_that_is_not_a_half_year_is_refused_with_the_reason(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")

    got = await report(client, tenant, "disp-1.10-return", "2027-01-01", "2027-03-31")
    backwards = await report(client, tenant, "disp-1.10-return", "2027-06-30", "2027-01-01")
    unknown = await report(client, tenant, "no-such-return", "2026-01-01", "2026-06-30")

    assert got.status_code == 400 and "fixed half years" in got.text, got.text
    assert backwards.status_code == 400 and "from" in backwards.text
    assert unknown.status_code == 404


async def test_a_us_insurer_keeps_the_connecticut_complaint_register(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="us")
    reviewer = await tenant.add_staff(("supervisor",))
    claim = {"function": "claims", "reason": "claims.denial", "line_of_insurance": "auto"}
    first = await complaint(
        client,
        tenant,
        london(2026, 3, 2, 10),
        {**claim, "from_department": True, "state_of_origin": "CT"},
        answered=(london(2026, 3, 20, 10), "not_upheld", reviewer),
    )
    second = await complaint(
        client,
        tenant,
        london(2026, 3, 5, 10),
        {"function": "underwriting", "state_of_origin": "Connecticut"},
    )
    listed = await client.get("/api/v1/reports", headers=tenant.headers)

    got = await report(client, tenant, "us-complaint-register", "2026-01-01", "2026-12-31")
    uk_return = await report(client, tenant, "disp-1.10-return", "2026-01-01", "2026-06-30")

    assert got.status_code == 200, got.text
    body = got.json()
    rows = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    references = {
        case_id: (await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)).json()[
            "reference"
        ]
        for case_id in (first, second)
    }
    assert [r["reference"] for r in rows] == [references[first], references[second]]
    assert rows[0] | {"reference": ""} == {
        "reference": "",
        "date_received": "2026-03-02",
        "date_closed": "2026-03-20",
        "function": "Claims",
        "reason": "Denial of claim",
        "line_of_insurance": "Private passenger automobile",
        "disposition": "Company position upheld",
        "from_department": "yes",
        "state_of_origin": "CT",
    }
    assert (rows[1]["date_closed"], rows[1]["from_department"]) == ("", "no")
    assert any(references[second] in note for note in body["notes"])  # not a state code
    assert {r["code"] for r in listed.json()} == {"cases", "us-complaint-register"}
    assert uk_return.status_code == 404
