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


def tenant_isolation(table: str) -> str:
    """Row-level security that shows a transaction only its own tenant's rows.

    Migrations use it as it is; a change of policy needs a new migration, not an
    edit here.
    """
    return f"""
    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON {table}
        USING (tenant_id = querela_current_tenant())
        WITH CHECK (tenant_id = querela_current_tenant());
    """
