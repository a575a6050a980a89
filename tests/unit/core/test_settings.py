from pathlib import Path

import pytest

from core.db.servers import socket_dsn, with_user
from core.settings import Settings


def test_defaults_without_environment(monkeypatch):
    for name in (
        "DATABASE_URL",
        "QUERELA_DATA_DIR",
        "QUERELA_OTEL_EXPORTER",
        "QUERELA_BASE_DOMAIN",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.database_url is None
    assert settings.data_dir == Path(".querela").resolve()
    assert settings.otel_exporter == "none"
    assert settings.base_domain == "localhost"


def test_unknown_exporter_is_refused(monkeypatch):
    monkeypatch.setenv("QUERELA_OTEL_EXPORTER", "zipkin")
    with pytest.raises(ValueError, match="QUERELA_OTEL_EXPORTER"):
        Settings.from_env()


def test_app_dsn_swaps_only_the_user():
    assert (
        with_user(
            "postgresql://owner:secret@db.internal:5432/querela?sslmode=require",
            "querela_app",
            "p@ss",
        )
        == "postgresql://querela_app:p%40ss@db.internal:5432/querela?sslmode=require"
    )
    assert with_user("postgresql://db/querela", "app", None) == "postgresql://app@db/querela"


def test_socket_dsn_keeps_the_socket_directory():
    assert (
        socket_dsn(
            "postgresql://postgres:@/postgres?host=/tmp/pg",
            user="querela_owner",
            database="querela",
        )
        == "postgresql://querela_owner@/querela?host=/tmp/pg"
    )
