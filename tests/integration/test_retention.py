"""Retention: closed cases past their period are deleted by the worker with everything
they held, unless a legal hold keeps them; each deletion leaves one audit event that
names the case's reference only, and the tenant's audit chain still holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from core import clock
from core.attachments.storage import storage_for
from core.audit.verify import verify_log
from core.cases.tables import Case
from core.db.servers import DatabaseTarget
from core.notify.services import notify
from core.retention.purge import PurgeReport, purge_pass
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from core.worker.loop import run_once
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
QUERELA = str(Path(sys.executable).with_name("querela"))
#: Past the default period of six years (2190 days).
SEVEN_YEARS = timedelta(days=7 * 365)


def on(tenant: TenantHandle, who: StaffUser | None = None) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **(who or tenant.staff).bearer}


async def register(client: Client, tenant: TenantHandle, category: str | None = None) -> dict:
    body = {
        "subject": f"Refund refused {uuid.uuid4().hex[:6]}",
        "description": "The branch refused my refund twice.",
        "channel": "phone",
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        "parties": [{"role": "witness", "name": "Bo Witness", "email": "bo@example.org"}],
        **({"category": category} if category else {}),
    }
    response = await client.post("/api/v1/cases", json=body, headers=on(tenant))
    assert response.status_code == 201, response.text
    return response.json()


async def close(tenant: TenantHandle, case: dict, ago: timedelta) -> None:
    """Close the case as if ``ago`` had passed since (the lifecycle has its own tests)."""
    async with tenant_transaction(tenant_id=tenant.id):
        await Case.update({Case.status: "closed", Case.closed_at: clock.now() - ago}).where(
            Case.id == uuid.UUID(case["id"])
        )


async def exists(tenant: TenantHandle, case: dict) -> bool:
    async with tenant_transaction(tenant_id=tenant.id):
        return await Case.exists().where(Case.id == uuid.UUID(case["id"]))


async def purge(settings: Settings) -> PurgeReport:
    """One pass of the worker's retention job."""
    return await purge_pass(storage_for(settings.attachments_root))


async def mentions(owner: asyncpg.Connection, tenant: TenantHandle, case: dict) -> dict[str, int]:
    """Rows that name the case, by its id or its reference, per table (the log aside).

    Read past row-level security, and in whole rows: a reference set to NULL on delete
    leaves the case's text behind, which this still finds.
    """
    tables = await owner.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'audit_event'"
    )
    found: dict[str, int] = {}
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        for table in (row["relname"] for row in tables):
            count = await owner.fetchval(
                f'SELECT count(*) FROM "{table}" AS t'
                " WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0",
                case["id"],
                case["reference"],
            )
            if count:
                found[table] = count
    return found


async def events(owner: asyncpg.Connection, tenant: TenantHandle, action: str) -> list[dict]:
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        rows = await owner.fetch(
            "SELECT case_id, actor, detail FROM audit_event WHERE action = $1 ORDER BY seq", action
        )
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


async def test_a_closed_case_past_its_period_goes_in_one_worker_pass_with_all_it_held(
    client: Client, tenant: TenantHandle, settings: Settings, owner: asyncpg.Connection
):
    admin = await tenant.add_staff(("tenant-admin",))
    hook = await client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/retention", "events": ["case.status_changed"]},
        headers=on(tenant, admin),
    )
    assert hook.status_code == 201, hook.text
    expired, recent, still_open = [await register(client, tenant) for _ in range(3)]
    key = expired["id"]
    for step in (
        client.post(f"/api/v1/cases/{key}/actions/acknowledge", json={}, headers=on(tenant)),
        client.post(f"/api/v1/cases/{key}/tasks", json={"title": "Call back"}, headers=on(tenant)),
        client.post(
            f"/api/v1/cases/{key}/records",
            json={"kind": "note", "title": "Phoned the branch"},
            headers=on(tenant),
        ),
        client.post(
            f"/api/v1/cases/{key}/attachments",
            files={"file": ("statement.txt", b"The refund was refused.\n", "text/plain")},
            headers=on(tenant),
        ),
    ):
        response = await step
        assert response.status_code < 300, response.text
    async with tenant_transaction(tenant_id=tenant.id):
        await notify(
            recipients=[tenant.staff.staff_id],
            kind="retention-test",
            subject="About the refund",
            body="A notice about the case.",
            case_id=uuid.UUID(key),
            actor="test",
        )
    await close(tenant, expired, SEVEN_YEARS)
    await close(tenant, recent, timedelta(days=365))
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        stored = settings.attachments_root / await owner.fetchval(
            "SELECT storage_key FROM attachment WHERE case_id = $1", uuid.UUID(key)
        )
    before = await mentions(owner, tenant, expired)
    assert stored.is_file()

    await run_once(settings)

    # The test can fail: the case had rows in all these tables, and in the stored files.
    assert set(before) >= {
        "cases",
        "party",
        "correspondence",
        "deadline",
        "deadline_timer",
        "case_task",
        "case_record",
        "attachment",
        "routing_decision",
        "notification",
        "outbox_message",
        "webhook_delivery",
    }
    assert await mentions(owner, tenant, expired) == {}
    assert not stored.exists()
    assert await exists(tenant, recent)
    assert await exists(tenant, still_open)
    [purged] = await events(owner, tenant, "case.purged")
    assert str(purged["case_id"]) == key and purged["actor"] == "retention"
    assert purged["detail"] == {
        "reference": expired["reference"],
        "closed_on": (clock.now() - SEVEN_YEARS).date().isoformat(),
        "retention_days": 2190,
        "rule": "default",
    }
    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        verdict = await verify_log(transaction.connection, tenant.id)
        earlier = await transaction.connection.fetchval(
            "SELECT count(*) FROM audit_event WHERE case_id = $1", uuid.UUID(key)
        )
    assert verdict.intact, verdict.fault
    assert earlier > 1  # its earlier events stay, the purge's one among them


async def test_a_category_keeps_its_own_period_shorter_longer_or_for_good(
    client: Client, tenant: TenantHandle, settings: Settings
):
    admin = await tenant.add_staff(("tenant-admin",))
    periods = {
        "default_days": 2190,
        "days_by_category": {"parking": 365, "medical": 3650, "abuse": None},
    }
    changed = await client.put("/api/v1/retention", json=periods, headers=on(tenant, admin))
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/v1/retention", headers=on(tenant))).json() == periods
    cases = {
        # (category, closed this long ago): gone after the pass?
        ("parking", timedelta(days=400)): True,
        ("parking", timedelta(days=300)): False,
        ("medical", SEVEN_YEARS): False,
        ("medical", timedelta(days=3700)): True,
        ("abuse", timedelta(days=20_000)): False,
        (None, SEVEN_YEARS): True,
        (None, timedelta(days=2000)): False,
    }
    made = {}
    for category, ago in cases:
        made[category, ago] = await register(client, tenant, category)
        await close(tenant, made[category, ago], ago)

    report = await purge(settings)

    gone = {rule: not await exists(tenant, case) for rule, case in made.items()}
    assert gone == cases
    [visit] = [t for t in report.tenants if t.slug == tenant.slug]
    rules = {case.reference: (case.rule, case.days) for case in visit.cases}
    assert rules == {
        made["parking", timedelta(days=400)]["reference"]: ("category", 365),
        made["medical", timedelta(days=3700)]["reference"]: ("category", 3650),
        made[None, SEVEN_YEARS]["reference"]: ("default", 2190),
    }


async def test_a_held_case_is_kept_until_its_hold_is_released(
    client: Client, tenant: TenantHandle, settings: Settings, owner: asyncpg.Connection
):
    case = await register(client, tenant)
    await close(tenant, case, SEVEN_YEARS)
    holds = f"/api/v1/cases/{case['reference']}/legal-holds"
    placed = await client.post(
        holds, json={"reason": "Claim filed at the county court"}, headers=on(tenant)
    )
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert hold["active"] and hold["released_at"] is None

    await purge(settings)
    kept = await exists(tenant, case)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="legal hold"):
        async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
            await transaction.connection.execute(
                "DELETE FROM cases WHERE id = $1", uuid.UUID(case["id"])
            )
    released = await client.post(
        f"{holds}/{hold['id']}/release",
        json={"reason": "The claim was settled out of court"},
        headers=on(tenant),
    )
    await purge(settings)

    assert kept
    assert released.status_code == 200, released.text
    assert released.json()["active"] is False
    assert not await exists(tenant, case)
    actions = [
        event["detail"]
        for action in ("case.legal_hold_placed", "case.legal_hold_released")
        for event in await events(owner, tenant, action)
    ]
    assert actions == [{"hold_id": hold["id"]}] * 2  # the reasons stay out of the log


async def test_the_purge_and_its_command_touch_no_other_tenant(
    client: Client,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    settings: Settings,
    database: DatabaseTarget,
):
    admin = await other_tenant.add_staff(("tenant-admin",))
    ten_years = {"default_days": 3650, "days_by_category": {}}
    longer = await client.put("/api/v1/retention", json=ten_years, headers=on(other_tenant, admin))
    assert longer.status_code == 200, longer.text
    mine, theirs, theirs_expired = (
        await register(client, tenant),
        await register(client, other_tenant),
        await register(client, other_tenant),
    )
    for owner_of, case, ago in (
        (tenant, mine, SEVEN_YEARS),
        (other_tenant, theirs, SEVEN_YEARS),
        (other_tenant, theirs_expired, timedelta(days=3700)),
    ):
        await close(owner_of, case, ago)
    env = {
        **os.environ,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
        "QUERELA_ATTACHMENTS_DIR": str(settings.attachments_root),
    }

    def querela(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [QUERELA, "retention", "purge", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    dry = querela("--tenant", tenant.slug, "--dry-run")
    after_dry_run = await exists(tenant, mine)
    one = querela("--tenant", tenant.slug)
    after_one = (await exists(tenant, mine), await exists(other_tenant, theirs_expired))
    await purge(settings)

    assert dry.returncode == 0, dry.stderr
    assert f"would purge {tenant.slug} {mine['reference']}" in dry.stdout
    assert after_dry_run
    assert one.returncode == 0, one.stderr
    assert f"purged {tenant.slug} {mine['reference']}: closed" in one.stdout
    assert after_one == (False, True)
    assert await exists(other_tenant, theirs)  # 7 years: within its ten
    assert not await exists(other_tenant, theirs_expired)  # its own period, by the worker


async def test_only_supervisors_and_tenant_admins_hold_cases_and_with_a_reason(
    client: Client, tenant: TenantHandle
):
    case = await register(client, tenant)
    handler = await tenant.add_staff(("handler",))
    admin = await tenant.add_staff(("tenant-admin",))
    holds = f"/api/v1/cases/{case['id']}/legal-holds"
    reason = {"reason": "Regulator asked us to keep the file"}

    by_handler = await client.post(holds, json=reason, headers=on(tenant, handler))
    handler_reads = await client.get(holds, headers=on(tenant, handler))
    by_supervisor = await client.post(holds, json=reason, headers=on(tenant))
    by_admin = await client.post(holds, json=reason, headers=on(tenant, admin))
    empty = await client.post(holds, json={"reason": "   "}, headers=on(tenant))
    missing = await client.post(holds, json={}, headers=on(tenant))
    unknown_case = await client.post(
        f"/api/v1/cases/{uuid.uuid4()}/legal-holds", json=reason, headers=on(tenant)
    )
    unknown_hold = await client.post(
        f"{holds}/{uuid.uuid4()}/release", json=reason, headers=on(tenant)
    )
    hold_id = by_supervisor.json()["id"]
    released = await client.post(f"{holds}/{hold_id}/release", json=reason, headers=on(tenant))
    again = await client.post(f"{holds}/{hold_id}/release", json=reason, headers=on(tenant))
    short = await client.post(f"{holds}/{hold_id}/release", json={"reason": ""}, headers=on(tenant))
    listed = await client.get(holds, headers=on(tenant, admin))

    assert (by_handler.status_code, handler_reads.status_code) == (403, 403)
    assert (by_supervisor.status_code, by_admin.status_code) == (201, 201)
    assert empty.status_code == 400 and empty.json()["extra"][0]["key"] == "reason"
    assert missing.status_code == 400
    assert unknown_case.status_code == 404
    assert unknown_hold.status_code == 404
    assert released.status_code == 200, released.text
    assert again.status_code == 409
    assert short.status_code == 400
    assert [h["active"] for h in listed.json()] == [False, True]


@pytest.mark.parametrize(
    "body",
    [
        {"default_days": -1},
        {"default_days": 0},
        {"default_days": 1_000_000},
        {"default_days": 2190, "days_by_category": {"parking": 5}},
        {"default_days": 2190, "days_by_category": {"Not A Code": 365}},
        {"default_days": "six years"},
        {"days_by_category": {}},
    ],
)
async def test_retention_periods_out_of_bounds_are_refused(
    client: Client, tenant: TenantHandle, body: dict
):
    admin = await tenant.add_staff(("tenant-admin",))

    refused = await client.put("/api/v1/retention", json=body, headers=on(tenant, admin))
    by_supervisor = await client.put(
        "/api/v1/retention", json={"default_days": 2190}, headers=on(tenant)
    )

    assert refused.status_code == 400, refused.text
    assert refused.json()["detail"]
    assert by_supervisor.status_code == 403
    assert (await client.get("/api/v1/retention", headers=on(tenant))).json() == {
        "default_days": 2190,
        "days_by_category": {},
    }


async def test_a_category_the_taxonomy_does_not_know_is_refused(
    client: Client, tenant: TenantHandle
):
    admin = await tenant.add_staff(("tenant-admin",))
    term = await client.put(
        "/api/v1/taxonomy/category/billing", json={"label": "Billing"}, headers=on(tenant, admin)
    )
    assert term.status_code < 300, term.text

    typo = await client.put(
        "/api/v1/retention",
        json={"default_days": 2190, "days_by_category": {"biling": 365}},
        headers=on(tenant, admin),
    )
    known = await client.put(
        "/api/v1/retention",
        json={"default_days": None, "days_by_category": {"billing": 365}},
        headers=on(tenant, admin),
    )

    assert typo.status_code == 400 and "biling" in typo.text
    assert known.status_code == 200, known.text
