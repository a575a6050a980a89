"""Quality review table (tenant-scoped).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class QualityReview(TenantScoped, Table, tablename="quality_review"):
    """A closed case drawn for review, and the supervisor's scorecard of how it was handled."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: Who drew the sample (an actor: ``staff:<id>``).
    sampled_by = Varchar(length=200)
    sampled_at = Timestamptz(default=TimestamptzNow())
    #: Who handled the case when it was drawn: the person the scorecard is told to.
    handler_staff_id = UUID(null=True, default=None)
    #: Who last saved the scorecard.
    reviewer_staff_id = UUID(null=True, default=None)
    #: Criterion -> 1..5, or null for "not applicable" (``core.quality.services.CRITERIA``).
    scores = JSONB(default="{}")
    comment = Text(default="")
    #: What the handler reads: comments addressed to them.
    handler_comment = Text(default="")
    #: draft | final; a final scorecard is no longer changed.
    state = Varchar(length=10, default="draft")
    reviewed_at = Timestamptz(null=True, default=None)
