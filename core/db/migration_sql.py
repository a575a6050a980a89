"""Helpers for migrations written as SQL."""

from __future__ import annotations

from core.db.engine import DB


async def execute_script(sql: str) -> None:
    """Run several SQL statements inside the migration's transaction.

    asyncpg runs a script without parameters through the simple query protocol,
    which accepts many statements at once.
    """
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("migration SQL must run inside the migration's transaction")
    await transaction.connection.execute(sql)
