"""Outgoing webhooks: queued with the change, posted signed, retried with backoff, logged."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta

import httpx
import pytest

from core.cases.schemas import NewCase
from core.cases.services import register_case
from core.db.engine import transaction_connection
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from core.webhooks import sender
from core.webhooks.sender import SIGNATURE_HEADER, deliver_due, verify
from core.webhooks.services import emit
from tests.fixtures.keycloak import free_port
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient


@dataclass
class Receiver:
    """A plain asyncio HTTP server that answers every post with ``status``."""

    status: int = 200
    port: int = 0
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines if x)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.posts.append((headers, body))
        writer.write(f"HTTP/1.1 {self.status} X\r\ncontent-length: 0\r\n\r\n".encode())
        await writer.drain()
        writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    try:
        yield found
    finally:
        server.close()


@pytest.fixture
async def admin(tenant: TenantHandle) -> StaffUser:
    return await tenant.add_staff(("tenant-admin",))


def as_(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **person.bearer}


async def register_endpoint(
    client: Client, tenant: TenantHandle, admin: StaffUser, url: str, events: list[str]
) -> dict:
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, "events": events}, headers=as_(tenant, admin)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(client: Client, tenant: TenantHandle, admin: StaffUser, hook: dict) -> list:
    response = await client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries", headers=as_(tenant, admin)
    )
    assert response.status_code == 200, response.text
    items: list = response.json()["items"]
    return items


async def test_a_registered_case_is_posted_signed_to_the_subscribed_endpoint(
    client: Client, tenant: TenantHandle, admin: StaffUser, receiver: Receiver, settings: Settings
):
    hook = await register_endpoint(client, tenant, admin, receiver.url, ["case.registered"])
    created = await client.post(
        "/api/v1/cases",
        json={"subject": "Rude", "description": "At the desk."},
        headers=tenant.headers,
    )
    assert created.status_code == 201

    await deliver_due(settings)

    [(headers, body)] = receiver.posts
    # What a receiver does: check the signature over the raw body, then trust the JSON.
    assert verify(hook["secret"], headers[SIGNATURE_HEADER.lower()], body, now=time.time())
    assert not verify("whsec_wrong", headers[SIGNATURE_HEADER.lower()], body, now=time.time())
    assert not verify(
        hook["secret"], headers[SIGNATURE_HEADER.lower()], body + b" ", now=time.time()
    )
    event = json.loads(body)
    assert event["event"] == "case.registered" and headers["querela-event"] == "case.registered"
    assert event["data"]["reference"] == created.json()["reference"]
    assert headers["querela-delivery"] == event["id"]
    [logged] = await deliveries(client, tenant, admin, hook)
    assert logged["state"] == "delivered" and logged["attempts"] == 1
    assert [(a["attempt"], a["status_code"]) for a in logged["log"]] == [(1, 200)]
    await deliver_due(settings)
    assert len(receiver.posts) == 1
    listed = await client.get("/api/v1/webhooks", headers=as_(tenant, admin))
    assert "secret" not in listed.json()["items"][0]


async def test_a_status_change_is_posted_and_unsubscribed_events_are_not(
    client: Client, tenant: TenantHandle, admin: StaffUser, receiver: Receiver, settings: Settings
):
    await register_endpoint(client, tenant, admin, receiver.url, ["case.status_changed"])
    case = (
        await client.post(
            "/api/v1/cases",
            json={"subject": "Late", "description": "Again."},
            headers=tenant.headers,
        )
    ).json()
    acted = await client.post(
        f"/api/v1/cases/{case['id']}/actions/acknowledge", json={}, headers=tenant.headers
    )
    assert acted.status_code == 200, acted.text

    await deliver_due(settings)

    [(_, body)] = receiver.posts
    data = json.loads(body)["data"]
    assert (data["from"], data["to"], data["action"]) == ("received", "acknowledged", "acknowledge")


async def test_an_event_in_a_rolled_back_transaction_is_never_posted(
    client: Client, tenant: TenantHandle, admin: StaffUser, receiver: Receiver, settings: Settings
):
    await register_endpoint(client, tenant, admin, receiver.url, ["case.registered"])
    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        await register_case(NewCase(subject="Gone", description="Never."), actor="test")
        await transaction.rollback()

    await deliver_due(settings)

    assert receiver.posts == []


async def test_a_failing_receiver_is_retried_with_backoff_then_marked_failed(
    client: Client,
    tenant: TenantHandle,
    admin: StaffUser,
    receiver: Receiver,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(sender, "MAX_ATTEMPTS", 3)
    receiver.status = 503
    hook = await register_endpoint(client, tenant, admin, receiver.url, ["deadline.breached"])
    async with tenant_transaction(tenant_id=tenant.id):
        await emit("deadline.breached", None, {"kind": "acknowledgement"})

    waits = []
    for _ in range(3):
        await deliver_due(settings)
        await deliver_due(settings)  # not due yet: backing off, nothing is posted
        async with tenant_transaction(tenant_id=tenant.id):
            connection = transaction_connection()
            waits.append(
                await connection.fetchval(
                    "SELECT next_attempt_at - now() FROM webhook_delivery WHERE endpoint_id = $1",
                    hook["id"],
                )
            )
            await connection.execute(
                "UPDATE webhook_delivery SET next_attempt_at = now() WHERE endpoint_id = $1",
                hook["id"],
            )
    await deliver_due(settings)

    assert len(receiver.posts) == 3
    # Doubling from 30 s, each wait somewhere between half and all of its ceiling (jitter).
    assert timedelta(seconds=14) < waits[0] <= timedelta(seconds=30)
    assert timedelta(seconds=29) < waits[1] <= timedelta(seconds=60)
    [logged] = await deliveries(client, tenant, admin, hook)
    assert logged["state"] == "failed" and logged["attempts"] == 3
    assert [(a["attempt"], a["status_code"]) for a in logged["log"]] == [
        (1, 503),
        (2, 503),
        (3, 503),
    ]
    assert all(a["duration_ms"] >= 0 for a in logged["log"])


async def test_an_unreachable_receiver_is_logged_with_the_error(
    client: Client, tenant: TenantHandle, admin: StaffUser, settings: Settings
):
    nobody = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    hook = await register_endpoint(client, tenant, admin, nobody, ["case.escalated"])
    async with tenant_transaction(tenant_id=tenant.id):
        await emit("case.escalated", None, {"reference": "none"})

    await deliver_due(settings)

    [logged] = await deliveries(client, tenant, admin, hook)
    assert logged["state"] == "pending" and logged["last_status_code"] is None
    assert "connect" in logged["log"][0]["error"]


async def test_a_receiver_in_a_private_network_is_refused_and_never_posted_to(
    client: Client,
    tenant: TenantHandle,
    admin: StaffUser,
    settings: Settings,
    receiver: Receiver,
):
    hook = await register_endpoint(client, tenant, admin, receiver.url, ["case.escalated"])
    async with tenant_transaction(tenant_id=tenant.id):
        await emit("case.escalated", None, {"reference": "inside"})

    await deliver_due(replace(settings, webhook_private_networks=False))

    [logged] = await deliveries(client, tenant, admin, hook)
    assert receiver.posts == []
    assert logged["state"] == "failed"  # retrying cannot make the address public
    assert "127.0.0.1, which is not a public address" in logged["last_error"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"url": "http://example.org/hook", "events": ["case.registered"]}, "url"),
        ({"url": "ftp://example.org/hook", "events": ["case.registered"]}, "url"),
        ({"url": "https://user:pw@example.org/", "events": ["case.registered"]}, "url"),
        ({"url": "not a url", "events": ["case.registered"]}, "url"),
        ({"url": "https://example.org/hook", "events": ["case.deleted"]}, "events"),
        ({"url": "https://example.org/hook", "events": []}, "events"),
        ({"url": "https://example.org/hook", "events": ["case.registered"], "x": 1}, "x"),
    ],
)
async def test_bad_endpoints_are_refused_and_nothing_is_stored(
    client: Client, tenant: TenantHandle, admin: StaffUser, body: dict, key: str
):
    response = await client.post("/api/v1/webhooks", json=body, headers=as_(tenant, admin))

    assert response.status_code == 400, response.text
    assert key in response.text
    listed = await client.get("/api/v1/webhooks", headers=as_(tenant, admin))
    assert listed.json()["items"] == []


async def test_only_tenant_admins_manage_webhooks_and_only_their_own(
    client: Client,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    admin: StaffUser,
    receiver: Receiver,
):
    hook = await register_endpoint(client, tenant, admin, receiver.url, ["case.registered"])
    other_admin = await other_tenant.add_staff(("tenant-admin",))

    by_handler = await client.get("/api/v1/webhooks", headers=tenant.headers)
    elsewhere = await client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries", headers=as_(other_tenant, other_admin)
    )
    assert by_handler.status_code == 403
    assert elsewhere.status_code == 404


async def test_a_disabled_endpoint_gets_nothing_more(
    client: Client, tenant: TenantHandle, admin: StaffUser, receiver: Receiver, settings: Settings
):
    hook = await register_endpoint(client, tenant, admin, receiver.url, ["deadline.breached"])
    async with tenant_transaction(tenant_id=tenant.id):
        await emit("deadline.breached", None, {})
    disabled = await client.post(
        f"/api/v1/webhooks/{hook['id']}/disable", headers=as_(tenant, admin)
    )
    assert disabled.status_code == 200 and disabled.json()["disabled_at"]

    await deliver_due(settings)

    assert receiver.posts == []
    [logged] = await deliveries(client, tenant, admin, hook)
    assert logged["state"] == "failed"
