"""Deadlines of a case: counted from the policy, stopped while on hold, extended with a reason.

The clock is frozen (``core.clock``): a five-day stop takes five days of the
test's time, not of the suite's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from core import clock
from core.audit.tables import AuditEvent
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import CaseView, DeadlineRule, PluginInfo, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
LONDON = ZoneInfo("Europe/London")
#: Friday before the August bank holiday (Monday 31 August 2026), mid-morning in London.
RECEIVED = datetime(2026, 8, 28, 10, 0, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(datetime(year, month, day).date(), time.max, tzinfo=LONDON)


def as_(tenant: TenantHandle, staff: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **staff.bearer}


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@pytest.fixture
async def london(tenant: TenantHandle, owner: asyncpg.Connection) -> TenantHandle:
    """The tenant, working in Europe/London."""
    await owner.execute("UPDATE tenant SET timezone = 'Europe/London' WHERE id = $1", tenant.id)
    return tenant


@pytest.fixture
def stopped_clock() -> Iterator[None]:
    with clock.frozen(RECEIVED + timedelta(hours=2)):
        yield


async def register(client: Client, tenant: TenantHandle, **body: Any) -> dict[str, Any]:
    body = {
        "subject": "Parcel lost",
        "description": "My parcel never came.",
        "received_at": RECEIVED.isoformat(),
        **body,
    }
    response = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def deadlines(client: Client, tenant: TenantHandle, case_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/cases/{case_id}/deadlines", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_kind(listed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in listed["deadlines"]}


async def act(
    client: Client, tenant: TenantHandle, case_id: str, action: str, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def extend(
    client: Client, headers: dict[str, str], case_id: str, kind: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/cases/{case_id}/deadlines/{kind}/extend", json=body, headers=headers
    )


async def audit_events(tenant: TenantHandle, case_id: str) -> list[dict[str, Any]]:
    async with tenant_transaction(tenant_id=tenant.id):
        rows = await (
            AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.seq)
        )
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]


# -- counting at registration --------------------------------------------------------------


async def test_deadlines_count_business_days_past_the_bank_holiday(client, london):
    case = await register(client, london)

    listed = by_kind(await deadlines(client, london, case["id"]))
    acknowledgement, final = listed["acknowledgement"], listed["final_response"]
    # Tue 1, Wed 2, Thu 3 September: the weekend and Monday 31 August do not count.
    assert when(acknowledgement["due_at"]) == end_of(2026, 9, 3)
    assert when(acknowledgement["due_at"]) == datetime(2026, 9, 3, 22, 59, 59, 999999, tzinfo=UTC)
    assert acknowledgement["counting"] == "3 business days (GB-ENG) after the day of receipt"
    # Eight weeks of calendar days: Friday 23 October, still summer time.
    assert when(final["due_at"]) == datetime(2026, 10, 23, 22, 59, 59, 999999, tzinfo=UTC)
    assert {d["source"] for d in listed.values()} == {"core"}
    assert all(d["met_at"] is None and d["original_due_at"] is None for d in listed.values())
    # The case itself shows the same deadlines.
    shown = {d["kind"]: d["due_at"] for d in case["deadlines"]}
    assert shown == {k: d["due_at"] for k, d in listed.items()}


async def test_the_policy_sets_the_days_and_the_counting(client, london):
    admin = await london.add_staff(roles=("tenant-admin",))
    changed = await client.patch(
        "/api/v1/policy",
        json={"acknowledgement_days": 2, "response_days": 10, "response_counting": "business"},
        headers=as_(london, admin),
    )
    assert changed.status_code == 200, changed.text

    case = await register(client, london)

    listed = by_kind(await deadlines(client, london, case["id"]))
    assert when(listed["acknowledgement"]["due_at"]) == end_of(2026, 9, 2)
    # Ten business days from Friday 28 August, skipping the bank holiday: Monday 14 September.
    assert when(listed["final_response"]["due_at"]) == end_of(2026, 9, 14)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_subdivision": "XYZ"}, "holiday_subdivision"),
        ({"holiday_country": "gb"}, "holiday_country"),
        ({"acknowledgement_counting": "lunar"}, "acknowledgement_counting"),
        ({"response_days": 0}, "response_days"),
    ],
)
async def test_a_policy_that_cannot_count_is_refused(client, tenant, changes, field):
    admin = await tenant.add_staff(roles=("tenant-admin",))
    response = await client.patch("/api/v1/policy", json=changes, headers=as_(tenant, admin))
    assert response.status_code == 400, response.text
    assert field in response.text
    policy = (await client.get("/api/v1/policy", headers=tenant.headers)).json()
    assert (policy["holiday_country"], policy["holiday_subdivision"]) == ("GB", "ENG")
    assert (policy["response_days"], policy["acknowledgement_counting"]) == (56, "business")


# -- met, stopped, resumed -------------------------------------------------------------------


async def test_a_five_day_hold_moves_the_unmet_deadline_by_five_days(client, london, stopped_clock):
    case = await register(client, london)
    before = by_kind(await deadlines(client, london, case["id"]))
    acknowledged_at = clock.now()
    await act(client, london, case["id"], "acknowledge")

    await act(client, london, case["id"], "put_on_hold", reason="Waiting for the courier's file")
    on_hold = by_kind(await deadlines(client, london, case["id"]))
    held_at = clock.now()
    clock.advance(timedelta(days=5))
    await act(client, london, case["id"], "resume")

    listed = await deadlines(client, london, case["id"])
    after = by_kind(listed)
    acknowledgement, final = after["acknowledgement"], after["final_response"]
    assert when(acknowledgement["met_at"]) == acknowledged_at
    assert acknowledgement["due_at"] == before["acknowledgement"]["due_at"]
    assert when(on_hold["final_response"]["paused_since"]) == held_at
    assert on_hold["acknowledgement"]["paused_since"] is None
    assert when(final["due_at"]) == when(before["final_response"]["due_at"]) + timedelta(days=5)
    assert final["original_due_at"] == before["final_response"]["due_at"]
    assert final["paused_since"] is None
    [pause] = listed["pauses"]
    assert pause["reason"] == "Waiting for the courier's file"
    assert when(pause["ended_at"]) - when(pause["started_at"]) == timedelta(days=5)
    assert pause["started_by"] == pause["ended_by"] == f"staff:{london.staff.staff_id}"
    resumed = [e for e in await audit_events(london, case["id"]) if e["action"] == "case.resume"]
    assert resumed[0]["detail"]["clock_stopped_seconds"] == 5 * 24 * 3600


async def test_withdrawal_ends_a_stop_so_a_reopened_case_can_stop_again(
    client, london, stopped_clock
):
    case = await register(client, london)
    await act(client, london, case["id"], "put_on_hold", reason="Awaiting records")
    clock.advance(timedelta(days=2))
    await act(client, london, case["id"], "withdraw", reason="Complainant withdrew")
    await act(client, london, case["id"], "reopen", reason="Complainant came back")
    await act(client, london, case["id"], "put_on_hold", reason="Awaiting records again")

    first, second = (await deadlines(client, london, case["id"]))["pauses"]
    assert when(first["ended_at"]) == clock.now()
    assert second["ended_at"] is None
    assert second["reason"] == "Awaiting records again"


async def test_an_escalation_stops_no_clock(client, london, stopped_clock):
    case = await register(client, london)
    before = by_kind(await deadlines(client, london, case["id"]))
    await act(client, london, case["id"], "escalate", reason="Press enquiry")
    clock.advance(timedelta(days=3))
    await act(client, london, case["id"], "resume")

    listed = await deadlines(client, london, case["id"])
    assert by_kind(listed) == before
    assert listed["pauses"] == []


async def test_responding_meets_the_final_response_deadline(client, london, stopped_clock):
    admin = await london.add_staff(roles=("tenant-admin",))
    await client.patch(
        "/api/v1/policy", json={"approval_required": False}, headers=as_(london, admin)
    )
    case = await register(client, london)
    await act(client, london, case["id"], "start_investigation")
    await act(client, london, case["id"], "propose_decision", outcome="upheld")
    await act(client, london, case["id"], "respond", response="We found the parcel.")

    after = by_kind(await deadlines(client, london, case["id"]))
    assert when(after["final_response"]["met_at"]) == clock.now()
    assert after["acknowledgement"]["met_at"] is None


# -- extensions ------------------------------------------------------------------------------


async def test_a_supervisor_extends_a_deadline_with_a_reason(client, london, stopped_clock):
    case = await register(client, london)
    handler = await london.add_staff(roles=("handler",))
    supervisor = await london.add_staff(roles=("supervisor",))
    due = when(by_kind(await deadlines(client, london, case["id"]))["final_response"]["due_at"])
    later = due + timedelta(days=14)
    body = {"due_at": later.isoformat(), "reason": "Complainant asked for time to send photos"}

    refused = await extend(client, as_(london, handler), case["id"], "final_response", **body)
    granted = await extend(client, as_(london, supervisor), case["id"], "final_response", **body)
    earlier = await extend(
        client,
        as_(london, supervisor),
        case["id"],
        "final_response",
        due_at=(later - timedelta(days=1)).isoformat(),
        reason="Shorter after all",
    )

    assert refused.status_code == 403
    assert granted.status_code == 200, granted.text
    assert earlier.status_code == 400
    assert earlier.json()["extra"][0]["key"] == "due_at"
    final = by_kind(await deadlines(client, london, case["id"]))["final_response"]
    assert when(final["due_at"]) == later
    assert when(final["original_due_at"]) == due
    [extension] = final["extensions"]
    assert extension["reason"] == body["reason"]
    assert extension["granted_by"] == f"staff:{supervisor.staff_id}"
    assert when(extension["granted_at"]) == clock.now()
    assert when(extension["previous_due_at"]) == due
    [event] = [
        e for e in await audit_events(london, case["id"]) if e["action"] == "deadline.extended"
    ]
    assert event["actor"] == f"staff:{supervisor.staff_id}"
    assert event["detail"]["reason"] == body["reason"]
    assert event["detail"]["kind"] == "final_response"


async def test_a_met_deadline_is_not_extended(client, london, stopped_clock):
    case = await register(client, london)
    await act(client, london, case["id"], "acknowledge")
    response = await extend(
        client,
        london.headers,
        case["id"],
        "acknowledgement",
        due_at=(RECEIVED + timedelta(days=30)).isoformat(),
        reason="Too late anyway",
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("kind", "body", "status", "field"),
    [
        ("final_response", {"due_at": "2027-01-01T12:00:00+00:00"}, 400, "reason"),
        ("final_response", {"due_at": "2027-01-01T12:00:00+00:00", "reason": "  "}, 400, "reason"),
        ("final_response", {"due_at": "2027-01-01T12:00:00", "reason": "Why"}, 400, "due_at"),
        ("final_response", {"due_at": "next week", "reason": "Why"}, 400, "due_at"),
        ("final_response", {"due_at": "2037-01-01T12:00:00+00:00", "reason": "Why"}, 400, "due_at"),
        (
            "final_response",
            {"due_at": "2027-01-01T12:00:00Z", "reason": "x", "by": "me"},
            400,
            "by",
        ),
        ("final_response", {"due_at": "2027-01-01T12:00:00Z", "reason": "a\x00b"}, 400, "reason"),
        ("lunch", {"due_at": "2027-01-01T12:00:00+00:00", "reason": "Why"}, 404, None),
    ],
)
async def test_bad_extensions_are_refused_and_write_nothing(
    client, london, stopped_clock, kind, body, status, field
):
    case = await register(client, london)
    before = await deadlines(client, london, case["id"])

    response = await extend(client, london.headers, case["id"], kind, **body)

    assert response.status_code == status, response.text
    if field:
        assert field in response.text
    assert await deadlines(client, london, case["id"]) == before
    actions = [e["action"] for e in await audit_events(london, case["id"])]
    assert "deadline.extended" not in actions


async def test_an_unknown_case_has_no_deadlines(client, tenant):
    missing = f"/api/v1/cases/{uuid.uuid4()}/deadlines"
    assert (await client.get(missing, headers=tenant.headers)).status_code == 404
    body = {"due_at": "2027-01-01T12:00:00+00:00", "reason": "Why"}
    extended = await client.post(
        f"{missing}/final_response/extend", json=body, headers=tenant.headers
    )
    assert extended.status_code == 404


# -- a plugin's own deadline ---------------------------------------------------------------


class RegulatorDeadline:
    """Sets the final response itself, by a rule of its own."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="final response")

    @hookimpl
    def querela_register_deadlines(self, tenant: TenantView, case: CaseView) -> list[DeadlineRule]:
        return [
            DeadlineRule(
                kind="final_response",
                label="Final response (regulator)",
                due_at=case.received_at + timedelta(days=30),
                citation="Regulator rule 1",
                counting="30 days",
            )
        ]


@pytest.fixture
async def regulated(london: TenantHandle) -> AsyncIterator[str]:
    plugin = RegulatorDeadline(f"regulator-{uuid.uuid4().hex[:6]}")
    plugin_host().register(plugin)
    try:
        async with tenant_transaction(tenant_id=london.id):
            await enable_plugin(plugin.PLUGIN_INFO.name, actor="test")
        yield plugin.PLUGIN_INFO.name
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def test_a_plugins_final_response_is_not_duplicated(client, london, regulated):
    case = await register(client, london)

    listed = (await deadlines(client, london, case["id"]))["deadlines"]
    assert sorted(d["kind"] for d in listed) == ["acknowledgement", "final_response"]
    final = by_kind({"deadlines": listed})["final_response"]
    assert final["source"] == regulated
    assert when(final["due_at"]) == RECEIVED + timedelta(days=30)
    assert by_kind({"deadlines": listed})["acknowledgement"]["source"] == "core"
