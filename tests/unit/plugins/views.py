"""What a sector plugin's hooks are called with, built for unit tests of the hooks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from core.sdk import CaseView, LevelView, PartyView, TenantView


def tenant_view(plugin: str, sector: str | None = None, **settings: Any) -> TenantView:
    """A tenant in London that gave ``plugin`` the ``settings`` (none: the plugin's defaults)."""
    return TenantView(
        id=uuid.uuid4(),
        slug="example",
        name="Example Organisation",
        timezone="Europe/London",
        default_language="en",
        sector=sector,
        plugin_settings={plugin: settings} if settings else {},
    )


def case_view(
    received_at: datetime = datetime(2026, 1, 5, 9, tzinfo=UTC),
    *,
    reference: str = "C-2026-000001",
    answered_at: datetime | None = None,
    closed_at: datetime | None = None,
    outcome: str | None = None,
    appeals: Sequence[LevelView] = (),
    complainant: str | None = None,
    **fields: Any,
) -> CaseView:
    """A standard case received at ``received_at``, with intake and handling ``fields``.

    ``answered_at``, ``closed_at`` and ``outcome`` make it one that was answered,
    closed and decided, as reports see it (its decision approved when answered);
    ``appeals`` are the levels after the first; ``complainant`` the name of the
    complainant as a report that names them sees it ("" for one whose name is withheld).
    """
    first = LevelView(
        level=0,
        opened_at=received_at,
        reviewed_at=answered_at if outcome else None,
        answered_at=answered_at,
        outcome=outcome,
    )
    parties = (
        ()
        if complainant is None
        else (PartyView(uuid.uuid4(), "complainant", complainant or None, not complainant),)
    )
    return CaseView(
        id=uuid.uuid4(),
        reference=reference,
        status="closed" if closed_at else "responded" if answered_at else "received",
        channel="web",
        subject="Claim refused",
        description="My claim was refused without reasons.",
        category=None,
        severity="normal",
        confidentiality="standard",
        language="en",
        received_at=received_at,
        fields=fields,
        answered_at=answered_at,
        closed_at=closed_at,
        outcome=outcome,
        levels=(first, *appeals),
        parties=parties,
    )
