"""Process settings, read once from the environment.

Every setting has a working default for a developer's machine; production sets
the environment variables named beside each field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

ExporterName = Literal["none", "console", "otlp"]

#: The service account secret of the development realm (deploy/keycloak); never in production.
DEV_CONTROL_PLANE_SECRET = "dev-only-control-plane-secret-change-me"  # noqa: S105


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True, slots=True)
class Settings:
    """What a Querela process needs to know about its surroundings."""

    #: Owner connection (migrations). Unset means the embedded PostgreSQL. ``DATABASE_URL``
    database_url: str | None = None
    #: Connection of the application role. Derived from ``database_url`` when unset.
    #: ``QUERELA_APP_DATABASE_URL``
    app_database_url: str | None = None
    #: Login role the application connects as; never the owner, never a superuser.
    #: ``QUERELA_APP_ROLE``
    app_role: str = "querela_app"
    #: Password given to the application role when migrations create it.
    #: ``QUERELA_APP_DB_PASSWORD``
    app_role_password: str | None = None
    #: Where the embedded PostgreSQL keeps its data between runs. ``QUERELA_DATA_DIR``
    data_dir: Path = field(default_factory=lambda: Path(".querela").resolve())
    #: Domain under which tenants get ``<slug>.<base_domain>``. ``QUERELA_BASE_DOMAIN``
    base_domain: str = "localhost"
    #: Trace exporter: none, console or otlp. ``QUERELA_OTEL_EXPORTER``
    otel_exporter: ExporterName = "none"
    #: Largest request body accepted by the JSON API, in bytes. ``QUERELA_MAX_BODY_BYTES``
    max_body_bytes: int = 1_048_576
    #: Connections the application keeps open. ``QUERELA_DB_POOL_MAX``
    db_pool_max: int = 10
    #: Address at which people reach the service; tenants get ``<slug>.`` before
    #: its host. ``QUERELA_PUBLIC_URL``
    public_url: str = "http://localhost:8000"
    #: Keycloak's base URL and realm. ``KEYCLOAK_URL``, ``KEYCLOAK_REALM``
    keycloak_url: str = "http://127.0.0.1:8180"
    keycloak_realm: str = "querela"
    #: The issuer tokens must name; defaults to ``<keycloak_url>/realms/<realm>``.
    #: ``KEYCLOAK_ISSUER``
    keycloak_issuer: str | None = None
    #: Browser client (PKCE), and the audience the API requires in access tokens.
    web_client_id: str = "querela-web"
    api_audience: str = "querela-api"
    #: Service account the control plane provisions organisations with.
    #: ``KEYCLOAK_CONTROL_PLANE_CLIENT_ID``, ``KEYCLOAK_CONTROL_PLANE_SECRET``
    control_plane_client_id: str = "querela-control-plane"
    control_plane_secret: str = DEV_CONTROL_PLANE_SECRET
    #: Clock difference tolerated when checking token times, in seconds. ``QUERELA_TOKEN_LEEWAY``
    token_leeway: int = 30
    #: Whether `querela dev` starts the local Keycloak. ``QUERELA_DEV_KEYCLOAK``
    dev_keycloak: bool = True
    #: Whether webhooks may be posted to loopback, private and link-local addresses
    #: (a receiver on this machine, in development). Off, a tenant cannot point
    #: Querela at the service's own network. ``QUERELA_WEBHOOK_PRIVATE_NETWORKS``
    webhook_private_networks: bool = False
    #: Where the filesystem storage keeps attachment content; unset means
    #: ``<data_dir>/attachments`` (see ``attachments_root``). ``QUERELA_ATTACHMENTS_DIR``
    attachments_dir: Path | None = None
    #: The Ed25519 key audit checkpoints are signed with (PEM); unset means
    #: ``<data_dir>/audit-signing.key`` (see ``audit_signing_key_path``).
    #: ``QUERELA_AUDIT_SIGNING_KEY``
    audit_signing_key: Path | None = None
    #: Which key manager wraps the tenants' data keys: ``file`` (key files in
    #: ``key_dir``) or ``package.module:factory`` for a KMS. ``QUERELA_KEY_MANAGER``
    key_manager: str = "file"
    #: Where the file key manager keeps its keys; unset means ``<data_dir>/keys``.
    #: Keep it off the database host and out of database backups. ``QUERELA_KEY_DIR``
    key_dir: Path | None = None
    #: Largest attachment accepted, in bytes (25 MiB). ``QUERELA_MAX_ATTACHMENT_BYTES``
    max_attachment_bytes: int = 25 * 1024 * 1024
    #: Public complaints one client address may send in ten minutes (a tenant as a whole
    #: takes 50 times as many). ``QUERELA_PUBLIC_SUBMISSIONS_PER_10_MIN``
    public_submissions_per_10_min: int = 5
    #: Domain of the tenants' mail addresses, ``<slug>@<mail_domain>``. ``QUERELA_MAIL_DOMAIN``
    mail_domain: str = "mail.localhost"
    #: Where `querela mail serve` listens for inbound mail.
    #: ``QUERELA_SMTP_LISTEN_HOST``, ``QUERELA_SMTP_LISTEN_PORT``
    smtp_listen_host: str = "127.0.0.1"
    smtp_listen_port: int = 2525
    #: The relay outbound mail is handed to, and its sender address.
    #: ``QUERELA_SMTP_RELAY_HOST``, ``QUERELA_SMTP_RELAY_PORT``, ``QUERELA_SMTP_FROM``
    smtp_relay_host: str = "127.0.0.1"
    smtp_relay_port: int = 1025
    smtp_from: str = "complaints@localhost"
    #: Largest inbound email accepted, in bytes. ``QUERELA_MAX_EMAIL_BYTES``
    max_email_bytes: int = 10 * 1024 * 1024

    @property
    def attachments_root(self) -> Path:
        """The directory attachment content is stored under."""
        return self.attachments_dir or self.data_dir / "attachments"

    @property
    def audit_signing_key_path(self) -> Path:
        """Where the audit checkpoint signing key is kept."""
        return self.audit_signing_key or self.data_dir / "audit-signing.key"

    @property
    def key_directory(self) -> Path:
        """Where the file key manager keeps the tenants' key-encryption keys."""
        return self.key_dir or self.data_dir / "keys"

    @property
    def issuer(self) -> str:
        """The ``iss`` every accepted token carries."""
        return self.keycloak_issuer or f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    def tenant_url(self, slug: str) -> str:
        """Return the base URL of a tenant's own host, e.g. ``http://acme.localhost:8000``."""
        parts = urlsplit(self.public_url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{slug}.{self.base_domain}{port}"

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the process environment."""
        exporter = _env("QUERELA_OTEL_EXPORTER", "none")
        if exporter not in ("none", "console", "otlp"):
            raise ValueError(
                f"QUERELA_OTEL_EXPORTER must be none, console or otlp, not {exporter!r}"
            )
        public_url = _env("QUERELA_PUBLIC_URL", "http://localhost:8000").rstrip("/")
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            app_database_url=os.environ.get("QUERELA_APP_DATABASE_URL") or None,
            app_role=_env("QUERELA_APP_ROLE", "querela_app"),
            app_role_password=os.environ.get("QUERELA_APP_DB_PASSWORD") or None,
            data_dir=Path(_env("QUERELA_DATA_DIR", ".querela")).expanduser().resolve(),
            base_domain=_env(
                "QUERELA_BASE_DOMAIN", urlsplit(public_url).hostname or "localhost"
            ).lower(),
            otel_exporter=exporter,  # type: ignore[arg-type]
            max_body_bytes=int(_env("QUERELA_MAX_BODY_BYTES", "1048576")),
            db_pool_max=int(_env("QUERELA_DB_POOL_MAX", "10")),
            public_url=public_url,
            keycloak_url=_env("KEYCLOAK_URL", "http://127.0.0.1:8180").rstrip("/"),
            keycloak_realm=_env("KEYCLOAK_REALM", "querela"),
            keycloak_issuer=os.environ.get("KEYCLOAK_ISSUER") or None,
            control_plane_client_id=_env(
                "KEYCLOAK_CONTROL_PLANE_CLIENT_ID", "querela-control-plane"
            ),
            control_plane_secret=_env(
                "KEYCLOAK_CONTROL_PLANE_SECRET",
                DEV_CONTROL_PLANE_SECRET,
            ),
            token_leeway=int(_env("QUERELA_TOKEN_LEEWAY", "30")),
            dev_keycloak=_env("QUERELA_DEV_KEYCLOAK", "1") not in ("0", "false", "no"),
            webhook_private_networks=_env("QUERELA_WEBHOOK_PRIVATE_NETWORKS", "0")
            in ("1", "true", "yes"),
            audit_signing_key=(
                Path(os.environ["QUERELA_AUDIT_SIGNING_KEY"]).expanduser().resolve()
                if os.environ.get("QUERELA_AUDIT_SIGNING_KEY")
                else None
            ),
            key_manager=_env("QUERELA_KEY_MANAGER", "file"),
            key_dir=(
                Path(os.environ["QUERELA_KEY_DIR"]).expanduser().resolve()
                if os.environ.get("QUERELA_KEY_DIR", "").strip()
                else None
            ),
            attachments_dir=(
                Path(os.environ["QUERELA_ATTACHMENTS_DIR"]).expanduser().resolve()
                if os.environ.get("QUERELA_ATTACHMENTS_DIR", "").strip()
                else None
            ),
            max_attachment_bytes=int(_env("QUERELA_MAX_ATTACHMENT_BYTES", str(25 * 1024 * 1024))),
            public_submissions_per_10_min=int(_env("QUERELA_PUBLIC_SUBMISSIONS_PER_10_MIN", "5")),
            mail_domain=_env("QUERELA_MAIL_DOMAIN", "mail.localhost").lower(),
            smtp_listen_host=_env("QUERELA_SMTP_LISTEN_HOST", "127.0.0.1"),
            smtp_listen_port=int(_env("QUERELA_SMTP_LISTEN_PORT", "2525")),
            smtp_relay_host=_env("QUERELA_SMTP_RELAY_HOST", "127.0.0.1"),
            smtp_relay_port=int(_env("QUERELA_SMTP_RELAY_PORT", "1025")),
            smtp_from=_env("QUERELA_SMTP_FROM", "complaints@localhost"),
            max_email_bytes=int(_env("QUERELA_MAX_EMAIL_BYTES", str(10 * 1024 * 1024))),
        )

    def with_database(self, database_url: str, app_database_url: str | None = None) -> Settings:
        """Return a copy pointing at another database (used by the embedded server and tests)."""
        return replace(self, database_url=database_url, app_database_url=app_database_url)
