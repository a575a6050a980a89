"""Piccolo's app config: the tables and the migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from core.access.tables import ACCESS_TABLES
from core.apikeys.tables import ApiKey
from core.attachments.tables import Attachment, AttachmentKey
from core.audit.tables import AuditCheckpoint, AuditEvent
from core.auth.tables import StaffMember, StaffSession
from core.branding.tables import TenantBranding
from core.cases.tables import (
    Case,
    CaseFlag,
    CaseLink,
    Correspondence,
    Deadline,
    Party,
    ReferenceCounter,
)
from core.crypto.tables import TenantKey
from core.deadlines.tables import DeadlineExtension, DeadlinePause
from core.escrow.tables import IdentityReveal
from core.letters.tables import LetterTemplate
from core.lifecycle.tables import (
    CaseAppeal,
    CaseDecision,
    CasePolicy,
    CaseRecord,
    CaseSurvey,
    CaseTask,
)
from core.mail.tables import MAIL_TABLES
from core.notify.tables import Notification
from core.platform.tables import PlatformLoginAttempt, PlatformSession
from core.plugins.tables import TenantPlugin
from core.quality.tables import QualityReview
from core.receipts.tables import CaseReceipt, ReceiptAttempt, SurveyInvitation
from core.retention.tables import RETENTION_TABLES
from core.routing.tables import RoutingDecision, RoutingRule, Team, TeamMember
from core.taxonomy.tables import TaxonomyTerm
from core.tenancy.tables import LoginAttempt, Tenant
from core.webhooks.tables import WEBHOOK_TABLES
from core.worker.tables import WORKER_TABLES

TABLES: list[type[Table]] = [
    Tenant,
    LoginAttempt,
    Case,
    Party,
    Correspondence,
    ReferenceCounter,
    AuditEvent,
    AuditCheckpoint,
    StaffMember,
    StaffSession,
    TenantPlugin,
    CaseFlag,
    Deadline,
    CaseTask,
    CaseRecord,
    CaseDecision,
    CaseAppeal,
    LetterTemplate,
    CaseSurvey,
    *MAIL_TABLES,
    CaseReceipt,
    ReceiptAttempt,
    SurveyInvitation,
    Attachment,
    AttachmentKey,
    ApiKey,
    CasePolicy,
    CaseLink,
    TaxonomyTerm,
    Team,
    TeamMember,
    RoutingRule,
    RoutingDecision,
    DeadlinePause,
    DeadlineExtension,
    Notification,
    *WEBHOOK_TABLES,
    *WORKER_TABLES,
    *ACCESS_TABLES,
    *RETENTION_TABLES,
    TenantKey,
    IdentityReveal,
    QualityReview,
    TenantBranding,
    PlatformLoginAttempt,
    PlatformSession,
]

APP_CONFIG = AppConfig(
    app_name="querela",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
