"""Fixtures for testing a Querela plugin against a real core (pytest plugin ``querela``).

Installed with Querela and loaded by pytest through the ``pytest11`` entry point.
A plugin's test suite names the plugins under test and asks for a tenant::

    @pytest.fixture
    def querela_plugins():
        return [my_plugin]

    async def test_deadline(querela_register_case):
        case = await querela_register_case(subject="Late", description="Still waiting.")
        assert case.deadlines

What the fixtures give:

- ``querela_database``: a migrated PostgreSQL for the session (an embedded server
  in a temporary directory, or the empty database in ``DATABASE_URL``), started
  only when a test needs it.
- ``querela_engine``: Querela's connection pool on that database. A suite that
  already opened the pool (Querela's own) is reused, never reconnected.
- ``querela_plugins`` (override it): the plugin modules or objects to install.
- ``querela_plugin_settings`` (override it): settings per plugin name.
- ``querela_host``: a plugin host with exactly those plugins and no entry
  points, made the process's host for the test and restored afterwards.
- ``querela_tenant``: a new tenant with every plugin of ``querela_plugins``
  enabled and configured.
- ``querela_register_case``: registers a complaint for that tenant the way the
  intake API does and returns the stored case.

The database pool lives on one event loop, so the async fixtures run on the
session loop and so must the tests that use them: set
``asyncio_default_test_loop_scope = "session"`` (and the fixture loop scope) in
the plugin's pytest configuration. Importing this module does nothing else than
define the fixtures: Querela's own suite loads it too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest
import pytest_asyncio

# Querela's modules are imported inside the fixtures: pytest loads this plugin in
# every run in an environment with Querela, and most runs never ask for a database.
if TYPE_CHECKING:
    from core.cases.schemas import CaseDetail
    from core.db.servers import DatabaseTarget
    from core.plugins.host import PluginHost
    from tenants.provisioning import TenantInfo

#: The login role the application connects as in the test database.
APP_ROLE = "querela_app"
#: Who the fixtures' audit events name as the actor.
ACTOR = "pytest:querela"

T = TypeVar("T")


class RegisterCase(Protocol):
    """Register a complaint for ``querela_tenant``; fields are those of the intake API."""

    def __call__(self, **fields: Any) -> Awaitable[CaseDetail]: ...  # noqa: D102


def _run_in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to completion on a private event loop in a worker thread.

    Database set-up happens in a synchronous session fixture, before and apart
    from the loop the tests run on, so it must not touch that loop.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, work).result()


@pytest.fixture(scope="session")
def querela_database() -> Iterator[DatabaseTarget]:
    """A migrated Querela database for the session: embedded, or ``DATABASE_URL``'s.

    ``DATABASE_URL`` must name an owner (or superuser) of an empty database;
    ``QUERELA_APP_DATABASE_URL`` optionally names the application role's login.
    """
    from core.db.migrate import migrate
    from core.db.servers import (
        DatabaseTarget,
        bootstrap_embedded,
        start_embedded,
        stop_embedded,
        with_user,
    )

    configured = os.environ.get("DATABASE_URL")
    if configured:
        app = os.environ.get("QUERELA_APP_DATABASE_URL") or with_user(configured, APP_ROLE, None)
        _run_in_own_loop(migrate(configured, APP_ROLE))
        yield DatabaseTarget(owner_dsn=configured, app_dsn=app)
        return
    with tempfile.TemporaryDirectory(prefix="querela-plugin-test-") as tmp:
        pgdata = Path(tmp) / "pgdata"
        superuser = start_embedded(pgdata, cleanup="delete")
        try:
            owner = _run_in_own_loop(
                bootstrap_embedded(superuser, database=f"querela_plugin_test_{os.getpid()}")
            )
            _run_in_own_loop(migrate(owner, APP_ROLE))
            yield DatabaseTarget(owner_dsn=owner, app_dsn=with_user(owner, APP_ROLE, None))
        finally:
            stop_embedded(pgdata)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def querela_engine(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Querela's connection pool, open on a migrated database for the session.

    When the pool is open already (a suite with its own database fixtures, as
    Querela's is) it is used as it is, and no database is started.
    """
    from core.db import engine

    if engine.DB.pool is not None:
        yield
        return
    target: DatabaseTarget = request.getfixturevalue("querela_database")
    await engine.connect(target.app_dsn, pool_max=5)
    try:
        yield
    finally:
        await engine.disconnect()


@pytest.fixture
def querela_plugins() -> Sequence[object]:
    """The plugins under test: modules or objects carrying ``PLUGIN_INFO``. Override it."""
    return ()


@pytest.fixture
def querela_plugin_settings() -> Mapping[str, Mapping[str, Any]]:
    """Settings for the plugins under test, by plugin name. Override it to configure them."""
    return {}


@pytest.fixture
def querela_host(querela_plugins: Sequence[object]) -> Iterator[PluginHost]:
    """A plugin host holding exactly ``querela_plugins``, the process's host for the test."""
    from core.plugins import host as host_module

    previous = host_module._host
    host = host_module.PluginHost(autoload=False)
    for plugin in querela_plugins:
        host.register(plugin)
    host_module.use_plugin_host(host)
    try:
        yield host
    finally:
        host_module._host = previous
        host.close()


@pytest_asyncio.fixture(loop_scope="session")
async def querela_tenant(
    querela_engine: None,
    querela_host: PluginHost,
    querela_plugin_settings: Mapping[str, Mapping[str, Any]],
) -> TenantInfo:
    """A new tenant with every plugin of ``querela_plugins`` enabled and configured.

    Settings go through the plugin's settings schema, as an administrator's
    would: a setting the schema refuses fails the test with the field and reason.
    """
    from core.plugins.services import configure_plugin, enable_plugin
    from core.tenancy.context import tenant_transaction
    from tenants.provisioning import create_tenant

    unknown = set(querela_plugin_settings) - set(querela_host.names)
    if unknown:
        raise pytest.UsageError(
            f"querela_plugin_settings names plugins not in querela_plugins: {sorted(unknown)}"
        )
    slug = f"plugin-test-{uuid.uuid4().hex[:12]}"
    tenant = await create_tenant(slug, f"Plugin test {slug}")
    async with tenant_transaction(tenant_id=tenant.id):
        for name in querela_host.names:
            await enable_plugin(name, actor=ACTOR, host=querela_host)
            if name in querela_plugin_settings:
                await configure_plugin(
                    name, querela_plugin_settings[name], actor=ACTOR, host=querela_host
                )
    return tenant


#: A complaint that passes the core's own intake checks.
_COMPLAINT: Mapping[str, Any] = {
    "subject": "A complaint from the plugin's tests",
    "description": "Registered by the querela pytest plugin.",
    "channel": "api",
}


@pytest.fixture
def querela_register_case(querela_tenant: TenantInfo) -> RegisterCase:
    """An async function registering a complaint for ``querela_tenant``; returns the case.

    Its keyword arguments are the intake API's fields (``subject``,
    ``description``, ``channel``, ``received_at``, ``complainant``, ``fields``,
    ...), checked the same way; the ones left out get harmless defaults. The
    tenant's plugins are called as they are in production.
    """

    async def register(**fields: Any) -> CaseDetail:
        import msgspec

        from core.cases.schemas import NewCase
        from core.cases.services import register_case
        from core.tenancy.context import tenant_transaction

        new = msgspec.convert({**_COMPLAINT, **fields}, NewCase)
        async with tenant_transaction(tenant_id=querela_tenant.id):
            return await register_case(new, actor=ACTOR)

    return register


__all__ = [
    "RegisterCase",
    "querela_database",
    "querela_engine",
    "querela_host",
    "querela_plugin_settings",
    "querela_plugins",
    "querela_register_case",
    "querela_tenant",
]
