"""The deadline worker: reminders and breaches fire exactly once, however many workers
run and whichever of them is killed, and met deadlines never fire."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.audit import services as audit
from core.cases.tables import Case, Deadline
from core.db.servers import DatabaseTarget
from core.ids import uuid7
from core.mail.sender import send_pending
from core.settings import Settings
from core.tenancy.context import TenantContext, tenant_transaction
from core.worker import deadlines
from core.worker.deadlines import HOLD_ENV, fire_due_deadlines
from core.worker.loop import run_once
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import TenantHandle

QUERELA = str(Path(sys.executable).with_name("querela"))


@pytest.fixture
def relayed(settings: Settings, smtp: tuple[Mailbox, int]) -> Settings:
    """Settings whose relay is the test mailbox."""
    return replace(settings, smtp_relay_port=smtp[1])


@pytest.fixture
def worker_env(database: DatabaseTarget, smtp: tuple[Mailbox, int]) -> dict[str, str]:
    """The environment of a `querela worker` process on the test database and mailbox."""
    return {
        **os.environ,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
        "QUERELA_SMTP_RELAY_PORT": str(smtp[1]),
    }


def now() -> datetime:
    return datetime.now(UTC)


async def open_deadlines(
    tenant: TenantHandle, label: str, count: int, due_at: datetime, *, met: bool = False
) -> list[uuid.UUID]:
    """``count`` cases with one deadline each, labelled ``label``; return the deadline ids."""
    ids = []
    async with tenant_transaction(tenant_id=tenant.id):
        for n in range(count):
            case_id, deadline_id = uuid7(), uuid7()
            await Case.insert(
                Case(
                    id=case_id,
                    tenant_id=tenant.id,
                    reference=f"W-{uuid.uuid4().hex[:10]}",
                    channel="phone",
                    subject=f"{label} case {n}",
                    received_at=now(),
                    entered_by="test",
                )
            )
            await Deadline.insert(
                Deadline(
                    id=deadline_id,
                    tenant_id=tenant.id,
                    case_id=case_id,
                    kind="response",
                    label=label,
                    due_at=due_at,
                    source="core",
                    met_at=now() if met else None,
                )
            )
            ids.append(deadline_id)
    return ids


async def move_due(tenant: TenantHandle, deadline_id: uuid.UUID, due_at: datetime) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await Deadline.update({Deadline.due_at: due_at}).where(Deadline.id == deadline_id)


async def firings(owner: asyncpg.Connection, deadline_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    """Every firing of the deadlines, read past row-level security as the tenants see them."""
    rows: list[asyncpg.Record] = []
    async with owner.transaction():
        for tenant_id in await owner.fetch("SELECT id FROM tenant"):
            await owner.execute(
                "SELECT set_config('querela.tenant_id', $1, true)", str(tenant_id["id"])
            )
            rows += await owner.fetch(
                "SELECT deadline_id, stage, worker FROM deadline_firing"
                " WHERE deadline_id = ANY($1::uuid[])",
                deadline_ids,
            )
    return rows


async def deliver_all(settings: Settings) -> None:
    while (await send_pending(settings, limit=500)).sent:
        pass


def mails(mailbox: Mailbox, to: str, subject_part: str) -> list[str]:
    return [
        str(m["subject"])
        for m in mailbox.messages
        if to.lower() in str(m["to"]).lower() and subject_part in str(m["subject"])
    ]


async def test_a_deadline_reminds_once_then_pages_its_supervisor_once(
    tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
    spans: InMemorySpanExporter,
):
    mailbox, _ = smtp
    label = f"Answer {uuid.uuid4().hex[:8]}"
    [deadline_id] = await open_deadlines(tenant, label, 1, now() + timedelta(hours=10))

    await run_once(relayed)  # past the 72-hour point and the 24-hour one: one reminder
    await move_due(tenant, deadline_id, now() - timedelta(minutes=1))  # time runs out
    await run_once(relayed)
    await run_once(relayed)
    await deliver_all(relayed)

    fired = await firings(owner, [deadline_id])
    assert sorted(r["stage"] for r in fired) == ["breach", "reminder_24h"]
    # The 24-hour stage, worded with the time really left.
    assert mails(mailbox, tenant.staff.email, f"{label} due in 10 hours") != []
    assert len(mails(mailbox, tenant.staff.email, f"{label} due in")) == 1
    pages = mails(mailbox, tenant.staff.email, f"Deadline breached: {label}")
    assert len(pages) == 1 and pages[0].startswith("[urgent]")
    async with tenant_transaction(tenant_id=tenant.id):
        flags = await Case.raw(
            "SELECT f.urgency FROM case_flag f JOIN deadline d ON d.case_id = f.case_id"
            " WHERE d.id = {} AND f.code = 'deadline_breached'",
            deadline_id,
        )
        timers = await Case.raw("SELECT 1 FROM deadline_timer WHERE deadline_id = {}", deadline_id)
    assert [f["urgency"] for f in flags] == ["page"]
    assert timers == []  # nothing is left to fire
    passes = [s for s in spans.get_finished_spans() if s.name == "querela.worker.deadlines"]
    assert any((s.attributes or {}).get("querela.worker.fired") for s in passes)


async def test_three_workers_side_by_side_fire_each_deadline_once(
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
):
    mailbox, _ = smtp
    label = f"Respond {uuid.uuid4().hex[:8]}"
    due = now() - timedelta(minutes=1)
    ids = await open_deadlines(tenant, label, 30, due)
    ids += await open_deadlines(other_tenant, label, 30, due)

    async def worker(name: str) -> None:
        while (await fire_due_deadlines(batch=7, worker=name)).claimed:
            pass

    await asyncio.gather(*(worker(f"worker-{n}") for n in range(3)))
    await deliver_all(relayed)

    fired = await firings(owner, ids)
    assert sorted(r["deadline_id"] for r in fired) == sorted(ids)
    assert {r["stage"] for r in fired} == {"breach"}
    pages = [
        *mails(mailbox, tenant.staff.email, f"Deadline breached: {label}"),
        *mails(mailbox, other_tenant.staff.email, f"Deadline breached: {label}"),
    ]
    assert len(pages) == 60


async def test_three_worker_processes_fire_each_deadline_once(
    tenant: TenantHandle, worker_env: dict[str, str], smtp: tuple[Mailbox, int], owner
):
    mailbox, _ = smtp
    label = f"Process {uuid.uuid4().hex[:8]}"
    ids = await open_deadlines(tenant, label, 45, now() - timedelta(minutes=1))

    processes = [
        await asyncio.create_subprocess_exec(
            QUERELA,
            "worker",
            "--once",
            "--batch",
            "5",
            env=worker_env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(p.communicate() for p in processes)), timeout=120
    )

    assert [p.returncode for p in processes] == [0, 0, 0], outcomes
    fired = await firings(owner, ids)
    assert sorted(r["deadline_id"] for r in fired) == sorted(ids)
    await asyncio.sleep(0.5)  # the last process's mail has been accepted; let it land
    assert len(mails(mailbox, tenant.staff.email, f"Deadline breached: {label}")) == 45


async def test_a_killed_worker_loses_nothing_and_the_next_fires_everything_once(
    tenant: TenantHandle,
    relayed: Settings,
    worker_env: dict[str, str],
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
):
    mailbox, _ = smtp
    label = f"Killed {uuid.uuid4().hex[:8]}"
    ids = await open_deadlines(tenant, label, 20, now() - timedelta(minutes=1))
    process = await asyncio.create_subprocess_exec(
        QUERELA,
        "worker",
        "--once",
        "--batch",
        "1000",
        env={**worker_env, HOLD_ENV: "120"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        # Once it says so, it has claimed and fired the batch, and not committed.
        while b"holding" not in await asyncio.wait_for(process.stderr.readline(), timeout=60):
            pass
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), timeout=30)

    assert await firings(owner, ids) == []
    for _ in range(100):  # the server notices the dead connection and releases its locks
        await fire_due_deadlines()
        if len(await firings(owner, ids)) == len(ids):
            break
        await asyncio.sleep(0.1)
    await deliver_all(relayed)

    fired = await firings(owner, ids)
    assert sorted(r["deadline_id"] for r in fired) == sorted(ids)
    assert len(mails(mailbox, tenant.staff.email, f"Deadline breached: {label}")) == 20


async def test_met_deadlines_never_fire(
    tenant: TenantHandle, relayed: Settings, smtp: tuple[Mailbox, int], owner: asyncpg.Connection
):
    mailbox, _ = smtp
    label = f"Met {uuid.uuid4().hex[:8]}"
    past = now() - timedelta(hours=1)
    met_at_once = await open_deadlines(tenant, label, 2, past, met=True)
    met_later = await open_deadlines(tenant, label, 2, now() + timedelta(hours=200))
    async with tenant_transaction(tenant_id=tenant.id):
        await Deadline.update({Deadline.met_at: now()}).where(Deadline.id.is_in(met_later))
    await move_due(tenant, met_later[0], past)

    await run_once(relayed)
    await deliver_all(relayed)

    assert await firings(owner, met_at_once + met_later) == []
    assert mails(mailbox, tenant.staff.email, label) == []
    timers = await owner.fetchval(
        "SELECT count(*) FROM deadline_timer WHERE deadline_id = ANY($1::uuid[])",
        met_at_once + met_later,
    )
    assert timers == 0


async def test_the_app_role_reads_timers_but_moves_only_its_own_tenants(
    tenant: TenantHandle, other_tenant: TenantHandle, app_conn: asyncpg.Connection
):
    [mine] = await open_deadlines(tenant, "Own", 1, now() + timedelta(days=90))
    [theirs] = await open_deadlines(other_tenant, "Theirs", 1, now() + timedelta(days=90))
    later = now() + timedelta(days=1000)

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("DELETE FROM deadline_timer WHERE deadline_id = $1", theirs)
    async with app_conn.transaction():
        await app_conn.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        await app_conn.execute(
            "SELECT querela_move_deadline_timers($1::uuid[], $2::timestamptz[])",
            [mine, theirs],
            [later, None],
        )
    rows = await app_conn.fetch(
        "SELECT deadline_id, next_fire_at FROM deadline_timer WHERE deadline_id = ANY($1)",
        [mine, theirs],
    )

    assert {r["deadline_id"]: r["next_fire_at"] == later for r in rows} == {
        mine: True,
        theirs: False,
    }


async def test_a_tenant_whose_firing_fails_waits_and_the_others_fire(
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    owner: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
):
    label = f"Broken {uuid.uuid4().hex[:8]}"
    [broken] = await open_deadlines(tenant, label, 1, now() - timedelta(minutes=1))
    [fine] = await open_deadlines(other_tenant, label, 1, now() - timedelta(minutes=1))
    breach = deadlines.TenantFirings.breach

    def failing(part: deadlines.TenantFirings, *args: object) -> None:
        if part.tenant.id == tenant.id:
            raise RuntimeError("wording breaches is broken for this tenant")
        breach(part, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(deadlines.TenantFirings, "breach", failing)
    report = await fire_due_deadlines()

    assert report.failed >= 1
    assert [r["deadline_id"] for r in await firings(owner, [broken, fine])] == [fine]
    retry_at = await owner.fetchval(
        "SELECT next_fire_at FROM deadline_timer WHERE deadline_id = $1", broken
    )
    assert retry_at > now() + timedelta(minutes=4)


async def test_a_tenant_whose_rows_the_database_refuses_waits_and_the_others_fire(
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    owner: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
):
    label = f"Refused {uuid.uuid4().hex[:8]}"
    [refused] = await open_deadlines(tenant, label, 1, now() - timedelta(minutes=1))
    [fine] = await open_deadlines(other_tenant, label, 1, now() - timedelta(minutes=1))
    flag = deadlines.breach_flag

    def bad_flag(part_tenant: TenantContext, *args: Any) -> dict[str, Any]:
        row = flag(part_tenant, *args)
        # The table's check refuses this urgency: the tenant's whole part must roll back.
        return {**row, "urgency": "someday"} if part_tenant.id == tenant.id else row

    monkeypatch.setattr(deadlines, "breach_flag", bad_flag)
    report = await fire_due_deadlines()

    assert report.failed >= 1 and report.breaches >= 1
    assert [r["deadline_id"] for r in await firings(owner, [refused, fine])] == [fine]
    retry_at = await owner.fetchval(
        "SELECT next_fire_at FROM deadline_timer WHERE deadline_id = $1", refused
    )
    assert retry_at > now() + timedelta(minutes=4)
    async with tenant_transaction(tenant_id=tenant.id):
        notices = await Case.raw(
            "SELECT n.id FROM notification n JOIN deadline d ON d.case_id = n.case_id"
            " WHERE d.id = {}",
            refused,
        )
    assert notices == []  # nothing of the refused part was written


async def test_an_extended_deadline_that_runs_out_again_breaches_again_once(
    tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
):
    mailbox, _ = smtp
    label = f"Extended {uuid.uuid4().hex[:8]}"
    [deadline_id] = await open_deadlines(tenant, label, 1, now() - timedelta(minutes=5))

    await run_once(relayed)  # breached
    await move_due(tenant, deadline_id, now() + timedelta(days=10))  # extended
    await run_once(relayed)  # nothing is due under the new time
    await move_due(tenant, deadline_id, now() - timedelta(minutes=1))  # and missed again
    await run_once(relayed)
    await run_once(relayed)
    await deliver_all(relayed)

    fired = await firings(owner, [deadline_id])
    assert sorted(r["stage"] for r in fired) == ["breach", "breach"]
    pages = mails(mailbox, tenant.staff.email, f"Deadline breached: {label}")
    assert len(pages) == 2


async def test_the_workers_audit_events_continue_the_tenants_chain(
    tenant: TenantHandle, owner: asyncpg.Connection
):
    label = f"Chained {uuid.uuid4().hex[:8]}"
    deadline_ids = await open_deadlines(tenant, label, 3, now() - timedelta(minutes=1))
    async with tenant_transaction(tenant_id=tenant.id):
        await audit.record("test.before", actor="test")  # written the ordinary way

    report = await fire_due_deadlines()

    assert report.breaches >= 3
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        events = await owner.fetch("SELECT * FROM audit_event ORDER BY seq")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    previous = audit.GENESIS_HASH
    for event in events:
        assert event["prev_hash"] == previous
        recomputed = audit.event_hash(
            tenant_id=event["tenant_id"],
            seq=event["seq"],
            event_id=event["id"],
            occurred_at=event["occurred_at"],
            actor=event["actor"],
            action=event["action"],
            case_id=event["case_id"],
            detail=json.loads(event["detail"]),
            prev_hash=event["prev_hash"],
        )
        assert event["hash"] == recomputed, event["action"]
        previous = event["hash"]
    breached = [e for e in events if e["action"] == "deadline.breached"]
    assert sorted(json.loads(e["detail"])["deadline_id"] for e in breached) == sorted(
        str(d) for d in deadline_ids
    )
    async with tenant_transaction(tenant_id=tenant.id):
        # And the chain goes on from the worker's last event.
        assert await audit.record("test.after", actor="test") == len(events) + 1
