"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from litestar import get
from litestar.response import Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from core.db.engine import DB


@get("/healthz", include_in_schema=True, tags=["operations"], sync_to_thread=False)
def healthz() -> dict[str, str]:
    """Answer while the process runs."""
    return {"status": "ok"}


@get("/readyz", tags=["operations"])
async def readyz() -> Response[dict[str, str]]:
    """Answer 200 when the database answers within two seconds, else 503."""
    try:
        if DB.pool is None:
            raise ConnectionError("no database pool")
        async with asyncio.timeout(2), DB.pool.acquire() as connection:
            await connection.fetchval("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the reason goes to the body
        return Response(
            {"status": "unavailable", "reason": type(exc).__name__},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok"})
