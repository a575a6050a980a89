"""Piccolo's app config: the tables and the migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.audit.tables import AuditEvent
from core.cases.tables import Case, Correspondence, Party, ReferenceCounter
from core.tenancy.tables import Tenant

TABLES = [Tenant, Case, Party, Correspondence, ReferenceCounter, AuditEvent]

APP_CONFIG = AppConfig(
    app_name="querela",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
