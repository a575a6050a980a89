"""The audit log is append-only, and `querela audit verify` names the first event that was
changed, removed, reordered or re-sealed behind its back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from core.audit import services as audit
from core.audit import verify as verify_module
from core.db.servers import DatabaseTarget
from core.tenancy.context import tenant_transaction
from tenants import provisioning
from tenants.provisioning import TenantInfo

QUERELA = str(Path(sys.executable).with_name("querela"))
EVENTS = 12


@pytest.fixture
async def logged(client: object) -> TenantInfo:
    """A tenant with a log of ``EVENTS`` events written the ordinary way."""
    tenant = await provisioning.create_tenant(f"a{uuid.uuid4().hex[:10]}", "Audited")
    for n in range(EVENTS - 1):  # creating the tenant wrote none; one more comes below
        async with tenant_transaction(tenant_id=tenant.id):
            await audit.record("test.step", actor="test", detail={"n": n, "note": "ünïcode ✓"})
    async with tenant_transaction(tenant_id=tenant.id):
        await audit.record("test.last", actor="test")
    return tenant


@pytest.fixture
async def owner_in(
    database: DatabaseTarget, logged: TenantInfo
) -> AsyncIterator[asyncpg.Connection]:
    """The owner, scoped to the logged tenant (row-level security binds the owner too)."""
    conn = await asyncpg.connect(database.owner_dsn)
    await conn.execute("SELECT set_config('querela.tenant_id', $1, false)", str(logged.id))
    try:
        yield conn
    finally:
        await conn.close()


def verify(database: DatabaseTarget, slug: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QUERELA_"))}
    env.update(DATABASE_URL=database.owner_dsn, QUERELA_APP_DATABASE_URL=database.app_dsn)
    return subprocess.run(
        [QUERELA, "audit", "verify", "--tenant", slug],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def tamper(owner: asyncpg.Connection, *statements: str) -> None:
    """Run ``statements`` as a determined owner would: with the append-only triggers off."""
    async with owner.transaction():
        await owner.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        for statement in statements:
            await owner.execute(statement)
        await owner.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


async def event(owner: asyncpg.Connection, seq: int) -> asyncpg.Record:
    row = await owner.fetchrow("SELECT * FROM audit_event WHERE seq = $1", seq)
    assert row is not None
    return row


async def test_an_intact_log_verifies(database: DatabaseTarget, logged: TenantInfo):
    result = verify(database, logged.slug)

    assert result.returncode == 0, result.stderr
    assert f"{EVENTS} events intact" in result.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else' WHERE seq = 3",
        "DELETE FROM audit_event WHERE seq = 3",
        "TRUNCATE audit_event",
    ],
)
async def test_no_one_changes_or_removes_an_event_while_the_triggers_stand(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo, statement: str
):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await owner_in.execute(statement)  # not even the owner of the table

    app = await asyncpg.connect(database.app_dsn)
    try:
        async with app.transaction():
            await app.execute("SELECT set_config('querela.tenant_id', $1, true)", str(logged.id))
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute(statement.replace("TRUNCATE", "TRUNCATE TABLE"))
    finally:
        await app.close()
    assert verify(database, logged.slug).returncode == 0


async def test_a_changed_event_is_named(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo
):
    changed = await event(owner_in, 5)
    await tamper(owner_in, """UPDATE audit_event SET detail = '{"n": 99}' WHERE seq = 5""")

    result = verify(database, logged.slug)

    assert result.returncode == 1
    assert f"broken at event 5 ({changed['id']})" in result.stderr
    assert "was changed" in result.stderr
    assert "the 4 events before it hold" in result.stderr


async def test_a_removed_event_is_named(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo
):
    await tamper(owner_in, "DELETE FROM audit_event WHERE seq = 7")

    result = verify(database, logged.slug)

    assert result.returncode == 1
    assert "broken at event 7: event 7 missing" in result.stderr


async def test_reordered_events_are_named(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo
):
    await tamper(
        owner_in,
        "UPDATE audit_event SET seq = 1000 WHERE seq = 8",
        "UPDATE audit_event SET seq = 8 WHERE seq = 9",
        "UPDATE audit_event SET seq = 9 WHERE seq = 1000",
    )

    result = verify(database, logged.slug)

    assert result.returncode == 1
    assert "broken at event 8" in result.stderr


async def test_a_changed_and_resealed_event_is_caught_at_the_next_link(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo
):
    row = await event(owner_in, 4)
    forged = {"n": 1000}
    resealed = audit.event_hash(
        tenant_id=row["tenant_id"],
        seq=4,
        event_id=row["id"],
        occurred_at=row["occurred_at"],
        actor=row["actor"],
        action=row["action"],
        case_id=row["case_id"],
        detail=forged,
        prev_hash=row["prev_hash"],
    )
    await tamper(
        owner_in,
        f"UPDATE audit_event SET detail = '{json.dumps(forged)}', hash = '{resealed}'"
        " WHERE seq = 4",
    )

    result = verify(database, logged.slug)

    assert result.returncode == 1
    assert "broken at event 5" in result.stderr
    assert "event 4 was changed and re-sealed" in result.stderr


async def test_an_unknown_tenant_is_refused(database: DatabaseTarget, client: object):
    result = verify(database, "no-such-tenant")

    assert result.returncode == 2
    assert "no tenant 'no-such-tenant'" in result.stderr


@pytest.mark.parametrize(
    ("statement", "seq", "reason"),
    [
        (None, None, None),
        ("UPDATE audit_event SET actor = 'x' WHERE seq = 10", 10, "was changed"),
        ("DELETE FROM audit_event WHERE seq = 7", 7, "event 7 missing"),  # first of range 2
        ("DELETE FROM audit_event WHERE seq = 6", 6, "event 6 missing"),  # last of range 1
        ("DELETE FROM audit_event WHERE seq >= 5 AND seq <= 8", 5, "events 5-"),
        ("RESEAL 6", 7, "event 6 was changed and re-sealed"),  # the link between ranges
    ],
)
async def test_checking_in_parallel_finds_what_one_process_finds(
    owner_in: asyncpg.Connection,
    database: DatabaseTarget,
    logged: TenantInfo,
    monkeypatch: pytest.MonkeyPatch,
    statement: str | None,
    seq: int | None,
    reason: str | None,
):
    monkeypatch.setattr(verify_module, "SPLIT_FROM", 1)  # two ranges: 1-6 and 7-12
    if statement == "RESEAL 6":
        row = await event(owner_in, 6)
        resealed = audit.event_hash(
            tenant_id=row["tenant_id"],
            seq=6,
            event_id=row["id"],
            occurred_at=row["occurred_at"],
            actor="forger",
            action=row["action"],
            case_id=row["case_id"],
            detail=json.loads(row["detail"]),
            prev_hash=row["prev_hash"],
        )
        await tamper(
            owner_in, f"UPDATE audit_event SET actor = 'forger', hash = '{resealed}' WHERE seq = 6"
        )
    elif statement:
        await tamper(owner_in, statement)

    verdict = await verify_module.verify_log_in_parallel(database.app_dsn, logged.id)
    async with tenant_transaction(tenant_id=logged.id) as (_, transaction):
        alone = await verify_module.verify_log(transaction.connection, logged.id)

    if seq is None:
        assert verdict.intact and verdict.events == EVENTS
    else:
        assert verdict.fault is not None
        assert (verdict.fault.seq, reason in verdict.fault.reason) == (seq, True)
    # The same event is named (a gap across ranges is told up to the range's end).
    named = (verdict.fault.seq, verdict.fault.event_id) if verdict.fault else None
    assert named == ((alone.fault.seq, alone.fault.event_id) if alone.fault else None)
