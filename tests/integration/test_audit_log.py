"""The audit log is append-only, and `querela audit verify` names the first event that was
changed, removed, reordered or re-sealed behind its back."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.audit import checkpoints
from core.audit import services as audit
from core.audit import verify as verify_module
from core.audit.checkpoints import public_pem
from core.audit.tables import AuditCheckpoint
from core.db.servers import DatabaseTarget
from core.settings import Settings
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


def querela(
    database: DatabaseTarget, *args: str, key: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QUERELA_"))}
    env.update(DATABASE_URL=database.owner_dsn, QUERELA_APP_DATABASE_URL=database.app_dsn)
    if key is not None:
        env["QUERELA_AUDIT_SIGNING_KEY"] = str(key)
    return subprocess.run([QUERELA, *args], env=env, capture_output=True, text=True, timeout=120)


def verify(
    database: DatabaseTarget, slug: str, key: Path | None = None, *more: str
) -> subprocess.CompletedProcess[str]:
    return querela(database, "audit", "verify", "--tenant", slug, *more, key=key)


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


async def reseal_from(owner: asyncpg.Connection, first: int, changes: dict) -> None:
    """Rewrite event ``first`` and re-seal it and every event after it, links and all."""
    rows = await owner.fetch("SELECT * FROM audit_event WHERE seq >= $1 ORDER BY seq", first)
    previous = rows[0]["prev_hash"]
    statements = []
    for n, row in enumerate(rows):
        detail = changes if n == 0 else json.loads(row["detail"])
        digest = audit.event_hash(
            tenant_id=row["tenant_id"],
            seq=row["seq"],
            event_id=row["id"],
            occurred_at=row["occurred_at"],
            actor=row["actor"],
            action=row["action"],
            case_id=row["case_id"],
            detail=detail,
            prev_hash=previous,
        )
        statements.append(
            f"UPDATE audit_event SET detail = '{json.dumps(detail)}', prev_hash = '{previous}',"
            f" hash = '{digest}' WHERE seq = {row['seq']}"
        )
        previous = digest
    await tamper(owner, *statements)


async def test_signed_checkpoints_catch_what_the_chain_alone_cannot(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo, tmp_path: Path
):
    key = tmp_path / "audit-signing.key"
    signed = querela(database, "audit", "checkpoint", "--tenant", logged.slug, key=key)
    assert signed.returncode == 0, signed.stderr
    assert f"{logged.slug}: event {EVENTS} signed" in signed.stdout
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    held = verify(database, logged.slug, key)
    assert held.returncode == 0, held.stderr
    assert "1 signed checkpoint(s) hold" in held.stdout

    await reseal_from(owner_in, 3, {"n": "forged"})
    chain_only = verify(database, logged.slug)  # without the key: the chain is consistent
    resealed = verify(database, logged.slug, key)
    await tamper(owner_in, f"DELETE FROM audit_event WHERE seq = {EVENTS}")
    cut_short = verify(database, logged.slug, key)

    assert chain_only.returncode == 0
    assert resealed.returncode == 1
    assert f"broken at event {EVENTS}" in resealed.stderr
    assert "rewritten and re-sealed" in resealed.stderr
    assert cut_short.returncode == 1
    assert f"the log ends at event {EVENTS - 1}" in cut_short.stderr


async def test_anyone_checks_checkpoints_with_the_published_key_and_a_forgery_fails(
    owner_in: asyncpg.Connection, database: DatabaseTarget, logged: TenantInfo, tmp_path: Path
):
    key = tmp_path / "audit-signing.key"
    assert (
        querela(database, "audit", "checkpoint", "--tenant", logged.slug, key=key).returncode == 0
    )
    published = querela(database, "audit", "public-key", key=key)
    assert published.returncode == 0 and "BEGIN PUBLIC KEY" in published.stdout
    public = tmp_path / "public.pem"
    public.write_text(published.stdout)
    elsewhere = tmp_path / "no-private-key-here.key"

    third_party = verify(database, logged.slug, elsewhere, "--public-key", str(public))
    await tamper(
        owner_in, "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only"
    )
    await owner_in.execute("UPDATE audit_checkpoint SET seq = seq - 1")
    await owner_in.execute(
        "ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_append_only"
    )
    forged = verify(database, logged.slug, elsewhere, "--public-key", str(public))

    assert third_party.returncode == 0, third_party.stderr
    assert "1 signed checkpoint(s) hold" in third_party.stdout
    assert forged.returncode == 1
    assert "is not signed by this key" in forged.stderr


async def test_the_worker_signs_heads_that_grew_and_not_again_within_the_hour(
    database: DatabaseTarget,
    logged: TenantInfo,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    key = tmp_path / "audit-signing.key"
    mine = replace(settings, audit_signing_key=key)
    monkeypatch.setattr(checkpoints, "_next_scan", 0.0)

    first = await checkpoints.sign_due(mine)
    throttled = await checkpoints.sign_due(mine)  # looked just now: waits five minutes
    async with tenant_transaction(tenant_id=logged.id):
        await audit.record("test.more", actor="test")
    monkeypatch.setattr(checkpoints, "_next_scan", 0.0)
    within_the_hour = await checkpoints.sign_due(mine)
    monkeypatch.setattr(checkpoints, "_next_scan", 0.0)
    hourly_passed = await checkpoints.sign_due(mine, every=timedelta(0))

    assert first >= 1 and throttled == 0 and within_the_hour == 0 and hourly_passed >= 1
    async with tenant_transaction(tenant_id=logged.id):
        signed = await AuditCheckpoint.select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)
    assert [row["seq"] for row in signed] == [EVENTS, EVENTS + 1]
    held = verify(database, logged.slug, key)
    assert held.returncode == 0, held.stderr
    assert "2 signed checkpoint(s) hold" in held.stdout


def check_proof_file(proof: dict, public: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`querela audit check-proof` with no database and no private key, as a third party."""
    document = tmp_path / f"proof-{uuid.uuid4().hex[:6]}.json"
    document.write_text(json.dumps(proof))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QUERELA_"))}
    return subprocess.run(
        [QUERELA, "audit", "check-proof", str(document), "--public-key", str(public)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_an_inclusion_proof_convinces_a_third_party_and_a_doctored_one_does_not(
    database: DatabaseTarget, logged: TenantInfo, tmp_path: Path
):
    key = tmp_path / "audit-signing.key"
    uncovered = querela(database, "audit", "prove", "--tenant", logged.slug, "--event", "5")
    assert uncovered.returncode == 2 and "no signed checkpoint covers event 5" in uncovered.stderr
    assert (
        querela(database, "audit", "checkpoint", "--tenant", logged.slug, key=key).returncode == 0
    )
    public = tmp_path / "public.pem"
    public.write_text(querela(database, "audit", "public-key", key=key).stdout)

    proved = querela(database, "audit", "prove", "--tenant", logged.slug, "--event", "5")
    assert proved.returncode == 0, proved.stderr
    proof = json.loads(proved.stdout)
    held = check_proof_file(proof, public, tmp_path)

    assert held.returncode == 0, held.stderr
    assert "event 5 (test.step," in held.stdout and f"signed at event {EVENTS}" in held.stdout
    assert proof["event"]["detail"] == {"n": 4, "note": "ünïcode ✓"}
    assert len(proof["path"]) == 4  # log2 of 12, rounded up: not the other 11 events

    changed = json.loads(json.dumps(proof))
    changed["event"]["detail"]["n"] = 99
    resealed = json.loads(json.dumps(changed))
    resealed["event_hash"] = hashlib.sha256(
        json.dumps(
            resealed["event"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    ).hexdigest()
    moved = json.loads(json.dumps(proof))
    moved["path"][0], moved["path"][1] = moved["path"][1], moved["path"][0]
    backdated = json.loads(json.dumps(proof))
    backdated["checkpoint"]["signed_at"] = "2020-01-01T00:00:00.000000+00:00"
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))

    for doctored, with_key, reason in (
        (changed, public, "does not match its hash"),
        (resealed, public, "does not lead from the event to the signed root"),
        (moved, public, "does not lead from the event to the signed root"),
        (backdated, public, "signature does not hold"),
        (proof, stranger, "signed with another key"),
    ):
        refused = check_proof_file(doctored, with_key, tmp_path)
        assert refused.returncode == 1 and reason in refused.stderr, refused.stderr
