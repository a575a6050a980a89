"""Rotating a tenant's keys while the service keeps running.

``rotate`` adds a data-key version (new values are sealed with it from then on),
seals every stored value again with it in short batches, and deletes the old
versions once nothing uses them. Readers never wait for it: a value opens with
whichever version sealed it, and every version stays until no value needs it.
A process that has not yet noticed the new version may seal a value with the
old one for up to ``REFRESH_SECONDS``; the old version is therefore deleted
only after twice that time, and after a last check that no value still uses it
(run ``rotate`` again later if the check finds one).

``master=True`` first rotates the tenant's key-encryption key in the key manager
and wraps the stored data keys again with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from core.crypto import keyring
from core.crypto.fields import SEALED, seal_with
from core.db.engine import transaction_connection
from core.errors import NotFound
from core.tenancy.context import tenant_transaction

#: Rows sealed again per transaction.
BATCH = 500


@dataclass(slots=True)
class RotationReport:
    """What a rotation did."""

    version: int
    resealed: dict[str, int] = field(default_factory=dict)
    retired: list[int] = field(default_factory=list)
    #: Old versions still present (a value still uses them, or the grace time has not passed).
    kept: list[int] = field(default_factory=list)
    master_rotated: bool = False


async def rotate(
    tenant_id: UUID,
    *,
    master: bool = False,
    grace: timedelta = timedelta(seconds=2 * keyring.REFRESH_SECONDS),
) -> RotationReport:
    """Rotate the tenant's data key (and with ``master`` its key-encryption key)."""
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is None:
            raise NotFound("no such tenant")
        await keyring.keyring()  # the first version, if the tenant never sealed anything
        if master:
            keyring.manager().rotate(keyring.kek_name(tenant_id))
            await keyring.rewrap(tenant_id)
        version = await keyring.add_version(tenant_id)
    report = RotationReport(version=version, master_rotated=master)
    for table in SEALED:
        report.resealed[table] = await _reseal_table(tenant_id, table, version)
    await _retire(tenant_id, version, grace, report)
    return report


async def reseal(tenant_id: UUID) -> dict[str, int]:
    """Seal every value not yet sealed with the current version (values stored in clear too)."""
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is None:
            raise NotFound("no such tenant")
        version = (await keyring.keyring()).current
    return {table: await _reseal_table(tenant_id, table, version) for table in SEALED}


def _stale(table: str, version: int) -> str:
    prefix = f"'{keyring.PREFIX}{version}:'"
    return " OR ".join(
        f"({column} IS NOT NULL AND NOT starts_with({column}, {prefix}))"
        for column in SEALED[table]
    )


async def _reseal_table(tenant_id: UUID, table: str, version: int) -> int:
    columns = SEALED[table]
    listed = ", ".join(columns)
    total = 0
    while True:
        async with tenant_transaction(tenant_id=tenant_id):
            connection = transaction_connection()
            rows = await connection.fetch(
                f"SELECT id, {listed} FROM {table} WHERE {_stale(table, version)}"
                f" ORDER BY id LIMIT {BATCH} FOR UPDATE"
            )
            if not rows:
                return total
            ring = await keyring.opener([row[c] for row in rows for c in columns])
            for row in rows:
                plain: dict[str, Any] = {"id": row["id"]}
                for column in columns:
                    plain[column] = ring.open(row[column], f"{table}.{column}", row["id"])
                await _write(connection, table, seal_with(ring, table, plain))
            total += len(rows)


async def _write(connection: Any, table: str, row: dict[str, Any]) -> None:
    columns = [c for c in row if c != "id"]
    assignments = ", ".join(f"{c} = ${n}" for n, c in enumerate(columns, 2))
    await connection.execute(
        f"UPDATE {table} SET {assignments} WHERE id = $1", row["id"], *(row[c] for c in columns)
    )


async def _retire(tenant_id: UUID, current: int, grace: timedelta, report: RotationReport) -> None:
    async with tenant_transaction(tenant_id=tenant_id):
        connection = transaction_connection()
        made = await connection.fetchval(
            "SELECT created_at FROM tenant_key WHERE version = $1", current
        )
        old = [
            row["version"]
            for row in await connection.fetch(
                "SELECT version FROM tenant_key WHERE version < $1 ORDER BY version", current
            )
        ]
        if not old:
            return
        in_use = False
        for table in SEALED:
            in_use = in_use or await connection.fetchval(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {_stale(table, current)})"
            )
        if in_use or datetime.now(UTC) - made < grace:
            report.kept = old
            return
        await connection.execute("DELETE FROM tenant_key WHERE version < $1", current)
        report.retired = old
    keyring.forget(tenant_id)
