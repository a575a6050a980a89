"""The one Piccolo engine every table is bound to.

Piccolo binds tables to an engine when their classes are created, so the engine
exists from import time and is pointed at a database later, by ``connect``. A
process connects as the owner to migrate and as the application role to serve;
it never holds both at once.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine

#: Oldest PostgreSQL Querela supports (the design's floor for production servers).
MIN_SERVER_VERSION = 15


class QuerelaEngine(PostgresEngine):
    """Piccolo's engine without its connection attempt at construction time.

    Piccolo checks the server version when an engine is created, before there is
    anything to connect to; ``connect`` checks it instead.
    """

    async def check_version(self) -> None:
        """Skip the construction-time check (see ``connect``)."""

    async def prep_database(self) -> None:
        """Skip: extensions are created by migrations, as the owner."""


DB = QuerelaEngine(config={"dsn": "postgresql:///unconfigured"})


def transaction_connection() -> asyncpg.Connection[asyncpg.Record]:
    """The connection of the running transaction, for SQL that Piccolo does not write."""
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("this runs only inside a (tenant) transaction")
    connection: asyncpg.Connection[asyncpg.Record] = transaction.connection
    return connection


def _config(dsn: str) -> dict[str, Any]:
    return {"dsn": dsn, "server_settings": {"application_name": "querela"}}


async def connect(dsn: str, *, pool_max: int | None = None) -> None:
    """Point the engine at ``dsn``; with ``pool_max`` also open a connection pool."""
    await disconnect()
    DB.config = _config(dsn)
    probe = await asyncpg.connect(**DB.config)
    try:
        version = probe.get_server_version().major
    finally:
        await probe.close()
    if version < MIN_SERVER_VERSION:
        raise RuntimeError(f"PostgreSQL {version} is too old; Querela needs {MIN_SERVER_VERSION}+")
    if pool_max is not None:
        await DB.start_connection_pool(min_size=1, max_size=pool_max)


async def disconnect() -> None:
    """Close the pool if one is open."""
    if DB.pool is not None:
        await DB.close_connection_pool()
