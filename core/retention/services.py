"""Retention periods and legal holds: what the purge (``core.retention.purge``) must keep.

A closed case is kept for its category's period when the tenant set one, else for
the tenant's default, counted from ``closed_at``; a period of None keeps it for
good. A case under an active legal hold is kept whatever its period says, open or
closed, until every hold on it is released.

Every function runs inside the caller's tenant transaction and writes its audit
event there. Holds' reasons stay in ``legal_hold``; the audit log names the hold.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from core import clock
from core.audit import services as audit
from core.cases.tables import Case
from core.db.engine import DB
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import uuid7
from core.retention.tables import LegalHold, RetentionPolicy
from core.taxonomy.services import CODE_PATTERN, taxonomy
from core.tenancy.context import current_tenant
from core.text import stated_reason

#: The shortest period a tenant may set: a month for an appeal or a complaint about the
#: handling to arrive. The schedule's trigger counts on it (``querela_2026_11_25t03``).
MIN_DAYS = 30
#: The longest: a hundred years. Longer is "for good" (null), not a number.
MAX_DAYS = 36_500
#: Six years, until a tenant admin says otherwise.
DEFAULT_DAYS = 2190

Days = Annotated[int, Meta(ge=MIN_DAYS, le=MAX_DAYS)]
CategoryCode = Annotated[str, Meta(pattern=CODE_PATTERN)]


class RetentionPeriods(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How long the tenant keeps closed cases: days after closing, null for good."""

    #: Every case whose category has no period of its own.
    default_days: Days | None
    #: Category code -> days (or null: for good), instead of the default.
    days_by_category: Annotated[dict[CategoryCode, Days | None], Meta(max_length=500)] = (
        msgspec.field(default_factory=dict)
    )

    def days_for(self, category: str | None) -> int | None:
        """The period a case of ``category`` is kept for (None: for good)."""
        if category is not None and category in self.days_by_category:
            return self.days_by_category[category]
        return self.default_days


class HoldOut(msgspec.Struct, kw_only=True):
    """A legal hold on a case, active until released."""

    id: UUID
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_reason: str | None
    released_at: datetime | None
    #: Whether the hold still keeps the case.
    active: bool


# -- periods ----------------------------------------------------------------------------------


async def current_periods() -> RetentionPeriods:
    """The tenant's retention periods (the defaults when it never set any)."""
    row = await RetentionPolicy.select(
        RetentionPolicy.default_days, RetentionPolicy.days_by_category
    ).first()
    if row is None:
        return RetentionPeriods(default_days=DEFAULT_DAYS)
    by_category = row["days_by_category"]
    if isinstance(by_category, str):
        by_category = json.loads(by_category)
    return RetentionPeriods(default_days=row["default_days"], days_by_category=by_category)


async def set_periods(periods: RetentionPeriods, *, actor: str) -> RetentionPeriods:
    """Replace the tenant's retention periods; audit what changed, from what to what.

    A shorter period can make cases due at once: the purge looks at the tenant on
    its next loop.
    """
    await _check_categories(periods.days_by_category)
    before = await current_periods()
    if before == periods:
        return periods
    await RetentionPolicy.raw(
        """
        INSERT INTO retention_policy (tenant_id, id, default_days, days_by_category, updated_by)
        VALUES ({}, {}, {}, {}::jsonb, {})
        ON CONFLICT (tenant_id) DO UPDATE SET
            default_days = EXCLUDED.default_days, days_by_category = EXCLUDED.days_by_category,
            updated_by = EXCLUDED.updated_by, updated_at = now()
        """,
        current_tenant().id,
        uuid7(),
        periods.default_days,
        json.dumps(periods.days_by_category),
        actor,
    )
    changed = {
        field: {"from": getattr(before, field), "to": getattr(periods, field)}
        for field in RetentionPeriods.__struct_fields__
        if getattr(before, field) != getattr(periods, field)
    }
    await audit.record("retention.updated", actor=actor, detail={"changed": changed})
    await schedule_check(clock.now())
    return periods


async def _check_categories(codes: dict[str, Any]) -> None:
    if not codes:
        return
    terms = await taxonomy("category")
    if not terms:
        return  # without a taxonomy, cases are filed under any code
    unknown = sorted(set(codes) - {term.code for term in terms})
    if unknown:
        shown = ", ".join(unknown[:10]) + (", ..." if len(unknown) > 10 else "")
        raise InvalidInput("days_by_category", f"names no category of this organisation: {shown}")


async def schedule_check(at: datetime | None) -> None:
    """Have the purge look at the current tenant at ``at`` (None: not until a case closes)."""
    transaction = DB.current_transaction.get()
    assert transaction is not None, "tenant work runs in the tenant's transaction"
    await transaction.connection.execute("SELECT querela_retention_reschedule($1)", at)


# -- legal holds ------------------------------------------------------------------------------

_HOLD_COLUMNS = "id, reason, placed_by, placed_at, released_by, released_reason, released_at"


async def holds(case_id: UUID) -> list[HoldOut]:
    """Every hold on the case, active and released, oldest first."""
    rows = await LegalHold.raw(
        f"SELECT {_HOLD_COLUMNS} FROM legal_hold WHERE case_id = {{}} ORDER BY placed_at, id",
        case_id,
    )
    return [_hold(row) for row in rows]


class HeldCase(msgspec.Struct, kw_only=True):
    """A case kept by a legal hold, for the organisation-wide list."""

    case_id: UUID
    reference: str
    hold: HoldOut


async def active_holds() -> list[HeldCase]:
    """Every hold still in force in the organisation, with its case's reference, oldest first."""
    columns = ", ".join(f"h.{c.strip()}" for c in _HOLD_COLUMNS.split(","))
    rows = await LegalHold.raw(
        f"""
        SELECT {columns}, c.reference, h.case_id
          FROM legal_hold h JOIN cases c ON c.id = h.case_id
         WHERE h.released_at IS NULL
         ORDER BY h.placed_at, h.id
        """
    )
    return [
        HeldCase(
            case_id=row.pop("case_id"),
            reference=row.pop("reference"),
            hold=_hold(row),
        )
        for row in rows
    ]


async def place_hold(case_id: UUID, reason: str, *, actor: str) -> HoldOut:
    """Keep the case, whatever its retention period says, until the hold is released."""
    reason = stated_reason(reason)
    # Waits for a purge that holds the case, and then finds it gone: "no such case", not a
    # hold on nothing. Once locked here, no purge can take the case before this commits.
    found = await Case.raw("SELECT id FROM cases WHERE id = {} FOR KEY SHARE", case_id)
    if not found:
        raise NotFound("no such case")
    hold_id = uuid7()
    rows = await LegalHold.raw(
        f"""
        INSERT INTO legal_hold (tenant_id, id, case_id, reason, placed_by)
        VALUES ({{}}, {{}}, {{}}, {{}}, {{}})
        RETURNING {_HOLD_COLUMNS}
        """,
        current_tenant().id,
        hold_id,
        case_id,
        reason,
        actor,
    )
    await audit.record(
        "case.legal_hold_placed", actor=actor, case_id=case_id, detail={"hold_id": str(hold_id)}
    )
    return _hold(rows[0])


async def release_hold(case_id: UUID, hold_id: UUID, reason: str, *, actor: str) -> HoldOut:
    """End a hold; once none is left, the case's retention period applies again."""
    reason = stated_reason(reason)
    rows = await LegalHold.raw(
        f"""
        UPDATE legal_hold
        SET released_by = {{}}, released_reason = {{}}, released_at = now()
        WHERE id = {{}} AND case_id = {{}} AND released_at IS NULL
        RETURNING {_HOLD_COLUMNS}
        """,
        actor,
        reason,
        hold_id,
        case_id,
    )
    if not rows:
        existing = await LegalHold.raw(
            "SELECT released_at FROM legal_hold WHERE id = {} AND case_id = {}", hold_id, case_id
        )
        if existing:
            raise Conflict("this legal hold was already released")
        raise NotFound("no such legal hold on this case")
    await audit.record(
        "case.legal_hold_released", actor=actor, case_id=case_id, detail={"hold_id": str(hold_id)}
    )
    # The case may be past its period already: the purge looks at the tenant on its next loop.
    await schedule_check(clock.now())
    return _hold(rows[0])


def _hold(row: dict[str, Any]) -> HoldOut:
    return HoldOut(**row, active=row["released_at"] is None)
