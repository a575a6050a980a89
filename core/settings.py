"""Process settings, read once from the environment.

Every setting has a working default for a developer's machine; production sets
the environment variables named beside each field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

ExporterName = Literal["none", "console", "otlp"]


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

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the process environment."""
        exporter = _env("QUERELA_OTEL_EXPORTER", "none")
        if exporter not in ("none", "console", "otlp"):
            raise ValueError(
                f"QUERELA_OTEL_EXPORTER must be none, console or otlp, not {exporter!r}"
            )
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            app_database_url=os.environ.get("QUERELA_APP_DATABASE_URL") or None,
            app_role=_env("QUERELA_APP_ROLE", "querela_app"),
            app_role_password=os.environ.get("QUERELA_APP_DB_PASSWORD") or None,
            data_dir=Path(_env("QUERELA_DATA_DIR", ".querela")).expanduser().resolve(),
            base_domain=_env("QUERELA_BASE_DOMAIN", "localhost").lower(),
            otel_exporter=exporter,  # type: ignore[arg-type]
            max_body_bytes=int(_env("QUERELA_MAX_BODY_BYTES", "1048576")),
            db_pool_max=int(_env("QUERELA_DB_POOL_MAX", "10")),
        )

    def with_database(self, database_url: str, app_database_url: str | None = None) -> Settings:
        """Return a copy pointing at another database (used by the embedded server and tests)."""
        return replace(self, database_url=database_url, app_database_url=app_database_url)
