"""Bring a database up to date: Piccolo migrations as the owner, then the app role's grants."""

from __future__ import annotations

import contextlib
import io
import logging

import asyncpg

from core.db import engine
from core.db.placement import app_privileges_of

log = logging.getLogger(__name__)

#: Key of the advisory lock that keeps two migrators from running at once.
_MIGRATION_LOCK = 0x5155_4552_454C_41  # "QUERELA"


class MigrationError(RuntimeError):
    """A migration or the role set-up failed; the message says what to do."""


async def migrate(owner_dsn: str, app_role: str, app_role_password: str | None = None) -> None:
    """Apply every pending migration and (re)grant the application role.

    Safe to run from several processes at once: the second waits for the first.
    """
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from core.db.piccolo_app import TABLES

    lock = await asyncpg.connect(owner_dsn)
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        await engine.connect(owner_dsn)
        # Piccolo prints its progress; keep it for the log, not the terminal.
        chatter = io.StringIO()
        with contextlib.redirect_stdout(chatter):
            result = await run_forwards(app_name="querela")
        log.info("migrations: %s", chatter.getvalue().strip())
        if not result.success:
            raise MigrationError(f"migrations failed: {result.message}")
        await _ensure_app_role(lock, app_role, app_role_password)
        await _grant(lock, app_role, [(t._meta.tablename, app_privileges_of(t)) for t in TABLES])
    finally:
        await lock.close()


async def _ensure_app_role(conn: asyncpg.Connection, role: str, password: str | None) -> None:
    row = await conn.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", role
    )
    quoted = _ident(role)
    if row is None:
        try:
            await conn.execute(
                f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
        except asyncpg.InsufficientPrivilegeError as exc:
            raise MigrationError(
                f"the application role {role!r} does not exist and the owner may not create it;"
                f" create it once as an administrator: CREATE ROLE {quoted} LOGIN PASSWORD '...'"
            ) from exc
    elif row["rolsuper"] or row["rolbypassrls"]:
        raise MigrationError(
            f"the application role {role!r} is a superuser or bypasses row-level security;"
            " tenant isolation would not hold, so Querela refuses to use it"
        )
    if password:
        await conn.execute(f"ALTER ROLE {quoted} PASSWORD {_literal(password)}")
    owner = await conn.fetchval("SELECT current_user")
    if owner == role:
        raise MigrationError("the application role must not be the owner of the tables")


async def _grant(
    conn: asyncpg.Connection, role: str, tables: list[tuple[str, tuple[str, ...]]]
) -> None:
    quoted = _ident(role)
    database = await conn.fetchval("SELECT current_database()")
    async with conn.transaction():
        await conn.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {quoted}")
        await conn.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        for table, privileges in tables:
            await conn.execute(f"REVOKE ALL ON {_ident(table)} FROM {quoted}")
            if privileges:
                await conn.execute(f"GRANT {', '.join(privileges)} ON {_ident(table)} TO {quoted}")
        await conn.execute(f"GRANT EXECUTE ON FUNCTION querela_current_tenant() TO {quoted}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
