"""A church's safeguarding concerns, clergy conduct complaints and Vos estis reports, read
back through the public API.

The expected times are the sector rules' worked examples and the plugin's readings,
written out by hand in London time (England's 2026 bank holidays: Good Friday 3
April, Easter Monday 6 April, 4 and 25 May). The last test is the one the issue asks
for: the member of staff a concern is about sees nothing of it, in counts and
search included.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import plugins.religious
from core import clock
from core.plugins.host import plugin_host
from core.plugins.services import configure_plugin, enable_plugin
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle

LONDON = ZoneInfo("Europe/London")


def london(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=LONDON)


@pytest.fixture
def installed() -> Iterator[None]:
    host_ = plugin_host()
    if "religious" in host_.infos:
        yield
        return
    host_.register(plugins.religious)
    try:
        yield
    finally:
        host_.unregister("religious")


async def church(tenant: TenantHandle, **settings: Any) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("religious", actor="test")
        await configure_plugin(
            "religious",
            {"jurisdiction": "england", "denomination": "church-of-england", **settings},
            actor="test",
        )


def on(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {**host(tenant), **person.bearer}


async def concern(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    received_at: datetime,
    subject: str = "A concern raised after the service",
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "subject": subject,
        "description": "Written down as it was said, signed, timed and dated.",
        "channel": "in_person",
        "received_at": received_at.isoformat(),
        "fields": fields,
    }
    with clock.frozen(max(received_at + timedelta(minutes=1), datetime.now(UTC))):
        made = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def deadlines(case: dict[str, Any]) -> dict[str, datetime]:
    return {d["kind"]: datetime.fromisoformat(d["due_at"]) for d in case["deadlines"]}


def flags(case: dict[str, Any]) -> dict[str, str]:
    return {f["code"]: f["urgency"] for f in case["flags"] if f["kind"] == "risk"}


@pytest.mark.parametrize(
    ("received", "fields", "kind", "due"),
    [
        # Thursday 2 April: the next working day is Tuesday 7 April (Good Friday, Easter Monday).
        pytest.param(london(4, 2), {}, "statutory_referral", end_of(date(2026, 4, 7)),
                     id="referral-over-easter"),
        pytest.param(london(4, 2), {}, "dsa_referral", end_of(date(2026, 4, 7)), id="dsa"),
        # A religious community: 24 working hours. Friday 1 May 15:00 -> Tuesday 5 May 15:00
        # (the weekend and the May bank holiday do not count).
        pytest.param(london(5, 1, 15), {"religious_community": True}, "dsa_referral",
                     london(5, 5, 15), id="community-24-working-hours"),
    ],
)  # fmt: skip
async def test_a_safeguarding_concern_is_referred_within_its_working_time(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    received: datetime,
    fields: dict[str, Any],
    kind: str,
    due: datetime,
) -> None:
    await church(tenant)

    made = await concern(client, tenant, received, concern_type="safeguarding", **fields)

    assert deadlines(made)[kind] == due
    assert made["confidentiality"] == "sealed"
    assert made["kept_for_good"] is True  # no period set: a safeguarding record stays


async def test_recording_the_referral_meets_its_deadline(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    made = await concern(client, tenant, london(4, 2), concern_type="safeguarding")

    with clock.frozen(london(4, 3, 9)):
        changed = await client.patch(
            f"/api/v1/cases/{made['id']}",
            json={"version": made["version"], "fields": {"referred_statutory_on": "2026-04-03"}},
            headers=tenant.headers,
        )

    assert changed.status_code == 200, changed.text
    met = {d["kind"]: d["met_at"] for d in changed.json()["deadlines"]}
    assert met["statutory_referral"] is not None
    assert met["dsa_referral"] is None  # told nobody else yet


async def test_immediate_danger_pages_the_lead_with_call_the_police_now(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)

    made = await concern(
        client, tenant, datetime.now(UTC), concern_type="safeguarding", immediate_risk=True
    )

    [page] = [f for f in made["flags"] if f["code"] == "immediate_risk"]
    assert page["urgency"] == "page"
    assert page["message"].startswith("Call the police now (999)")
    notices = await client.get("/api/v1/notifications", headers=tenant.headers)
    assert any(made["reference"] in str(n) for n in notices.json()["items"])


@pytest.mark.parametrize(
    ("received", "fields", "late"),
    [
        # Clergy Discipline Measure 2003 s.9: misconduct 15 March 2025 -> by 14 March 2026.
        pytest.param(london(3, 14), {}, False, id="last-day"),
        pytest.param(london(3, 15), {}, True, id="a-day-late"),
        # Sexual misconduct towards a child is never out of time.
        pytest.param(london(3, 15, year=2031), {"sexual_misconduct_child_or_vulnerable": True},
                     False, id="never-out-of-time"),
    ],
)  # fmt: skip
async def test_a_clergy_conduct_complaint_has_its_year_unless_it_is_sexual_misconduct(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    received: datetime,
    fields: dict[str, Any],
    late: bool,
) -> None:
    await church(tenant)

    made = await concern(
        client,
        tenant,
        received,
        concern_type="clergy_conduct",
        misconduct_date="2025-03-15",
        **fields,
    )

    assert ("out_of_time" in flags(made)) is late


async def test_a_vos_estis_report_runs_on_30_and_90_days_with_status_reports(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant, denomination="catholic")

    made = await concern(client, tenant, london(3, 2), concern_type="vel_report")

    found = deadlines(made)
    assert found["dicastery_instructions"].date() == date(2026, 4, 1)  # 2 March + 30 days
    assert found["vel_investigation"].date() == date(2026, 5, 31)  # + 90 days
    assert made["confidentiality"] == "sealed"
    handling = await client.get(f"/api/v1/cases/{made['id']}/file", headers=tenant.headers)
    titles = [t["title"] for t in handling.json()["tasks"]]
    assert sum("status report" in t for t in titles) == 2  # days 30 and 60


async def test_the_person_a_concern_is_about_sees_nothing_of_it_in_counts_or_search(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    # The accused is a supervisor and a tenant administrator: no role lets it through.
    accused = await tenant.add_staff(("handler", "supervisor", "tenant-admin"))
    colleague = await tenant.add_staff(("handler", "supervisor", "tenant-admin"))
    word = f"vestry{uuid.uuid4().hex[:8]}"

    made = await concern(
        client,
        tenant,
        datetime.now(UTC) - timedelta(minutes=5),
        subject=f"Concern about the {word} incident",
        concern_type="safeguarding",
        immediate_risk=True,
        accused_staff=accused.email,
        diocese="Exeter",
    )
    today = datetime.now(LONDON).date()
    period = {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}

    async def seen_by(person: StaffUser) -> dict[str, Any]:
        headers = on(tenant, person)
        read = await client.get(f"/api/v1/cases/{made['id']}", headers=headers)
        listed = await client.get("/api/v1/cases", params={"limit": 200}, headers=headers)
        searched = await client.get("/api/v1/cases", params={"q": word}, headers=headers)
        kpis = await client.get("/api/v1/kpis", headers=headers)
        overview = await client.get("/api/v1/kpis/overview", headers=headers)
        counts = await client.get("/api/v1/reports/cases", params=period, headers=headers)
        notices = await client.get("/api/v1/notifications", headers=headers)
        for response in (listed, searched, kpis, overview, counts, notices):
            assert response.status_code == 200, response.text
        return {
            "read": read.status_code,
            "listed": made["id"] in {c["id"] for c in listed.json()["items"]},
            "found": [c["id"] for c in searched.json()["items"]],
            "received": kpis.json()["total"]["received"],
            "open": sum(w["open"] for w in overview.json()["workload"]),
            "escalated": overview.json()["escalated"],
            "counted": counts.json()["total"]["count"],
            "paged": any(made["reference"] in str(n) for n in notices.json()["items"]),
        }

    theirs = await seen_by(colleague)
    assert theirs == {
        "read": 200,
        "listed": True,
        "found": [made["id"]],
        "received": 1,
        "open": 1,
        "escalated": 1,  # risk-flagged
        "counted": 1,
        "paged": True,
    }
    assert await seen_by(accused) == {
        "read": 404,
        "listed": False,
        "found": [],
        "received": 0,
        "open": 0,
        "escalated": 0,
        "counted": 0,
        "paged": False,
    }
    # Nor can they give it to themselves.
    taken = await client.post(
        f"/api/v1/cases/{made['id']}/assign",
        json={"staff_email": accused.email},
        headers=on(tenant, colleague),
    )
    assert taken.status_code == 409, taken.text


async def test_the_annual_safeguarding_statistics_count_each_diocese_from_seeded_concerns(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    seeded = [
        # (diocese, victim group, abuse types, referred to the authorities on)
        ("Exeter", "child", ["sexual", "emotional"], "2026-02-03"),  # received 2 Feb: in time
        ("Exeter", "vulnerable_adult", ["financial"], "2026-03-10"),  # received 2 Mar: late
        ("Truro", "adult", [], None),
    ]
    for number, (diocese, group, types, referred) in enumerate(seeded):
        made = await concern(
            client,
            tenant,
            london(number + 2, 2),
            concern_type="safeguarding",
            diocese=diocese,
            victim_group=group,
            **({"abuse_type": types} if types else {}),
        )
        if referred:
            with clock.frozen(london(number + 2, 2) + timedelta(days=40)):
                changed = await client.patch(
                    f"/api/v1/cases/{made['id']}",
                    json={
                        "version": made["version"],
                        "fields": {"referred_statutory_on": referred},
                    },
                    headers=tenant.headers,
                )
            assert changed.status_code == 200, changed.text
    # A complaint and a concern of another year are not counted.
    await concern(client, tenant, london(5, 2), concern_type="complaint", diocese="Exeter")
    await concern(client, tenant, london(5, 2, year=2025), concern_type="safeguarding")

    got = await client.get(
        "/api/v1/reports/safeguarding-statistics",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=tenant.headers,
    )

    assert got.status_code == 200, got.text
    body = got.json()
    rows = {row[1]: dict(zip(body["columns"], row, strict=True)) for row in body["rows"]}
    assert set(rows) == {"Total", "Exeter", "Truro"}
    total, exeter, truro = rows["Total"], rows["Exeter"], rows["Truro"]
    assert (total["concerns"], exeter["concerns"], truro["concerns"]) == (3, 2, 1)
    # Several abuse types: once in the total, once under each type.
    assert (exeter["abuse_sexual"], exeter["abuse_emotional"], exeter["abuse_financial"]) == (
        1,
        1,
        1,
    )
    assert truro["abuse_not_recorded"] == 1
    assert (total["victim_child"], total["victim_vulnerable_adult"], total["victim_adult"]) == (
        1,
        1,
        1,
    )
    assert (exeter["referred_statutory"], truro["referred_statutory"]) == (2, 0)
    # Recorded 40 days later, judged by the day each referral was made: Monday 2 February
    # -> due by the end of 3 February (in time); Monday 2 March -> due 3 March, made 10th.
    assert (exeter["referred_in_time"], exeter["referred_late"]) == (1, 1)
    refused = await client.get(
        "/api/v1/reports/safeguarding-statistics",
        params={"from": "2026-04-01", "to": "2027-03-31"},
        headers=tenant.headers,
    )
    assert refused.status_code == 400, refused.text


async def test_the_public_form_cannot_name_whom_to_keep_off_a_case(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    officer = await tenant.add_staff(("handler",))
    body = {
        "subject": "A concern",
        "description": "Something I saw.",
        "anonymous": True,
        "fields": {"concern_type": "safeguarding"},
    }
    public = {"host": f"{tenant.slug}.localhost"}

    accepted = await client.post("/public/v1/complaints", json=body, headers=public)
    named = await client.post(
        "/public/v1/complaints",
        json={**body, "fields": {**body["fields"], "accused_staff": officer.email}},
        headers=public,
    )
    recorded = await client.post(
        "/public/v1/complaints",
        json={**body, "fields": {**body["fields"], "serious_incident": True}},
        headers=public,
    )

    assert accepted.status_code == 201, accepted.text
    for refused, field in ((named, "accused_staff"), (recorded, "serious_incident")):
        assert refused.status_code == 400, refused.text
        assert refused.json()["extra"][0]["key"] == f"fields.{field}"


async def test_facts_recorded_later_are_acted_on_as_if_known_at_the_start(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    accused = await tenant.add_staff(("handler",))
    made = await concern(
        client, tenant, london(3, 15), concern_type="clergy_conduct", misconduct_date="2025-03-15"
    )
    assert "out_of_time" in flags(made)
    given = await client.post(
        f"/api/v1/cases/{made['id']}/assign",
        json={"staff_email": accused.email},
        headers=tenant.headers,
    )
    assert given.status_code == 200, given.text
    assert (await client.get(f"/api/v1/cases/{made['id']}", headers=on(tenant, accused))).is_success

    # Staff learn whom it is about, that permission to bring it late was granted, and that
    # someone is in danger.
    current = (await client.get(f"/api/v1/cases/{made['id']}", headers=tenant.headers)).json()
    changed = await client.patch(
        f"/api/v1/cases/{made['id']}",
        json={
            "version": current["version"],
            "fields": {
                "accused_staff": accused.email,
                "late_permission": "granted",
                "immediate_risk": True,
            },
        },
        headers=tenant.headers,
    )

    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after["assignee_staff_id"] is None  # taken off the person it is about
    hidden = await client.get(f"/api/v1/cases/{made['id']}", headers=on(tenant, accused))
    assert hidden.status_code == 404
    assert "out_of_time" not in flags(after)  # permission recorded: the notice goes
    assert flags(after).get("immediate_risk") == "page"
    notices = await client.get("/api/v1/notifications", headers=tenant.headers)
    assert any(made["reference"] in str(n) for n in notices.json()["items"])
    assert after["confidentiality"] == "sealed"


async def test_a_concern_goes_to_the_safeguarding_team_or_says_the_team_is_missing(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await church(tenant)
    lead = await tenant.add_staff(("supervisor",))
    worker = await tenant.add_staff(("handler",))
    admin = await tenant.add_staff(("tenant-admin",))

    missing = await concern(client, tenant, london(4, 2), concern_type="safeguarding")
    [notice] = [f for f in missing["flags"] if f["kind"] == "plugin_failure"]
    assert "the team 'Safeguarding'" in notice["message"]
    assert "create the team under Teams" in notice["message"]

    team = await client.post(
        "/api/v1/teams",
        json={"name": "Safeguarding", "members": [worker.email], "supervisors": [lead.email]},
        headers=on(tenant, admin),
    )
    assert team.status_code == 201, team.text
    routed = await concern(client, tenant, london(4, 3), concern_type="safeguarding")

    assert routed["team_id"] == team.json()["id"]
    assert routed["assignee_staff_id"] == str(worker.staff_id)
    assert not [f for f in routed["flags"] if f["kind"] == "plugin_failure"]
