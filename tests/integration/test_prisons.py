"""A correctional agency's grievances carry PREA and the Prisoner Complaints Policy Framework,
read back through the public API.

The expected times are the sector rules' worked examples, written out by hand: the PREA
emergency grievance (initial response in 48 hours, final decision in 5 calendar days,
28 CFR 115.52(f)), the standard PREA grievance (90 days, time preparing an appeal
excluded, no time limit on filing, 115.52(b) and (d)), the refusal to let the staff
member a PREA grievance names handle it (115.52(c)), and the COMP1 reply target.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import plugins.prisons
from core import clock
from core.plugins.host import plugin_host
from core.plugins.services import configure_plugin, enable_plugin
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle

LONDON = ZoneInfo("Europe/London")


def end_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


@pytest.fixture
def installed() -> Iterator[None]:
    host_ = plugin_host()
    if "prisons" in host_.infos:
        yield
        return
    host_.register(plugins.prisons)
    try:
        yield
    finally:
        host_.unregister("prisons")


async def custody(tenant: TenantHandle, jurisdiction: str) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("prisons", actor="test")
        await configure_plugin("prisons", {"jurisdiction": jurisdiction}, actor="test")


async def file(
    client: httpx.AsyncClient, tenant: TenantHandle, received_at: datetime, **fields: Any
) -> dict[str, Any]:
    body = {
        "subject": "Grievance",
        "description": "Entered from the paper form handed in on the unit.",
        "channel": "letter",
        "received_at": received_at.isoformat(),
        "fields": {"inmate_number": "A-12345", "facility": "North", "unit": "B2", **fields},
    }
    with clock.frozen(received_at + timedelta(minutes=1)):
        response = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deadlines(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str
) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/v1/cases/{case_id}/deadlines", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {d["kind"]: d for d in response.json()["deadlines"]}


def due(found: dict[str, dict[str, Any]], kind: str) -> datetime:
    return datetime.fromisoformat(found[kind]["due_at"])


def flags(case: dict[str, Any]) -> dict[str, str]:
    return {f["code"]: f["urgency"] for f in case["flags"] if f["kind"] == "risk"}


def on(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {**host(tenant), **person.bearer}


async def test_an_emergency_prea_grievance_answers_in_48_hours_and_decides_in_5_days(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "us")
    zone = ZoneInfo(tenant.info.timezone)
    received = datetime(2026, 3, 6, 14, tzinfo=zone)

    case = await file(client, tenant, received, prea=True, emergency=True)
    found = await deadlines(client, tenant, case["id"])

    assert due(found, "initial_response") == received + timedelta(hours=48)
    assert due(found, "final_response") == end_of(date(2026, 3, 11), zone)
    assert flags(case).get("prea_emergency") == "page"
    assert case["confidentiality"] == "sealed"


async def test_a_prea_grievance_has_90_days_with_appeal_preparation_left_out(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "us")
    zone = ZoneInfo(tenant.info.timezone)

    # An incident years back: PREA sets no time limit on filing.
    case = await file(
        client, tenant, datetime(2026, 1, 15, 9, tzinfo=zone), prea=True, incident_date="2019-06-01"
    )
    assert due(await deadlines(client, tenant, case["id"]), "final_response") == end_of(
        date(2026, 4, 15), zone
    )
    assert "late_filing" not in flags(case)

    # Ten days preparing an administrative appeal do not count (115.52(d)(1)).
    for at, action, body in (
        (datetime(2026, 2, 1, 9, tzinfo=UTC), "acknowledge", {}),
        (datetime(2026, 2, 1, 10, tzinfo=UTC), "put_on_hold", {"reason": "Preparing an appeal"}),
        (datetime(2026, 2, 11, 10, tzinfo=UTC), "resume", {}),
    ):
        with clock.frozen(at):
            done = await client.post(
                f"/api/v1/cases/{case['id']}/actions/{action}", json=body, headers=tenant.headers
            )
        assert done.status_code == 200, (action, done.text)

    assert due(await deadlines(client, tenant, case["id"]), "final_response") == end_of(
        date(2026, 4, 25), zone
    )


async def test_a_prea_grievance_never_reaches_the_officer_it_names(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "us")
    # The officer is a supervisor: not even the supervisor chain lets the case reach them.
    officer = await tenant.add_staff(("handler", "supervisor"))
    colleague = await tenant.add_staff(("handler",))

    case = await file(
        client, tenant, datetime(2026, 3, 2, 9, tzinfo=UTC), prea=True, staff_named=officer.email
    )

    # Routing gave it to someone else, or left it for a supervisor to give; never the officer.
    assert case["assignee_staff_id"] in (None, str(colleague.staff_id))
    holder = on(tenant, colleague) if case["assignee_staff_id"] else tenant.headers
    refused = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"staff_email": officer.email},
        headers=holder,
    )
    assert refused.status_code == 409, refused.text
    assert "115.52" in refused.json()["detail"]
    hidden = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, officer))
    assert hidden.status_code == 404
    listed = await client.get("/api/v1/cases", params={"limit": 200}, headers=on(tenant, officer))
    assert case["id"] not in {item["id"] for item in listed.json()["items"]}
    glass = await client.post(
        f"/api/v1/cases/{case['id']}/break-glass",
        json={"reason": "I am the duty supervisor tonight."},
        headers=on(tenant, officer),
    )
    assert glass.status_code in (403, 404), glass.text
    # Anyone else may be given it.
    given = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"staff_email": colleague.email},
        headers=holder,
    )
    assert given.status_code == 200, given.text
    assert flags(case).get("retaliation_watch") == "notice"
    # The checks of 28 CFR 115.67(c) are on the case's tasks: 2 March + 30, 60 and 90 days.
    handling = await client.get(f"/api/v1/cases/{case['id']}/file", headers=on(tenant, colleague))
    assert handling.status_code == 200, handling.text
    tasks = handling.json()["tasks"]
    assert [t["due_at"][:10] for t in tasks] == ["2026-04-01", "2026-05-01", "2026-05-31"]
    assert {t["created_by"] for t in tasks} == {"plugin:prisons"}


async def test_a_third_party_filing_asks_for_the_victims_agreement(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "us")

    unknown = await file(
        client, tenant, datetime(2026, 3, 2, 9, tzinfo=UTC), prea=True, filed_by="family"
    )
    agreed = await file(
        client,
        tenant,
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        prea=True,
        filed_by="family",
        victim_agrees=True,
    )

    assert "victim_agreement_missing" in flags(unknown)
    assert "victim_agreement_missing" not in flags(agreed)


async def test_a_comp1_is_answered_in_5_working_days(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "england-wales")

    # Thursday 2 April 2026: Good Friday and Easter Monday are not working days.
    case = await file(client, tenant, datetime(2026, 4, 2, 10, tzinfo=LONDON), form="comp1")
    confidential = await file(client, tenant, datetime(2026, 4, 2, 10, tzinfo=LONDON), form="comp2")

    assert due(await deadlines(client, tenant, case["id"]), "final_response") == end_of(
        date(2026, 4, 13), LONDON
    )
    assert case["confidentiality"] == "standard"
    assert confidential["confidentiality"] == "restricted"
    # Without a final reply in 6 weeks the prisoner may go to the Ombudsman: to 14 May.
    found = await deadlines(client, tenant, case["id"])
    assert due(found, "ombudsman_without_reply") == end_of(date(2026, 5, 14), LONDON)
    assert found["ombudsman_without_reply"]["watched"] is False


async def test_an_emergency_naming_a_supervisor_pages_the_others_and_never_them(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await custody(tenant, "us")
    officer = await tenant.add_staff(("handler", "supervisor"))
    duty = await tenant.add_staff(("supervisor",))

    case = await file(
        client,
        tenant,
        datetime(2026, 3, 6, 14, tzinfo=UTC),
        prea=True,
        emergency=True,
        staff_named=officer.email,
    )

    def pages(notices: httpx.Response) -> list[dict[str, Any]]:
        assert notices.status_code == 200, notices.text
        return [n for n in notices.json()["items"] if case["reference"] in str(n)]

    assert pages(await client.get("/api/v1/notifications", headers=on(tenant, duty)))
    assert pages(await client.get("/api/v1/notifications", headers=on(tenant, officer))) == []
