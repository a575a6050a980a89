"""A request's writes commit only with a successful response, and the response
is only sent once they have."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from litestar import Litestar, Request, Response, Router, post
from litestar.config.app import AppConfig
from litestar.params import FromQuery
from litestar.plugins import InitPluginProtocol

from core.app import create_app, request_middleware, security_of
from core.cases.schemas import NewCase
from core.cases.services import register_case
from core.cases.tables import Case
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

NEW = NewCase(subject="Written, then abandoned", description="This must not be kept.")


@post("/write-then-fail", status_code=200)
async def write_then_fail(status: FromQuery[int]) -> Response[dict]:
    await register_case(NEW, actor="test")
    return Response({"status_code": status, "detail": "refused after writing"}, status_code=status)


@post("/write-then-raise")
async def write_then_raise() -> None:
    await register_case(NEW, actor="test")
    raise RuntimeError("handler crashed after writing")


@post("/write-then-lose-connection", status_code=201)
async def write_then_lose_connection(request: Request) -> dict[str, str]:
    """Writes a case, then has its database connection killed before the commit."""
    case = await register_case(NEW, actor="test")
    [row] = await Case.raw("SELECT pg_backend_pid() AS pid")
    killer = await asyncpg.connect(request.app.state["settings"].app_database_url)
    try:
        await killer.execute("SELECT pg_terminate_backend($1)", row["pid"])
    finally:
        await killer.close()
    return {"id": str(case.id)}


class ProbePlugin(InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.append(
            Router(
                path="/probe",
                route_handlers=[write_then_fail, write_then_raise, write_then_lose_connection],
                middleware=request_middleware(security_of(app_config.state)),
            )
        )
        return app_config


@pytest.fixture(scope="module")
async def probe_client(settings: Settings, client: httpx.AsyncClient):
    app: Litestar = create_app(settings, extensions=[ProbePlugin()])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


async def case_count(tenant: TenantHandle) -> int:
    async with tenant_transaction(slug=tenant.slug):
        return await Case.count()


@pytest.mark.parametrize("status", [400, 409, 422, 500, 503])
async def test_error_status_rolls_back_what_the_handler_wrote(
    probe_client: httpx.AsyncClient, tenant: TenantHandle, status: int
):
    response = await probe_client.post(
        f"/probe/write-then-fail?status={status}", headers=host(tenant)
    )
    assert response.status_code == status
    assert await case_count(tenant) == 0


async def test_success_status_commits(probe_client: httpx.AsyncClient, tenant: TenantHandle):
    response = await probe_client.post("/probe/write-then-fail?status=200", headers=host(tenant))
    assert response.status_code == 200
    assert await case_count(tenant) == 1


async def test_exception_rolls_back_what_the_handler_wrote(
    probe_client: httpx.AsyncClient, tenant: TenantHandle
):
    response = await probe_client.post("/probe/write-then-raise", headers=host(tenant))
    assert response.status_code == 500
    assert await case_count(tenant) == 0


async def test_failed_commit_is_never_reported_as_success(
    probe_client: httpx.AsyncClient, tenant: TenantHandle
):
    response = await probe_client.post("/probe/write-then-lose-connection", headers=host(tenant))
    assert response.status_code == 503
    assert "nothing was recorded" in response.json()["detail"]
    assert await case_count(tenant) == 0
