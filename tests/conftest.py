"""Fixtures shared by the whole suite: a real PostgreSQL, migrated, and the app on it.

Without ``DATABASE_URL`` the suite starts its own embedded PostgreSQL in a
temporary directory and deletes it afterwards. With ``DATABASE_URL`` (an owner
or superuser of an empty database) it runs against that server instead.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar import Litestar
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.app import create_app
from core.db import engine
from core.db.migrate import migrate
from core.db.servers import (
    DatabaseTarget,
    bootstrap_embedded,
    start_embedded,
    stop_embedded,
    with_user,
)
from core.settings import Settings
from core.telemetry import build_tracer_provider
from frontend import FrontendPlugin
from tenants.api import ControlPlanePlugin
from tests.fixtures.control_plane import (  # noqa: F401 - fixtures
    control_plane,
    keycloak_down,
    mailbox,
)
from tests.fixtures.keycloak import KeycloakInstance, keycloak  # noqa: F401 - fixture
from tests.fixtures.mail import intake  # noqa: F401 - fixture
from tests.fixtures.smtp import smtp  # noqa: F401 - fixture
from tests.fixtures.staff import TenantHandle, new_tenant

APP_ROLE = "querela_app"


@pytest.fixture(scope="session")
def superuser_dsn() -> Iterator[str]:
    """A PostgreSQL server for the session."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    with tempfile.TemporaryDirectory(prefix="querela-test-") as tmp:
        pgdata = Path(tmp) / "pgdata"
        yield start_embedded(pgdata, cleanup="delete")
        # Stop the server before its directory goes, rather than at interpreter exit.
        stop_embedded(pgdata)


@pytest.fixture(scope="session")
async def database(superuser_dsn: str) -> DatabaseTarget:
    """A freshly migrated database, with the owner's and the app role's DSNs."""
    if os.environ.get("DATABASE_URL"):
        owner = superuser_dsn
        app = os.environ.get("QUERELA_APP_DATABASE_URL") or with_user(owner, APP_ROLE, None)
    else:
        owner = await bootstrap_embedded(superuser_dsn, database=f"querela_test_{os.getpid()}")
        app = with_user(owner, APP_ROLE, None)
    await migrate(owner, APP_ROLE)
    return DatabaseTarget(owner_dsn=owner, app_dsn=app)


@pytest.fixture(scope="session")
def querela_database(database: DatabaseTarget) -> DatabaseTarget:
    """The vendors' pytest plugin uses the suite's database rather than a second server."""
    return database


@pytest.fixture(scope="session")
def settings(database: DatabaseTarget, keycloak: KeycloakInstance) -> Settings:
    """Settings pointing at the test database and the test Keycloak."""
    return Settings(
        database_url=database.owner_dsn,
        app_database_url=database.app_dsn,
        max_body_bytes=64 * 1024,
        keycloak_url=keycloak.url,
        # The suite's client sends from one address; the limit has a test of its own.
        public_submissions_per_10_min=100_000,
        # The suite's webhook receivers listen on this machine.
        webhook_private_networks=True,
    )


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span the app finishes, for tests that assert on traces."""
    return InMemorySpanExporter()


@pytest.fixture(scope="session")
def metric_reader() -> InMemoryMetricReader:
    """Every metric the process records; installed before the app so the app keeps it."""
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    return reader


@pytest.fixture(scope="session")
def app(
    settings: Settings, spans: InMemorySpanExporter, metric_reader: InMemoryMetricReader
) -> Litestar:
    """The application as `querela serve` builds it, traced into memory."""
    provider = build_tracer_provider("none", exporter=spans)
    return create_app(
        settings, extensions=[FrontendPlugin(), ControlPlanePlugin()], tracer_provider=provider
    )


@pytest.fixture(scope="session")
async def client(app: Litestar, database: DatabaseTarget) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in-process, on the session's event loop.

    The pool is opened here rather than by the app's lifespan so that it lives on
    the tests' loop; the lifespan itself is exercised by the `querela dev` test.
    """
    await engine.connect(database.app_dsn, pool_max=10)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            yield http
    finally:
        await engine.disconnect()


@pytest.fixture
async def owner(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the owner of the tables (still under forced row-level security)."""
    conn = await asyncpg.connect(database.owner_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def app_conn(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as the application role."""
    conn = await asyncpg.connect(database.app_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def tenant(client: httpx.AsyncClient, keycloak: KeycloakInstance) -> TenantHandle:
    """A fresh tenant with its Keycloak organization and a handler-supervisor."""
    return await new_tenant(keycloak)


@pytest.fixture
async def other_tenant(client: httpx.AsyncClient, keycloak: KeycloakInstance) -> TenantHandle:
    """A second fresh tenant, to try to reach the first one's data from."""
    return await new_tenant(keycloak)


def host(tenant: TenantHandle) -> dict[str, str]:
    """Headers that address ``tenant`` by its host name, as its handler."""
    return tenant.headers
