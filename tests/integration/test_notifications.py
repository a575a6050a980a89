"""In-app notifications, and risk flags that page a supervisor the moment a case arrives."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from core.cases.schemas import NewCase
from core.cases.services import register_case
from core.notify.services import notify
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import CaseView, PluginInfo, RiskFlag, TenantView, hookimpl
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.mail import send_everything
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient


def as_(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **person.bearer}


async def notice(tenant: TenantHandle, to: StaffUser, subject: str) -> uuid.UUID:
    """Register a case and notify ``to`` about it; return the case's id."""
    assert to.staff_id is not None
    async with tenant_transaction(tenant_id=tenant.id):
        case = await register_case(NewCase(subject="Noise", description="Loud."), actor="test")
        await notify(
            recipients=[to.staff_id],
            kind="test_notice",
            subject=subject,
            body="Please look.",
            case_id=case.id,
            actor="test",
        )
    return case.id


async def mine(client: Client, tenant: TenantHandle, person: StaffUser, **params: str) -> dict:
    response = await client.get("/api/v1/notifications", params=params, headers=as_(tenant, person))
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_notice_is_listed_unread_first_and_can_be_marked_read(
    client: Client, tenant: TenantHandle
):
    me = tenant.staff
    await notice(tenant, me, "first")
    await notice(tenant, me, "second")
    listed = await mine(client, tenant, me)
    assert [n["subject"] for n in listed["items"]] == ["second", "first"]
    assert listed["unread"] == 2
    assert listed["items"][0]["link"].startswith("/cases/Q-")

    older = listed["items"][1]["id"]
    read = await client.post(f"/api/v1/notifications/{older}/read", headers=tenant.headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    await notice(tenant, me, "third")

    after = await mine(client, tenant, me)
    assert [n["subject"] for n in after["items"]] == ["third", "second", "first"]
    assert [n["subject"] for n in (await mine(client, tenant, me, unread="true"))["items"]] == [
        "third",
        "second",
    ]
    marked = await client.post("/api/v1/notifications/read-all", headers=tenant.headers)
    assert marked.json() == {"marked": 2}
    assert (await mine(client, tenant, me))["unread"] == 0


async def test_people_see_only_their_own_notices(
    client: Client, tenant: TenantHandle, other_tenant: TenantHandle
):
    colleague = await tenant.add_staff(("handler",))
    await notice(tenant, tenant.staff, "for the supervisor")
    [theirs] = (await mine(client, tenant, tenant.staff))["items"]

    assert (await mine(client, tenant, colleague))["items"] == []
    by_colleague = await client.post(
        f"/api/v1/notifications/{theirs['id']}/read", headers=as_(tenant, colleague)
    )
    from_elsewhere = await client.post(
        f"/api/v1/notifications/{theirs['id']}/read", headers=other_tenant.headers
    )
    assert by_colleague.status_code == 404
    assert from_elsewhere.status_code == 404
    assert (await mine(client, tenant, tenant.staff))["items"][0]["read_at"] is None


async def test_notices_need_a_signed_in_staff_member(client: Client, tenant: TenantHandle):
    response = await client.get(
        "/api/v1/notifications", headers={"host": f"{tenant.slug}.localhost"}
    )
    assert response.status_code == 401


# -- risk flags page the supervisor -----------------------------------------------------


class ThreatSpotter:
    """Flags every complaint that mentions a weapon, for a supervisor at once."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="threat flags")

    @hookimpl
    def querela_register_risk_flags(self, tenant: TenantView, case: CaseView) -> list[RiskFlag]:
        if "knife" not in case.description:
            return []
        return [
            RiskFlag(code="threat", message="The complainant mentions a knife."),
            RiskFlag(code="tone", message="Raised voice.", urgency="notice"),
        ]


@pytest.fixture
def spotter() -> Iterator[ThreatSpotter]:
    plugin = ThreatSpotter(f"threat-spotter-{uuid.uuid4().hex[:6]}")
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def test_a_paging_risk_flag_reaches_the_supervisor_once_by_mail_and_in_app(
    client: Client,
    tenant: TenantHandle,
    spotter: ThreatSpotter,
    settings: Settings,
    smtp: tuple[Mailbox, int],
):
    mailbox, port = smtp
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(spotter.PLUGIN_INFO.name, actor="test")
    handler = await tenant.add_staff(("handler",))
    supervisor = tenant.staff

    created = await client.post(
        "/api/v1/cases",
        json={"subject": "Threat", "description": "He showed a knife at the counter."},
        headers=as_(tenant, handler),
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    await send_everything(replace(settings, smtp_relay_port=port))

    pages = [m for m in mailbox.messages if supervisor.email in str(m["to"])]
    assert len(pages) == 1
    assert str(pages[0]["subject"]).startswith("[urgent] Risk on")
    assert "knife" in pages[0].get_content() and f"/cases/{reference}" in pages[0].get_content()
    assert not [m for m in mailbox.messages if handler.email in str(m["to"])]
    [page] = (await mine(client, tenant, supervisor))["items"]
    assert page["urgent"] is True and page["kind"] == "risk_page"
    assert page["link"] == f"/cases/{reference}"
    assert "knife" in page["body"]
    assert (await mine(client, tenant, handler))["items"] == []


async def test_a_case_without_risk_pages_nobody(
    client: Client, tenant: TenantHandle, spotter: ThreatSpotter
):
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(spotter.PLUGIN_INFO.name, actor="test")
    created = await client.post(
        "/api/v1/cases",
        json={"subject": "Queue", "description": "I waited an hour."},
        headers=tenant.headers,
    )
    assert created.status_code == 201
    assert (await mine(client, tenant, tenant.staff))["items"] == []


async def test_read_all_before_a_time_leaves_later_notices_unread(
    client: Client, tenant: TenantHandle
):
    await notice(tenant, tenant.staff, "seen on the page")
    [shown] = (await mine(client, tenant, tenant.staff))["items"]
    await notice(tenant, tenant.staff, "arrived since")

    naive = await client.post(
        "/api/v1/notifications/read-all",
        params={"before": "2026-11-24T09:30:00"},
        headers=tenant.headers,
    )
    marked = await client.post(
        "/api/v1/notifications/read-all",
        params={"before": shown["created_at"]},
        headers=tenant.headers,
    )

    assert naive.status_code == 400
    assert marked.json() == {"marked": 1}
    unread = (await mine(client, tenant, tenant.staff, unread="true"))["items"]
    assert [n["subject"] for n in unread] == ["arrived since"]
