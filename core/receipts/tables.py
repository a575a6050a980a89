"""Receipt tables: receipts and survey links (tenant-scoped), guessing counters (control plane).

Composite keys are declared in the migration; Piccolo knows single-column keys only.
"""

from __future__ import annotations

from piccolo.columns import UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane, TenantScoped


class CaseReceipt(TenantScoped, Table, tablename="case_receipt"):
    """The key a complainant holds to one case; only its SHA-256 is kept."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    secret_hash = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)


class SurveyInvitation(TenantScoped, Table, tablename="survey_invitation"):
    """A one-time e-mailed link to a closed case's survey; only its SHA-256 is kept."""

    app_privileges = ("SELECT", "INSERT", "UPDATE")

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    token_hash = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    #: When the link stopped working: its survey was answered, through it or otherwise.
    used_at = Timestamptz(null=True, default=None)


class ReceiptAttempt(ControlPlane, Table, tablename="receipt_attempt"):
    """Refused receipt guesses per bucket (a client address, a tenant) and fixed time window.

    The real key is ``(bucket, window_start)``; ``bucket`` stands in for it in the ORM.
    """

    app_privileges = ("SELECT", "INSERT", "UPDATE", "DELETE")

    bucket = Varchar(length=100, primary_key=True)
    window_start = Timestamptz()
    failures = Integer(default=0)
