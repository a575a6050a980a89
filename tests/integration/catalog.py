"""Reads the PostgreSQL catalog and lists every way the schema breaks the placement rules."""

from __future__ import annotations

import asyncpg

_TABLES = """
SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

_CONSTRAINTS = """
SELECT con.conname::text, con.contype::text AS contype,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) k
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k)::text[] AS columns
FROM pg_constraint con
WHERE con.conrelid = $1 AND con.contype IN ('p', 'u', 'f')
UNION ALL
SELECT i.relname::text, 'i', ARRAY(SELECT a.attname FROM unnest(ix.indkey) k
             JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k)::text[]
FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
WHERE ix.indrelid = $1 AND ix.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
"""

_KINDS = {"p": "primary key", "u": "unique constraint", "f": "foreign key", "i": "unique index"}


async def placement_problems(
    conn: asyncpg.Connection, placements: dict[str, str], schema: str = "public"
) -> list[str]:
    """Return one line per violation: a table without placement, a tenant table
    without forced RLS or policy, or a key of a tenant table that leaves out tenant_id."""
    problems: list[str] = []
    for table in await conn.fetch(_TABLES, schema):
        name = table["relname"]
        placement = placements.get(name)
        if placement is None:
            problems.append(f"{name}: declares no placement")
            continue
        if placement != "tenant":
            continue
        if not table["relrowsecurity"]:
            problems.append(f"{name}: row-level security is not enabled")
        if not table["relforcerowsecurity"]:
            problems.append(f"{name}: row-level security is not forced")
        if table["policies"] == 0:
            problems.append(f"{name}: has no row-level security policy")
        for constraint in await conn.fetch(_CONSTRAINTS, table["oid"]):
            if "tenant_id" not in constraint["columns"]:
                kind = _KINDS[constraint["contype"]]
                problems.append(f"{name}: {kind} {constraint['conname']} leaves out tenant_id")
    return problems
