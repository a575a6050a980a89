"""The supervisor's pages: deadlines at risk, escalations and workload; KPIs of staff and
teams; quality review of closed cases, and the handler's own reviews. Confidential cases
stay out of lists and counts, hostile text is escaped, and every page is translated."""

from __future__ import annotations

import html
import json
import re
import statistics
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.cases.tables import Case, CaseFlag, Deadline
from core.ids import uuid7
from core.lifecycle.tables import CaseDecision, CaseSurvey
from core.notify.tables import Notification
from core.quality.tables import QualityReview
from core.tenancy.context import tenant_transaction
from frontend.i18n import TEXTS as SUPERVISOR_MESSAGES
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CRITERIA = (
    "acknowledged_on_time",
    "investigation_thorough",
    "decision_reasoned",
    "response_clear",
    "deadlines_kept",
    "record_keeping",
)


async def register(client: Client, tenant: TenantHandle, **changes: Any) -> dict[str, Any]:
    body = {
        "subject": "Claim payment delayed",
        "description": "I sent my claim in October and have heard nothing.",
        "channel": "letter",
        **changes,
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def change(tenant: TenantHandle, case: dict[str, Any], **values: Any) -> None:
    """Set columns of a case directly, as a test's setup."""
    async with tenant_transaction(slug=tenant.slug):
        await Case.update({getattr(Case, k): v for k, v in values.items()}).where(
            Case.id == case["id"]
        )


async def deadline(
    tenant: TenantHandle,
    case: dict[str, Any],
    kind: str,
    due_at: datetime,
    met_at: datetime | None = None,
) -> None:
    """Set one deadline of the case directly."""
    async with tenant_transaction(slug=tenant.slug):
        await Deadline.update({Deadline.due_at: due_at, Deadline.met_at: met_at}).where(
            (Deadline.case_id == case["id"]) & (Deadline.kind == kind)
        )


def cell_row(response: httpx.Response, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell reads ``first_cell``, as text."""
    for row in re.findall(r"<tr>(.*?)</tr>", response.text, re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row for {first_cell!r}")


async def api(client: Client, tenant: TenantHandle, staff: StaffUser, path: str) -> Any:
    response = await client.get(path, headers={"host": f"{tenant.slug}.localhost", **staff.bearer})
    assert response.status_code == 200, response.text
    return response.json()


# -- who may use the pages --------------------------------------------------------------------


async def test_a_handler_without_the_supervisor_role_is_refused(
    client: Client, tenant: TenantHandle
):
    handler = await tenant.add_staff(("handler",))
    browser = await browser_of(client, tenant, handler)
    some_review = uuid7()

    for path in (
        "/staff/supervision",
        "/staff/supervision/kpis",
        "/staff/supervision/quality",
        f"/staff/supervision/quality/{some_review}",
    ):
        response = await browser.get(path)
        assert response.status_code == 403, path
        assert "supervisor" in response.text
    drawn = await browser.post("/staff/supervision/quality/sample", {"size": "5"})
    saved = await browser.post(f"/staff/supervision/quality/{some_review}", {"final": "1"})
    own = await browser.get("/staff/reviews")
    headers = {"host": f"{tenant.slug}.localhost", **handler.bearer}
    kpis = await client.get("/api/v1/kpis", headers=headers)
    samples = await client.post("/api/v1/quality/samples", json={}, headers=headers)

    assert drawn.status_code == saved.status_code == 403
    assert kpis.status_code == samples.status_code == 403
    assert own.status_code == 200  # a handler reads the reviews of their own cases
    async with tenant_transaction(slug=tenant.slug):
        assert await QualityReview.count() == 0


# -- the overview -----------------------------------------------------------------------------


async def test_breaches_and_near_breaches_are_listed_and_a_hidden_case_counts_nowhere(
    client: Client, tenant: TenantHandle
):
    watcher = await tenant.add_staff(("supervisor",))
    colleague = await tenant.add_staff(("handler",))
    browser = await browser_of(client, tenant, watcher)
    now = datetime.now(UTC)
    late = await register(client, tenant, subject="Late acknowledgement")
    soon = await register(client, tenant, subject="Soon due answer")
    calm = await register(client, tenant, subject="Calm case")
    hidden = await register(client, tenant, subject="Sealed late matter")
    for case in (late, soon, calm, hidden):
        await change(tenant, case, assignee_staff_id=colleague.staff_id)
        await deadline(tenant, case, "acknowledgement", now + timedelta(days=20), now)
        await deadline(tenant, case, "final_response", now + timedelta(days=30))
    await deadline(tenant, late, "acknowledgement", now - timedelta(hours=5))
    await deadline(tenant, soon, "final_response", now + timedelta(hours=20))
    await deadline(tenant, hidden, "acknowledgement", now - timedelta(hours=3))
    await change(tenant, hidden, confidentiality="sealed")

    response = await browser.get("/staff/supervision")
    data = await api(client, tenant, watcher, "/api/v1/kpis/overview")

    assert response.status_code == 200, response.text
    text = response.text
    assert "Open cases with a breached deadline: 1. With a deadline due soon: 1." in text
    late_row = cell_row(response, late["reference"])
    assert late_row[1:3] == ["Late acknowledgement", "Acknowledgement"]
    assert late_row[4:] == ["Breached", f"Test {colleague.email.split('@')[0]}"]
    assert cell_row(response, soon["reference"])[2:5:2] == ["Final response", "Due soon"]
    assert f'href="/staff/cases/{late["reference"]}"' in text
    assert calm["reference"] not in text
    assert hidden["reference"] not in text and "Sealed late matter" not in text
    assert (data["breached"], data["due_soon"]) == (1, 1)
    assert [d["reference"] for d in data["deadlines"]] == [late["reference"], soon["reference"]]
    # The colleague has four open cases; the supervisor may see three of them.
    name = f"Test {colleague.email.split('@')[0]}"
    assert cell_row(response, name)[1:4] == ["3", "1", "1"]


async def test_workload_per_person_counts_open_cases_breaches_and_the_oldest(
    client: Client, tenant: TenantHandle
):
    watcher = await tenant.add_staff(("supervisor",))
    ada, bea = await tenant.add_staff(("handler",)), await tenant.add_staff(("handler",))
    browser = await browser_of(client, tenant, watcher)
    now = datetime.now(UTC)
    received = [now - timedelta(days=d, hours=1) for d in (10, 4, 2, 1, 6, 3)]
    made = [await register(client, tenant, received_at=r.isoformat()) for r in received]
    for case in made:
        await deadline(tenant, case, "acknowledgement", now + timedelta(days=9), now)
        await deadline(tenant, case, "final_response", now + timedelta(days=40))
    for case in made[:4]:
        await change(tenant, case, assignee_staff_id=ada.staff_id)
    await change(tenant, made[4], assignee_staff_id=bea.staff_id)
    await deadline(tenant, made[0], "final_response", now - timedelta(hours=1))  # breached
    await deadline(tenant, made[1], "final_response", now + timedelta(hours=30))  # due soon
    await deadline(tenant, made[2], "acknowledgement", now - timedelta(days=1))  # breached too
    await deadline(tenant, made[2], "final_response", now + timedelta(hours=2))
    await change(tenant, made[3], status="closed", closed_at=now)  # no longer open

    response = await browser.get("/staff/supervision")
    data = await api(client, tenant, watcher, "/api/v1/kpis/overview")

    rows = {w["name"]: w for w in data["workload"]}
    ada_name, bea_name = (f"Test {p.email.split('@')[0]}" for p in (ada, bea))
    assert (rows[ada_name]["open"], rows[ada_name]["breached"], rows[ada_name]["due_soon"]) == (
        3,
        2,
        1,
    )
    assert rows[ada_name]["oldest_days"] == 10
    assert (rows[bea_name]["open"], rows[bea_name]["breached"]) == (1, 0)
    assert rows[None]["open"] == 1  # the unassigned case
    assert cell_row(response, ada_name)[1:] == ["3", "2", "1", "10 days"]
    assert cell_row(response, bea_name)[1:] == ["1", "0", "0", "6 days"]
    assert cell_row(response, "Unassigned")[1:] == ["1", "0", "0", "3 days"]


async def test_escalations_and_risk_flags_say_who_escalated_and_why(
    client: Client, tenant: TenantHandle
):
    watcher = await tenant.add_staff(("supervisor",))
    browser = await browser_of(client, tenant, watcher)
    escalated = await register(client, tenant, subject="Escalated one")
    flagged = await register(client, tenant, subject="Flagged one")
    response = await client.post(
        f"/api/v1/cases/{escalated['id']}/actions/escalate",
        json={"reason": "The complainant threatens legal action"},
        headers=host(tenant),
    )
    assert response.status_code == 200, response.text
    async with tenant_transaction(slug=tenant.slug):
        await CaseFlag.insert(
            CaseFlag(
                id=uuid7(),
                tenant_id=tenant.id,
                case_id=flagged["id"],
                kind="risk",
                source="staff",
                code="self_harm",
                message="Mentions self-harm",
                urgency="page",
            )
        )

    page = await browser.get("/staff/supervision")

    row = cell_row(page, escalated["reference"])
    escalator = f"Test {tenant.staff.email.split('@')[0]}"
    assert row[2] == "Escalated"
    assert row[3].startswith(escalator)
    assert row[5] == "The complainant threatens legal action"
    assert cell_row(page, flagged["reference"])[6] == "Mentions self-harm"


# -- KPIs -------------------------------------------------------------------------------------


async def test_kpis_equal_what_the_seeded_cases_say(client: Client, tenant: TenantHandle):
    watcher = await tenant.add_staff(("supervisor",))
    ada, bea = await tenant.add_staff(("handler",)), await tenant.add_staff(("handler",))
    admin = await tenant.add_staff(("tenant-admin",))
    made_team = await client.post(
        "/api/v1/teams",
        json={"name": "Claims", "members": [ada.email]},
        headers={"host": f"{tenant.slug}.localhost", **admin.bearer},
    )
    assert made_team.status_code == 201, made_team.text
    team = made_team.json()["id"]
    browser = await browser_of(client, tenant, watcher)
    now = datetime.now(UTC)
    day = timedelta(days=1)
    # Who, received (days ago), acknowledged (hours after), closed (days after), deadlines
    # met late?, decision outcome, survey score; and whether the supervisor may see it.
    seeds = [
        dict(who=ada, received=20, ack=5, closed=10, outcome="upheld", score=4),
        dict(who=ada, received=15, ack=30, closed=None, outcome="not_upheld", score=None),
        dict(who=ada, received=12, ack=2, closed=4, outcome="partly_upheld", score=2),
        dict(who=ada, received=8, ack=None, closed=None, outcome=None, score=None),
        dict(who=bea, received=25, ack=80, closed=20, outcome="not_upheld", score=1),
        dict(who=bea, received=40, ack=10, closed=None, outcome=None, score=None),  # old
        dict(who=ada, received=18, ack=1, closed=3, outcome="upheld", score=5, sealed=True),
    ]
    for seed in seeds:
        received = now - seed["received"] * day
        case = await register(client, tenant, received_at=received.isoformat())
        seed["received_at"] = received
        seed["ack_at"] = received + timedelta(hours=seed["ack"]) if seed["ack"] else None
        seed["closed_at"] = received + seed["closed"] * day if seed["closed"] else None
        seed["ack_due"], seed["final_due"] = received + 3 * day, received + 21 * day
        await deadline(tenant, case, "acknowledgement", seed["ack_due"], seed["ack_at"])
        await deadline(tenant, case, "final_response", seed["final_due"], seed["closed_at"])
        await change(
            tenant,
            case,
            assignee_staff_id=seed["who"].staff_id,
            team_id=UUID(team) if seed["who"] is ada else None,
            status="closed" if seed["closed_at"] else "investigating",
            closed_at=seed["closed_at"],
            confidentiality="sealed" if seed.get("sealed") else "standard",
        )
        async with tenant_transaction(slug=tenant.slug):
            if seed["outcome"]:
                seed["decided_at"] = received + 2 * day
                await CaseDecision.insert(
                    CaseDecision(
                        id=uuid7(),
                        tenant_id=tenant.id,
                        case_id=case["id"],
                        outcome=seed["outcome"],
                        state="approved",
                        proposed_by="staff:x",
                        proposed_at=seed["decided_at"],
                        reviewed_by="staff:y",
                        reviewed_at=seed["decided_at"],
                    )
                )
            if seed["score"]:
                await CaseSurvey.insert(
                    CaseSurvey(
                        id=uuid7(),
                        tenant_id=tenant.id,
                        case_id=case["id"],
                        score=seed["score"],
                        answered_at=seed["closed_at"],
                    )
                )

    since = now - 30 * day
    seen = [s for s in seeds if not s.get("sealed")]

    def expected(rows: list[dict[str, Any]]) -> dict[str, Any]:
        def within(at: datetime | None) -> bool:
            return at is not None and since <= at < now

        ack = [
            (s["ack_at"] - s["received_at"]) / timedelta(hours=1)
            for s in rows
            if within(s["ack_at"])
        ]
        close = [
            (s["closed_at"] - s["received_at"]) / timedelta(hours=1)
            for s in rows
            if within(s["closed_at"])
        ]
        deadlines = [
            (met is not None and met <= due)
            for s in rows
            for due, met in ((s["ack_due"], s["ack_at"]), (s["final_due"], s["closed_at"]))
            if within(met) or (met is None and within(due))
        ]
        decisions = [s["outcome"] for s in rows if s["outcome"] and within(s.get("decided_at"))]
        scores = [s["score"] for s in rows if s["score"] and within(s["closed_at"])]
        return {
            "received": sum(within(s["received_at"]) for s in rows),
            "median_hours_to_acknowledge": statistics.median(ack) if ack else None,
            "median_hours_to_close": statistics.median(close) if close else None,
            "deadlines": len(deadlines),
            "deadlines_met_on_time": sum(deadlines),
            "decisions": len(decisions),
            "upheld": sum(o in ("upheld", "partly_upheld") for o in decisions),
            "surveys": len(scores),
            "mean_satisfaction": statistics.mean(scores) if scores else None,
        }

    report = await api(client, tenant, watcher, "/api/v1/kpis?period=30d")
    by_person = {p["id"]: p for p in report["people"]}
    by_team = {t["id"]: t for t in report["teams"]}

    def same(got: dict[str, Any], want: dict[str, Any]) -> None:
        for key, value in want.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, abs=1e-6), key
            else:
                assert got[key] == value, key

    ada_rows = [s for s in seen if s["who"] is ada]
    bea_rows = [s for s in seen if s["who"] is bea]
    same(by_person[str(ada.staff_id)], expected(ada_rows))
    same(by_person[str(bea.staff_id)], expected(bea_rows))
    same(by_team[team], expected(ada_rows))
    same(by_team[None], expected(bea_rows))
    same(report["total"], expected(seen))
    # Worked by hand, so that the rule above is not only checked against itself.
    assert by_person[str(ada.staff_id)]["received"] == 4
    assert by_person[str(ada.staff_id)]["median_hours_to_acknowledge"] == pytest.approx(5)
    assert by_person[str(ada.staff_id)]["upheld_rate"] == pytest.approx(2 / 3)
    assert by_person[str(ada.staff_id)]["mean_satisfaction"] == pytest.approx(3)
    assert by_person[str(bea.staff_id)]["received"] == 1
    # Late acknowledgement, answer on time, and an old case's answer overdue in the period.
    assert by_person[str(bea.staff_id)]["on_time_share"] == pytest.approx(1 / 3)

    page = await browser.get("/staff/supervision/kpis", period="30d")
    assert page.status_code == 200, page.text
    ada_name = f"Test {ada.email.split('@')[0]}"
    row = cell_row(page, ada_name)
    assert row[1] == "4"
    assert row[2] == "5.0 h (of 3)"
    assert row[5] == "67 % (2 of 3)"
    assert row[6] == "3.0 / 5 (2 answers)"
    assert page.text.count('role="img"') == 6  # three charts for people, three for teams
    assert '<title id="chart-people-received-title">Cases received, by person</title>' in page.text
    chart_table = re.search(
        r"Cases received, by person: the numbers</caption>.*?</table>", page.text, re.S
    )
    assert chart_table and f'<th scope="row">{ada_name}</th><td class="number">4</td>' in (
        chart_table.group(0)
    )
    one_team = await api(client, tenant, watcher, f"/api/v1/kpis?period=30d&team={team}")
    assert [p["id"] for p in one_team["people"]] == [str(ada.staff_id)]
    refused = await browser.get("/staff/supervision/kpis", team="not-a-team")
    assert refused.status_code == 400
    assert "Choose one of the teams in the list." in refused.text


# -- quality review ---------------------------------------------------------------------------


async def closed_cases(
    client: Client, tenant: TenantHandle, handler: StaffUser, count: int, **values: Any
) -> list[dict[str, Any]]:
    made = []
    for i in range(count):
        case = await register(client, tenant, subject=values.pop("subject", f"Closed {i}"))
        facts = {
            "status": "closed",
            "closed_at": datetime.now(UTC) - timedelta(days=2),
            "assignee_staff_id": handler.staff_id,
            **values,
        }
        await change(tenant, case, **facts)
        made.append(case)
    return made


async def forget_reviews(tenant: TenantHandle) -> None:
    async with tenant_transaction(slug=tenant.slug):
        await QualityReview.delete(force=True)


async def test_a_sample_is_random_and_leaves_out_own_reviewed_and_hidden_cases(
    client: Client, tenant: TenantHandle
):
    reviewer = await tenant.add_staff(("supervisor",))
    handler = await tenant.add_staff(("handler",))
    browser = await browser_of(client, tenant, reviewer)
    theirs = await closed_cases(client, tenant, handler, 12)
    own = await closed_cases(client, tenant, reviewer, 2)
    decided = (await closed_cases(client, tenant, handler, 1))[0]
    async with tenant_transaction(slug=tenant.slug):
        await CaseDecision.insert(
            CaseDecision(
                id=uuid7(),
                tenant_id=tenant.id,
                case_id=decided["id"],
                outcome="upheld",
                state="approved",
                proposed_by=f"staff:{reviewer.staff_id}",
            )
        )
    hidden = await closed_cases(client, tenant, handler, 1, confidentiality="sealed")
    old = await closed_cases(
        client, tenant, handler, 1, closed_at=datetime.now(UTC) - timedelta(days=200)
    )
    await register(client, tenant, subject="Still open")
    headers = {"host": f"{tenant.slug}.localhost", **reviewer.bearer}
    eligible = {c["reference"] for c in theirs}

    draws = []
    for _ in range(6):
        response = await client.post("/api/v1/quality/samples", json={"size": 5}, headers=headers)
        assert response.status_code == 201, response.text
        draws.append(frozenset(r["reference"] for r in response.json()["items"]))
        await forget_reviews(tenant)
    assert all(len(d) == 5 and d <= eligible for d in draws)
    assert len(set(draws)) > 1, "six draws of 5 out of 12 were all the same"

    first = await browser.post("/staff/supervision/quality/sample", {"size": "5", "period": "90d"})
    assert first.status_code == 303
    assert first.headers["location"] == "/staff/supervision/quality?done=sampled"
    rest = await client.post("/api/v1/quality/samples", json={"size": 50}, headers=headers)
    listed = await browser.get("/staff/supervision/quality")
    none_left = await browser.post("/staff/supervision/quality/sample", {"size": "50"})

    drawn_after = {r["reference"] for r in rest.json()["items"]}
    assert len(drawn_after) == 7 and drawn_after <= eligible  # the five drawn first are out
    assert none_left.headers["location"].endswith("done=sampled_none")
    assert sorted(
        re.findall(r'<a href="/staff/supervision/quality/[^"]+">([^<]+)</a>', listed.text)
    ) == sorted(eligible)
    for case in [*own, decided, *hidden, *old]:
        assert case["reference"] not in listed.text
    async with tenant_transaction(slug=tenant.slug):
        events = await AuditEvent.select(AuditEvent.detail).where(
            AuditEvent.action == "quality.sampled"
        )
    assert len(events) == 9
    bad = await browser.post("/staff/supervision/quality/sample", {"size": "500", "period": "9d"})
    assert bad.status_code == 400
    assert "Enter a number of cases from 1 to 50." in bad.text
    assert 'value="500"' in bad.text


async def test_the_scorecard_saves_is_audited_and_the_handler_reads_the_comments(
    client: Client, tenant: TenantHandle
):
    reviewer = await tenant.add_staff(("supervisor",))
    handler = await tenant.add_staff(("handler",))
    supervisor = await browser_of(client, tenant, reviewer)
    handler_browser = await browser_of(client, tenant, handler)
    [case] = await closed_cases(client, tenant, handler, 1, subject="Reviewed case")
    headers = {"host": f"{tenant.slug}.localhost", **reviewer.bearer}
    drawn = await client.post("/api/v1/quality/samples", json={"size": 1}, headers=headers)
    [review] = drawn.json()["items"]
    path = f"/staff/supervision/quality/{review['id']}"

    form = await supervisor.get(path)
    assert form.status_code == 200
    assert f'href="/staff/cases/{case["reference"]}"' in form.text
    assert form.text.count('type="radio"') == 6 * 6
    draft = await supervisor.post(
        path, {"score_acknowledged_on_time": "4", "comment": "Fine so far", "final": "0"}
    )
    assert draft.status_code == 303
    assert draft.headers["location"] == f"{path}?done=review_saved"
    incomplete = await supervisor.post(
        path, {"score_acknowledged_on_time": "4", "handler_comment": "Kept", "final": "1"}
    )
    assert incomplete.status_code == 400
    assert "A final review scores every criterion" in incomplete.text
    assert ">Kept</textarea>" in incomplete.text
    async with tenant_transaction(slug=tenant.slug):
        told = await Notification.count().where(Notification.staff_id == handler.staff_id)
    assert told == 0  # a draft tells nobody

    scores = {f"score_{c}": str(i + 1) for i, c in enumerate(CRITERIA[:5])}
    final = await supervisor.post(
        path,
        {
            **scores,
            "score_record_keeping": "na",
            "comment": "Internal: coach on letters",
            "handler_comment": "Clear letter; acknowledge sooner next time.",
            "final": "1",
        },
    )
    assert final.status_code == 303, final.text
    again = await supervisor.post(path, {**scores, "score_record_keeping": "1", "final": "1"})
    mine = await handler_browser.get("/staff/reviews")
    shown = await supervisor.get(path)

    assert again.status_code == 409
    assert "This review is final" in again.text
    assert mine.status_code == 200
    assert "Clear letter; acknowledge sooner next time." in mine.text
    assert "Internal: coach on letters" not in mine.text  # the supervisors' own record
    assert case["reference"] in mine.text
    assert cell_row(mine, "Investigation thorough") == ["Investigation thorough", "2 of 5"]
    assert cell_row(mine, "Record keeping") == ["Record keeping", "Not applicable"]
    assert 'type="radio"' not in shown.text and "Internal: coach on letters" in shown.text
    async with tenant_transaction(slug=tenant.slug):
        events = (
            await AuditEvent.select(AuditEvent.actor, AuditEvent.detail, AuditEvent.case_id)
            .where(AuditEvent.action == "quality.reviewed")
            .order_by(AuditEvent.seq)
        )
        notices = await Notification.select().where(Notification.staff_id == handler.staff_id)
    details = [json.loads(e["detail"]) for e in events]
    assert [d["state"] for d in details] == ["draft", "final"]
    assert details[1]["scores"]["record_keeping"] is None
    assert {e["actor"] for e in events} == {f"staff:{reviewer.staff_id}"}
    assert {str(e["case_id"]) for e in events} == {case["id"]}
    assert [n["kind"] for n in notices] == ["quality_review"]
    assert case["reference"] in notices[0]["subject"]


async def test_the_review_api_refuses_the_handler_of_the_case(client: Client, tenant: TenantHandle):
    reviewer = await tenant.add_staff(("supervisor",))
    both = await tenant.add_staff(("handler", "supervisor"))
    [case] = await closed_cases(client, tenant, both, 1)
    headers = {"host": f"{tenant.slug}.localhost", **reviewer.bearer}
    [review] = (
        await client.post("/api/v1/quality/samples", json={"size": 1}, headers=headers)
    ).json()["items"]
    assert review["case_id"] == case["id"]
    body = {"scores": {c: 3 for c in CRITERIA}, "final": True}

    own = await client.put(
        f"/api/v1/quality/reviews/{review['id']}",
        json=body,
        headers={"host": f"{tenant.slug}.localhost", **both.bearer},
    )
    unknown = await client.put(
        f"/api/v1/quality/reviews/{review['id']}",
        json={"scores": {"charm": 3}},
        headers=headers,
    )
    saved = await client.put(f"/api/v1/quality/reviews/{review['id']}", json=body, headers=headers)
    mine = await client.get(
        "/api/v1/quality/my-reviews", headers={"host": f"{tenant.slug}.localhost", **both.bearer}
    )

    assert own.status_code == 403
    assert unknown.status_code == 400
    assert saved.status_code == 200 and saved.json()["state"] == "final"
    assert [r["reference"] for r in mine.json()["items"]] == [case["reference"]]
    assert "comment" not in mine.json()["items"][0]


# -- escaping and languages -------------------------------------------------------------------


async def hostile_world(client: Client, tenant: TenantHandle) -> tuple[Browser, Browser, str]:
    """A case with hostile text everywhere: late, escalated, flagged, closed, reviewed."""
    reviewer = await tenant.add_staff(("supervisor",))
    handler = await tenant.add_staff(("handler",))
    now = datetime.now(UTC)
    case = await register(client, tenant, subject=XSS, description=XSS)
    escalated = await register(client, tenant, subject=XSS)
    await change(
        tenant,
        escalated,
        status="escalated",
        escalation_reason=XSS,
        assignee_staff_id=handler.staff_id,
    )
    await deadline(tenant, escalated, "acknowledgement", now - timedelta(hours=2))
    async with tenant_transaction(slug=tenant.slug):
        await CaseFlag.insert(
            CaseFlag(
                id=uuid7(),
                tenant_id=tenant.id,
                case_id=escalated["id"],
                kind="risk",
                source="staff",
                code="x",
                message=XSS,
            )
        )
    await change(tenant, case, status="closed", closed_at=now, assignee_staff_id=handler.staff_id)
    headers = {"host": f"{tenant.slug}.localhost", **reviewer.bearer}
    [review] = (
        await client.post("/api/v1/quality/samples", json={"size": 1}, headers=headers)
    ).json()["items"]
    body = {"scores": {c: 3 for c in CRITERIA}, "comment": XSS, "handler_comment": XSS}
    saved = await client.put(
        f"/api/v1/quality/reviews/{review['id']}", json={**body, "final": True}, headers=headers
    )
    assert saved.status_code == 200, saved.text
    return (
        await browser_of(client, tenant, reviewer),
        await browser_of(client, tenant, handler),
        review["id"],
    )


async def test_hostile_text_is_escaped_on_every_page(client: Client, tenant: TenantHandle):
    supervisor, handler, review = await hostile_world(client, tenant)

    pages = [
        await supervisor.get("/staff/supervision"),
        await supervisor.get("/staff/supervision/kpis"),
        await supervisor.get("/staff/supervision/quality"),
        await supervisor.get(f"/staff/supervision/quality/{review}"),
        await handler.get("/staff/reviews"),
    ]

    for response in pages:
        assert response.status_code == 200, response.text
        assert "<script>" not in response.text
        assert "<img src=x" not in response.text
        assert "&lt;script&gt;" in response.text or "kpis" in str(response.url)
        assert "style=" not in response.text


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_pages_are_translated(client: Client, tenant: TenantHandle, lang: str):
    english, translated = SUPERVISOR_MESSAGES["en"], SUPERVISOR_MESSAGES[lang]
    assert translated.keys() == english.keys()
    left = {k for k, v in translated.items() if not v.strip()}
    assert not left, f"empty texts in {lang}: {left}"
    supervisor, handler, review = await hostile_world(client, tenant)
    await register(client, tenant, subject="Zzz")

    for who, path in (
        (supervisor, "/staff/supervision"),
        (supervisor, "/staff/supervision/kpis"),
        (supervisor, "/staff/supervision/quality"),
        (supervisor, f"/staff/supervision/quality/{review}"),
        (handler, "/staff/reviews"),
    ):
        response = await who.get(path, lang=lang)
        assert response.status_code == 200, response.text
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left on {path} in {lang}: {untranslated}"
        assert f'<html lang="{lang}">' in response.text
        if who is supervisor:  # the section's own links keep the language
            assert f'href="/staff/supervision/kpis?lang={lang}"' in response.text
