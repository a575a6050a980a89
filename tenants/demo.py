"""The demo tenant `querela dev` creates, with a few cases to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from core.cases.schemas import NewCase, PersonIn
from core.cases.services import register_case
from core.cases.tables import Case
from core.tenancy.context import tenant_transaction
from core.tenancy.tables import Tenant
from tenants.provisioning import create_tenant

DEMO_SLUG = "demo"

_DEMO_CASES = [
    NewCase(
        subject="Claim payment delayed for six weeks",
        description=(
            "I submitted my claim for storm damage on 3 October and have heard nothing since,"
            " despite two phone calls."
        ),
        channel="phone",
        complainant=PersonIn(name="Ada Example", email="ada@example.org"),
        severity="high",
    ),
    NewCase(
        subject="Rude staff member at the front desk",
        description="The person at reception refused to take my letter and raised their voice.",
        channel="letter",
        complainant=PersonIn(name="Jonas Beispiel"),
    ),
    NewCase(
        subject="Wrong premium on renewal",
        description="My renewal premium doubled although nothing changed in my policy.",
        channel="web",
        complainant=PersonIn(anonymous=True, email="renewal-worry@example.net"),
    ),
]


async def ensure_demo_tenant() -> str:
    """Create the demo tenant, and its cases if it has none; return its slug."""
    if not await Tenant.exists().where(Tenant.slug == DEMO_SLUG):
        await create_tenant(
            DEMO_SLUG, "Demo Organisation", reference_prefix="DEMO", timezone="Europe/London"
        )
    async with tenant_transaction(slug=DEMO_SLUG):
        if await Case.exists():
            return DEMO_SLUG
        for days_ago, case in enumerate(_DEMO_CASES):
            received = datetime.now(UTC) - timedelta(days=3 - days_ago)
            await register_case(
                msgspec.structs.replace(case, received_at=received), actor="system:demo"
            )
    return DEMO_SLUG
