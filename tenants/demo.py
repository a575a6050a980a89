"""The demo tenant `querela dev` creates: its organization, a staff member, a few cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec

from core.auth.tables import StaffMember
from core.cases.schemas import NewCase, OtherPartyIn, PersonIn
from core.cases.services import register_case
from core.cases.tables import Case
from core.ids import uuid7
from core.letters.services import offered_templates, own_templates, save_template
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin, tenant_plugins
from core.routing.schemas import TeamChanges
from core.routing.teams import default_team, team_out, update_team
from core.taxonomy.services import TermIn, save_term
from core.taxonomy.tables import TaxonomyTerm
from core.tenancy.context import tenant_transaction
from core.tenancy.tables import Tenant
from tenants.keycloak import KeycloakControlPlane
from tenants.provisioning import create_tenant

DEMO_SLUG = "demo"
#: The demo staff member's sign-in; for a developer's machine only.
DEMO_EMAIL = "demo.handler@example.org"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_ROLES = ["handler", "supervisor", "tenant-admin"]
#: A second person, so that a decision the handler proposes has someone to approve it.
DEMO_SUPERVISOR_EMAIL = "demo.supervisor@example.org"
DEMO_SUPERVISOR_ROLES = ["supervisor"]

#: The sector plugin the demo runs with: an insurer under the FCA's rules (the default).
DEMO_PLUGIN = "insurance"
#: The demo's categories (tenant admins edit them under /api/v1/taxonomy).
_DEMO_CATEGORIES = {
    "claims": "Claims handling",
    "service": "Customer service",
    "pricing": "Premiums and pricing",
    "other": "Other",
}

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
        category="claims",
        arrival_note="Call to the claims line",
        fields={"product": "insurance_pure_protection", "cause": "general_admin"},
    ),
    NewCase(
        subject="Rude staff member at the front desk",
        description="The person at reception refused to take my letter and raised their voice.",
        channel="letter",
        complainant=PersonIn(name="Jonas Beispiel"),
        category="service",
        parties=[OtherPartyIn(role="subject", name="Front desk, Leeds branch")],
    ),
    NewCase(
        subject="Wrong premium on renewal",
        description="My renewal premium doubled although nothing changed in my policy.",
        channel="web",
        complainant=PersonIn(anonymous=True, email="renewal-worry@example.net"),
        category="pricing",
    ),
]


async def _with_sector_plugin() -> None:
    """Enable the demo's sector plugin and word the letters as it offers, once.

    The plugin's letters carry what its rules require (the ombudsman, its website,
    the time limit), so that the demo's answers can be sent as they are.
    """
    host = plugin_host()
    if DEMO_PLUGIN not in host.infos or DEMO_PLUGIN in (await tenant_plugins(host)).enabled:
        return
    await enable_plugin(DEMO_PLUGIN, actor="system:demo")
    own = await own_templates()
    for offer in await offered_templates(host):
        if (offer.kind, offer.language) not in own:
            await save_template(
                offer.kind, offer.language, offer.subject, offer.body, actor="system:demo"
            )
            own.add((offer.kind, offer.language))


@dataclass(frozen=True, slots=True)
class Demo:
    """Where to find the demo and how to sign in to it."""

    slug: str
    email: str
    password: str
    #: Who approves what the demo's handler proposes (same password).
    supervisor_email: str


async def ensure_demo_tenant(keycloak: KeycloakControlPlane | None) -> Demo:
    """Create what is missing of the demo: tenant, organization, staff member, cases."""
    tenant = await Tenant.select(Tenant.id).where(Tenant.slug == DEMO_SLUG).first()
    if tenant is None:
        info = await create_tenant(
            DEMO_SLUG, "Demo Organisation", reference_prefix="DEMO", timezone="Europe/London"
        )
        tenant_id = info.id
    else:
        tenant_id = tenant["id"]
    people = [
        (DEMO_EMAIL, "Dana", "Demo", DEMO_ROLES),
        (DEMO_SUPERVISOR_EMAIL, "Sam", "Supervisor", DEMO_SUPERVISOR_ROLES),
    ]
    subjects: dict[str, str | None] = {email: None for email, *_ in people}
    if keycloak is not None:
        org_id = await keycloak.ensure_organization(DEMO_SLUG, "Demo Organisation")
        for email, first, last, _ in people:
            subject = await keycloak.create_staff_user(email, first, last, DEMO_PASSWORD)
            await keycloak.add_member(org_id, subject)
            subjects[email] = subject
        await Tenant.update({Tenant.keycloak_org_id: org_id}).where(Tenant.id == tenant_id)
    async with tenant_transaction(tenant_id=tenant_id):
        for email, first, last, roles in people:
            if not await StaffMember.exists().where(StaffMember.email == email):
                await StaffMember.insert(
                    StaffMember(
                        id=uuid7(),
                        tenant_id=tenant_id,
                        subject=subjects[email],
                        email=email,
                        display_name=f"{first} {last}",
                        roles=roles,
                    )
                )
        # The demo's cases go to Dana's queue, and Sam supervises it.
        team = await default_team("system:demo")
        if not (await team_out(team)).members:
            await update_team(
                team,
                TeamChanges(members=[DEMO_EMAIL], supervisors=[DEMO_SUPERVISOR_EMAIL]),
                actor="system:demo",
            )
        await _with_sector_plugin()
        if not await TaxonomyTerm.exists():
            for code, label in _DEMO_CATEGORIES.items():
                await save_term("category", code, TermIn(label=label), actor="system:demo")
        if not await Case.exists():
            for days_ago, case in zip(range(3, 0, -1), _DEMO_CASES, strict=True):
                received = datetime.now(UTC) - timedelta(days=days_ago)
                await register_case(
                    msgspec.structs.replace(case, received_at=received), actor="system:demo"
                )
    return Demo(
        slug=DEMO_SLUG,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        supervisor_email=DEMO_SUPERVISOR_EMAIL,
    )
