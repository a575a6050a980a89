"""A health provider's cases carry the NHS or Medicare rules, read back through the public API.

The expected dates are the sector rules' worked examples, written out by hand: the NHS
acknowledgement (3 working days), response (6 months) and 12-month limit (SI 2009/309),
the Medicare grievance (30 days, extended by 14; 24 hours when expedited; 60 days to
file; 42 CFR 422.564) and the HIPAA accounting of disclosures (60 days, extended by 30;
45 CFR 164.528).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import plugins.healthcare
from core import clock
from core.audit.tables import AuditEvent
from core.letters.services import offered_templates, save_template
from core.plugins.host import plugin_host
from core.plugins.services import configure_plugin, enable_plugin
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def end_of(day: date, zone: tzinfo = LONDON) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


@pytest.fixture
def installed() -> Iterator[None]:
    """The healthcare plugin installed in the process's host, as its entry point does."""
    host_ = plugin_host()
    if "healthcare" in host_.infos:
        yield
        return
    host_.register(plugins.healthcare)
    try:
        yield
    finally:
        host_.unregister("healthcare")


async def care(tenant: TenantHandle, **settings: Any) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("healthcare", actor="test")
        await configure_plugin("healthcare", settings, actor="test")


async def register(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    received_at: datetime,
    channel: str = "letter",
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "subject": "Discharged without my medication",
        "description": "I was sent home on Friday without the tablets I need.",
        "channel": channel,
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        "received_at": received_at.isoformat(),
        "fields": fields,
    }
    with clock.frozen(max(received_at + timedelta(minutes=1), datetime(2026, 1, 1, tzinfo=UTC))):
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


# -- England ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "acknowledge_by", "respond_by"),
    [
        # Thursday before Easter: Good Friday and Easter Monday are not working days.
        pytest.param(london(2026, 4, 2), date(2026, 4, 9), date(2026, 10, 1), id="easter"),
        # Six months beginning on the day of receipt end the day before the date six months on.
        pytest.param(london(2026, 1, 5), date(2026, 1, 8), date(2026, 7, 4), id="six-months"),
    ],
)
async def test_an_nhs_complaint_is_acknowledged_in_3_working_days_and_answered_in_6_months(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    received: datetime,
    acknowledge_by: date,
    respond_by: date,
) -> None:
    await care(tenant, jurisdiction="england")

    case = await register(client, tenant, received)
    found = await deadlines(client, tenant, case["id"])

    assert due(found, "acknowledgement") == end_of(acknowledge_by)
    assert due(found, "final_response") == end_of(respond_by)
    assert found["final_response"]["source"] == "healthcare"
    assert "14" in found["final_response"]["citation"]
    # Health information: every case at least restricted, so every read is audited.
    assert case["confidentiality"] == "restricted"


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param(london(2026, 6, 1), False, id="on-the-limit"),
        pytest.param(london(2026, 6, 15), True, id="worked-example-late"),
    ],
)
async def test_a_complaint_after_12_months_from_awareness_asks_for_a_recorded_decision(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: None,
    received: datetime,
    late: bool,
) -> None:
    await care(tenant, jurisdiction="england")

    case = await register(
        client, tenant, received, event_date="2025-03-10", aware_date="2025-06-01"
    )

    assert ("late_complaint" in flags(case)) is late
    if late:
        refused = await client.patch(
            f"/api/v1/cases/{case['id']}",
            json={"version": case["version"], "fields": {"late_decision": "maybe"}},
            headers=tenant.headers,
        )
        assert refused.status_code == 400
        recorded = await client.patch(
            f"/api/v1/cases/{case['id']}",
            json={
                "version": case["version"],
                "fields": {
                    "late_decision": "accepted",
                    "late_decision_reason": "Still possible to investigate effectively.",
                },
            },
            headers=tenant.headers,
        )
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["fields"]["late_decision"] == "accepted"


async def test_an_oral_complaint_resolved_by_the_next_working_day_is_not_chased(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="england")

    case = await register(
        client, tenant, london(2026, 1, 5), channel="phone", resolved_next_working_day=True
    )
    found = await deadlines(client, tenant, case["id"])
    written = await register(client, tenant, london(2026, 1, 5), resolved_next_working_day=True)

    assert found["acknowledgement"]["watched"] is False
    assert found["final_response"]["watched"] is False
    # Only an oral complaint is outside the regulations; a letter is not.
    assert (await deadlines(client, tenant, written["id"]))["final_response"]["watched"] is True


async def test_an_nhs_response_names_the_ombudsman_before_it_goes(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="england")
    case = await register(client, tenant, london(2026, 1, 5))

    draft = await client.post(
        f"/api/v1/cases/{case['id']}/response-draft",
        json={"response": "We found that the discharge was rushed."},
        headers=tenant.headers,
    )

    # No approved decision yet: the draft is refused for that, not for its wording.
    assert draft.status_code == 409
    approved = await approve(client, tenant, case["id"], "upheld")
    bare = await client.post(
        f"/api/v1/cases/{approved}/actions/respond",
        json={"response": "We found that the discharge was rushed."},
        headers=tenant.headers,
    )
    assert bare.status_code == 400 and "Parliamentary and Health Service Ombudsman" in bare.text


async def approve(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str, outcome: str
) -> str:
    reviewer = await tenant.add_staff(("supervisor",))
    for action, body, who in (
        ("acknowledge", {}, tenant.staff),
        ("start_investigation", {}, tenant.staff),
        ("propose_decision", {"outcome": outcome}, tenant.staff),
        ("approve_decision", {}, reviewer),
    ):
        done = await client.post(
            f"/api/v1/cases/{case_id}/actions/{action}",
            json=body,
            headers={**host(tenant), **who.bearer},
        )
        assert done.status_code == 200, (action, done.text)
    return case_id


# -- US: Medicare and HIPAA -----------------------------------------------------------------


async def extend(
    client: httpx.AsyncClient, tenant: TenantHandle, case_id: str, to: datetime
) -> httpx.Response:
    return await client.post(
        f"/api/v1/cases/{case_id}/deadlines/final_response/extend",
        json={"due_at": to.isoformat(), "reason": "Written notice sent: records requested."},
        headers=tenant.headers,
    )


async def test_a_medicare_grievance_is_decided_in_30_days_and_extended_by_14(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us", plan_type="medicare_advantage")
    zone = ZoneInfo(tenant.info.timezone)

    case = await register(
        client, tenant, datetime(2026, 3, 6, 9, tzinfo=zone), event_date="2026-01-10"
    )
    found = await deadlines(client, tenant, case["id"])
    assert due(found, "final_response") == end_of(date(2026, 4, 5), zone)
    assert "late_grievance" not in flags(case)  # filed within 60 days of 10 January

    with clock.frozen(datetime(2026, 3, 20, tzinfo=UTC)):
        # 14 days at most (422.564(e)(2)): not to 20 April.
        too_far = await extend(client, tenant, case["id"], end_of(date(2026, 4, 20), zone))
        extended = await extend(client, tenant, case["id"], end_of(date(2026, 4, 19), zone))
    assert too_far.status_code == 400, too_far.text
    assert "more than 14 days" in too_far.json()["extra"][0]["message"]
    assert extended.status_code == 200, extended.text
    assert due(await deadlines(client, tenant, case["id"]), "final_response") == end_of(
        date(2026, 4, 19), zone
    )


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param(date(2026, 3, 11), False, id="day-60"),
        pytest.param(date(2026, 3, 12), True, id="day-61"),
    ],
)
async def test_a_grievance_filed_more_than_60_days_after_the_event_is_flagged(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None, received: date, late: bool
) -> None:
    await care(tenant, jurisdiction="us")

    case = await register(
        client, tenant, datetime.combine(received, time(12), UTC), event_date="2026-01-10"
    )

    assert ("late_grievance" in flags(case)) is late


async def test_an_expedited_grievance_is_due_in_24_hours_and_pages_a_supervisor(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us", plan_type="medicare_advantage")
    received = datetime(2026, 3, 6, 14, tzinfo=UTC)

    case = await register(client, tenant, received, expedited=True)
    found = await deadlines(client, tenant, case["id"])

    assert due(found, "final_response") == datetime(2026, 3, 7, 14, tzinfo=UTC)
    assert flags(case).get("expedited_grievance") == "page"
    notices = await client.get("/api/v1/notifications", headers=tenant.headers)
    assert any(case["reference"] in n["body"] for n in notices.json()["items"])


async def test_a_part_d_grievance_about_a_drug_already_obtained_is_not_expedited(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us", plan_type="part_d")
    received = datetime(2026, 3, 6, 14, tzinfo=UTC)

    case = await register(client, tenant, received, expedited=True, drug_obtained=True)
    found = await deadlines(client, tenant, case["id"])

    assert due(found, "final_response") > received + timedelta(days=29)
    assert flags(case).get("not_expedited_drug_obtained") == "notice"
    assert "expedited_grievance" not in flags(case)


async def test_a_hipaa_accounting_request_is_answered_in_60_days_and_extended_by_30(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us")

    case = await register(
        client,
        tenant,
        datetime(2026, 2, 2, 9, tzinfo=UTC),
        request_type="accounting_of_disclosures",
    )
    found = await deadlines(client, tenant, case["id"])

    assert due(found, "final_response") == end_of(date(2026, 4, 3), UTC)
    assert "164.528" in found["final_response"]["citation"]
    with clock.frozen(datetime(2026, 3, 20, tzinfo=UTC)):
        extended = await extend(client, tenant, case["id"], end_of(date(2026, 5, 3), UTC))
        again = await extend(client, tenant, case["id"], end_of(date(2026, 5, 4), UTC))
    assert extended.status_code == 200, extended.text
    # One extension only (164.528(c)(2)).
    assert again.status_code == 409, again.text
    assert "extended once" in again.json()["detail"]


async def test_a_quality_of_care_answer_states_the_right_to_go_to_the_qio(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us")
    case = await register(client, tenant, datetime(2026, 3, 6, 9, tzinfo=UTC))
    version = case["version"]
    typed = await client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": version, "fields": {"grievance_type": "quality_of_care"}},
        headers=tenant.headers,
    )
    assert typed.status_code == 200, typed.text
    await approve(client, tenant, case["id"], "not_upheld")

    bare = await client.post(
        f"/api/v1/cases/{case['id']}/actions/respond",
        json={"response": "The care given met the standard."},
        headers=tenant.headers,
    )

    assert bare.status_code == 400 and "Quality Improvement Organization" in bare.text


# -- reports ---------------------------------------------------------------------------------


async def answer(client: httpx.AsyncClient, tenant: TenantHandle, case_id: str) -> None:
    response = await client.post(
        f"/api/v1/cases/{case_id}/actions/respond",
        json={"response": "We have looked into what happened."},
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text


async def use_plugin_letters(tenant: TenantHandle) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        for offer in await offered_templates():
            await save_template(offer.kind, offer.language, offer.subject, offer.body, actor="t")


async def test_the_annual_report_counts_received_well_founded_and_referred_by_subject(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="england")
    await use_plugin_letters(tenant)
    made = []
    for outcome, subjects, referred in (
        ("upheld", ["communications", "waiting_times"], True),
        ("not_upheld", ["communications"], False),
        (None, ["clinical_treatment"], False),
    ):
        case = await register(client, tenant, london(2026, 2, 2))
        patched = await client.patch(
            f"/api/v1/cases/{case['id']}",
            json={
                "version": case["version"],
                "fields": {"subjects": subjects, "referred_to_ombudsman": referred},
            },
            headers=tenant.headers,
        )
        assert patched.status_code == 200, patched.text
        if outcome:
            with clock.frozen(london(2026, 3, 2)):
                await approve(client, tenant, case["id"], outcome)
                await answer(client, tenant, case["id"])
        made.append(case)

    got = await client.get(
        "/api/v1/reports/annual-complaints-report",
        params={"from": "2025-04-01", "to": "2026-03-31"},
        headers=tenant.headers,
    )

    assert got.status_code == 200, got.text
    body = got.json()
    rows = {(r[0], r[1]): dict(zip(body["columns"][3:], r[3:], strict=True)) for r in body["rows"]}
    assert rows[("total", "total")] == {
        "received": 3,
        "decided": 2,
        "well_founded": 1,
        "referred_to_ombudsman": 1,
    }
    # One complaint, two aspects: counted under each.
    assert rows[("subject", "communications")]["received"] == 2
    assert rows[("subject", "waiting_times")]["well_founded"] == 1
    assert rows[("subject", "clinical_treatment")] == {
        "received": 1,
        "decided": 0,
        "well_founded": 0,
        "referred_to_ombudsman": 0,
    }


async def test_the_medicare_grievance_log_lists_each_level_with_its_review_and_resolution(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="us", plan_type="medicare_advantage")
    await use_plugin_letters(tenant)
    first = await register(client, tenant, datetime(2026, 3, 6, 14, tzinfo=UTC), expedited=True)
    second = await register(client, tenant, datetime(2026, 3, 9, 9, tzinfo=UTC))
    typed = await client.patch(
        f"/api/v1/cases/{second['id']}",
        json={"version": second["version"], "fields": {"grievance_type": "access"}},
        headers=tenant.headers,
    )
    assert typed.status_code == 200, typed.text
    with clock.frozen(datetime(2026, 3, 7, 10, tzinfo=UTC)):
        await approve(client, tenant, first["id"], "partly_upheld")
        await answer(client, tenant, first["id"])
    # The member appeals; a supervisor decides the appeal on 20 March, sent on 23 March.
    supervisor = tenant.headers  # the handler is a supervisor too
    for when, action, body in (
        (datetime(2026, 3, 12, 9, tzinfo=UTC), "open_appeal", {"reason": "Not enough"}),
        (datetime(2026, 3, 13, 9, tzinfo=UTC), "start_appeal_review", {}),
        (datetime(2026, 3, 19, 9, tzinfo=UTC), "propose_decision", {"outcome": "upheld"}),
    ):
        with clock.frozen(when):
            done = await client.post(
                f"/api/v1/cases/{first['id']}/actions/{action}", json=body, headers=supervisor
            )
        assert done.status_code == 200, (action, done.text)
    chief = await tenant.add_staff(("supervisor",))
    with clock.frozen(datetime(2026, 3, 20, 15, tzinfo=UTC)):
        done = await client.post(
            f"/api/v1/cases/{first['id']}/actions/approve_decision",
            json={},
            headers={**host(tenant), **chief.bearer},
        )
        assert done.status_code == 200, done.text
    with clock.frozen(datetime(2026, 3, 23, 15, tzinfo=UTC)):
        done = await client.post(
            f"/api/v1/cases/{first['id']}/actions/respond",
            json={"response": "On appeal we uphold your grievance."},
            headers=supervisor,
        )
        assert done.status_code == 200, done.text
    accounting = await register(
        client,
        tenant,
        datetime(2026, 3, 10, 9, tzinfo=UTC),
        request_type="accounting_of_disclosures",
    )

    got = await client.get(
        "/api/v1/reports/medicare-grievance-log",
        params={"from": "2026-03-01", "to": "2026-03-31"},
        headers=tenant.headers,
    )

    assert got.status_code == 200, got.text
    body = got.json()
    rows = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    assert [r["reference"] for r in rows] == [first["reference"]] * 2 + [second["reference"]]
    assert accounting["reference"] not in {r["reference"] for r in rows}
    assert {r["member"] for r in rows} == {"Ada Example"}  # 42 CFR 438.416(b)(6)
    levels = [
        (r["level"], r["level_opened"], r["date_reviewed"], r["resolution"], r["date_resolved"])
        for r in rows
    ]
    assert levels[0] == ("Grievance", "2026-03-06", "2026-03-07", "Partly upheld", "2026-03-07")
    assert levels[1][1:] == ("2026-03-12", "2026-03-20", "Upheld", "2026-03-23")
    assert levels[1][0] and levels[1][0] != "Grievance"  # the appeal level's name
    assert levels[2] == ("Grievance", "2026-03-09", "", "", "")
    assert (rows[0]["expedited"], rows[2]["expedited"]) == ("yes", "no")
    assert rows[2]["grievance_type"] and rows[2]["grievance_type"] != "access"  # its label
    # Every case is restricted: each name the log shows is an audited read of that case.
    async with tenant_transaction(tenant_id=tenant.id):
        reads = await AuditEvent.select(AuditEvent.case_id, AuditEvent.detail).where(
            AuditEvent.action == "case.read"
        )
    named = sorted(
        str(r["case_id"])
        for r in reads
        if json.loads(r["detail"])["part"] == "complainant name, report medicare-grievance-log"
    )
    assert named == sorted([first["id"], second["id"], accounting["id"]])
