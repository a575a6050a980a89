"""A tenant's data as one archive; the format is described in ``tenants/EXPORT.md``."""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from core.crypto.fields import SEALED, opened
from core.db.piccolo_app import TABLES
from core.db.placement import placement_of
from core.errors import Conflict
from core.tenancy.context import tenant_transaction
from tenants.provisioning import get_tenant

#: Version of the archive layout (not of the database schema); see EXPORT.md.
FORMAT = "querela-tenant-export"
FORMAT_VERSION = 1

#: Tenant tables left out of every export, with the reason recorded in the manifest.
EXCLUDED = {
    "staff_session": "signed-in browsers: short-lived credentials, not the tenant's records",
    "tenant_key": "wrapped data keys: sealed columns are exported in plain text instead",
    "attachment_key": "the keys of stored files, which the archive does not hold",
}


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """One table in the archive."""

    name: str
    file: str
    rows: int
    columns: list[str]


def schema_version() -> str:
    """Return the id of the newest migration this code knows (``2026-11-24T03:00:00:000000``)."""
    package = importlib.import_module("core.db.migrations")
    ids = [
        str(importlib.import_module(f"{package.__name__}.{module.name}").ID)
        for module in pkgutil.iter_modules(package.__path__)
    ]
    return max(ids)


def exported_tables() -> list[str]:
    """The tenant tables an export contains, in schema order."""
    return [
        table._meta.tablename
        for table in TABLES
        if placement_of(table) == "tenant" and table._meta.tablename not in EXCLUDED
    ]


async def write_export(slug: str, out: IO[bytes]) -> dict[str, Any]:
    """Write the tenant's archive (a zip file) to ``out``; return its manifest.

    Every table is read in one tenant transaction. Raises ``Conflict`` for a tenant that is neither
    served nor being provisioned.
    """
    info = await get_tenant(slug)
    created = datetime.now(UTC)
    tables: list[ExportedTable] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async with tenant_transaction(slug=slug, include_provisioning=True) as (tenant, tx):
            if tenant is None:
                raise Conflict(f"tenant {slug!r} is {info.status}; it cannot be exported")
            conn = tx.connection
            for name in exported_tables():
                columns = [
                    str(row["column_name"])
                    for row in await conn.fetch(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_schema = 'public' AND table_name = $1"
                        " ORDER BY ordinal_position",
                        name,
                    )
                ]
                file = f"tables/{name}.jsonl"
                count = 0
                with archive.open(file, "w") as target:
                    # PostgreSQL renders each row: ISO 8601 times, arrays and jsonb as JSON.
                    query = f'SELECT row_to_json(t)::text FROM "{name}" t ORDER BY t.id'
                    async for record in conn.cursor(query, prefetch=500):
                        line = record[0]
                        if name in SEALED:
                            line = json.dumps(await _opened(name, json.loads(line)))
                        target.write(line.encode() + b"\n")
                        count += 1
                tables.append(ExportedTable(name=name, file=file, rows=count, columns=columns))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": schema_version(),
            "created_at": created.isoformat(),
            "tenant": {
                "id": str(info.id),
                "slug": info.slug,
                "name": info.name,
                "status": info.status,
                "sector": info.sector,
                "reference_prefix": info.reference_prefix,
                "timezone": info.timezone,
                "default_language": info.default_language,
                "created_at": info.created_at.isoformat(),
            },
            "tables": [asdict(table) for table in tables],
            "excluded_tables": EXCLUDED,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


async def _opened(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with its sealed columns in plain text (the id is text in JSON)."""
    [plain] = await opened(table, [{**row, "id": UUID(row["id"])}])
    return {**plain, "id": row["id"]}


async def export(slug: str, directory: Path) -> Path:
    """Write the tenant's archive into ``directory``; return the file's path."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"querela-export-{slug}-{stamp}.zip"
    partial = path.with_suffix(".zip.part")
    with partial.open("wb") as out:
        await write_export(slug, out)
    partial.replace(path)
    return path
