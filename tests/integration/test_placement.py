"""Every table declares where it lives, and tenant tables are isolated by the database."""

from __future__ import annotations

import asyncpg

from core.db.piccolo_app import TABLES
from core.db.placement import FRAMEWORK_TABLES, placement_of
from tests.integration.catalog import placement_problems


def declared_placements() -> dict[str, str]:
    placements: dict[str, str] = dict(FRAMEWORK_TABLES)
    for table in TABLES:
        placement = placement_of(table)
        if placement is not None:
            placements[table._meta.tablename] = placement
    return placements


async def test_schema_keeps_the_placement_rules(owner: asyncpg.Connection):
    assert await placement_problems(owner, declared_placements()) == []


async def test_placement_check_catches_each_kind_of_violation(owner: asyncpg.Connection):
    """The check above can fail: here it is shown a schema that breaks every rule."""
    async with owner.transaction():
        await owner.execute(
            """
            CREATE SCHEMA placement_probe;
            CREATE TABLE placement_probe.stray (id int PRIMARY KEY);
            CREATE TABLE placement_probe.parent (
                tenant_id uuid NOT NULL, id uuid NOT NULL, code text,
                PRIMARY KEY (tenant_id, id), UNIQUE (code));
            ALTER TABLE placement_probe.parent ENABLE ROW LEVEL SECURITY;
            CREATE TABLE placement_probe.child (
                tenant_id uuid NOT NULL, id uuid PRIMARY KEY, parent_code text
                REFERENCES placement_probe.parent (code));
            CREATE UNIQUE INDEX child_loose ON placement_probe.child (parent_code);
            """
        )
        problems = await placement_problems(
            owner, {"parent": "tenant", "child": "tenant"}, schema="placement_probe"
        )
        await owner.execute("DROP SCHEMA placement_probe CASCADE")

    assert "stray: declares no placement" in problems
    assert "parent: row-level security is not forced" in problems
    assert "parent: has no row-level security policy" in problems
    assert any("parent: unique constraint" in p for p in problems)
    assert "child: row-level security is not enabled" in problems
    assert any("child: primary key" in p for p in problems)
    assert any("child: foreign key" in p for p in problems)
    assert any("child: unique index child_loose" in p for p in problems)


async def test_every_table_class_is_placed_and_matches_the_catalog(owner: asyncpg.Connection):
    for table in TABLES:
        assert placement_of(table) is not None, f"{table.__name__} declares no placement"
        rows = await owner.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1",
            table._meta.tablename,
        )
        in_catalog = {r["column_name"] for r in rows}
        in_class = {c._meta.db_column_name for c in table._meta.columns}
        assert in_class == in_catalog, table.__name__


async def test_app_role_is_neither_owner_nor_superuser(app_conn: asyncpg.Connection):
    role = await app_conn.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    owners = await app_conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
    )
    assert role["rolsuper"] is False
    assert role["rolbypassrls"] is False
    assert owners == []
