"""Piccolo's app config: the tables and the migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from core.audit.tables import AuditEvent
from core.auth.tables import StaffMember, StaffSession
from core.cases.tables import (
    Case,
    CaseFlag,
    Correspondence,
    Deadline,
    Party,
    ReferenceCounter,
)
from core.plugins.tables import TenantPlugin
from core.tenancy.tables import LoginAttempt, Tenant

TABLES: list[type[Table]] = [
    Tenant,
    LoginAttempt,
    Case,
    Party,
    Correspondence,
    ReferenceCounter,
    AuditEvent,
    StaffMember,
    StaffSession,
    TenantPlugin,
    CaseFlag,
    Deadline,
]

APP_CONFIG = AppConfig(
    app_name="querela",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
