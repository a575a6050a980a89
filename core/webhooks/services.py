"""Registering webhook endpoints and emitting events to them.

``emit`` is the outbox: it writes one ``webhook_delivery`` per subscribed
endpoint in the caller's transaction, so an event goes out exactly when the
change that caused it commits. ``core.webhooks.sender`` posts them afterwards.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from core.audit import services as audit
from core.crypto.fields import sealed
from core.db.engine import transaction_connection
from core.db.rows import as_structs
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.tenancy.context import TenantContext, current_tenant
from core.webhooks.schemas import (
    EVENTS,
    AttemptOut,
    DeliveryList,
    DeliveryOut,
    NewWebhook,
    WebhookCreated,
    WebhookList,
    WebhookOut,
)
from core.webhooks.tables import WebhookAttempt, WebhookDelivery, WebhookEndpoint

#: Marks a string as a Querela webhook signing secret, for people and secret scanners.
SECRET_MARK = "whsec_"  # noqa: S105 - a prefix, not a secret
#: Hosts that may be reached over plain http, for development only.
DEVELOPMENT_HOSTS = frozenset({"localhost", "127.0.0.1"})
DELIVERIES_SHOWN = 50


async def register_endpoint(new: NewWebhook, *, actor: str) -> WebhookCreated:
    """Register an endpoint; the result carries its signing secret this once."""
    tenant = current_tenant()
    url = checked_url(new.url)
    events = sorted(set(new.events))
    if any(event not in EVENTS for event in events):
        raise InvalidInput("events", f"must be among {', '.join(EVENTS)}")
    description = new.description.strip()
    if not description.isprintable():
        raise InvalidInput("description", "must be a single line of text")
    secret = SECRET_MARK + secrets.token_urlsafe(32)
    row = WebhookEndpoint(
        **await sealed(
            "webhook_endpoint",
            {
                "id": uuid7(),
                "tenant_id": tenant.id,
                "url": url,
                "secret": secret,
                "events": events,
                "description": description,
                "created_by": actor,
                "created_at": datetime.now(UTC),
            },
        )
    )
    await WebhookEndpoint.insert(row)
    await audit.record(
        "webhook.registered",
        actor=actor,
        detail={"webhook_id": str(row.id), "url": url, "events": events},
    )
    return WebhookCreated(**_shown(row.to_dict()), secret=secret)


async def list_endpoints() -> WebhookList:
    """The tenant's endpoints, newest first, without their secrets."""
    current_tenant()
    rows = await WebhookEndpoint.select().order_by(WebhookEndpoint.id, ascending=False)
    return WebhookList(items=[WebhookOut(**_shown(row)) for row in rows])


async def disable_endpoint(webhook_id: UUID, *, actor: str) -> WebhookOut:
    """Stop sending to an endpoint; deliveries still pending for it are dropped as failed."""
    rows = await (
        WebhookEndpoint.update({WebhookEndpoint.disabled_at: datetime.now(UTC)})
        .where((WebhookEndpoint.id == webhook_id) & WebhookEndpoint.disabled_at.is_null())
        .returning(WebhookEndpoint.id)
    )
    row = await WebhookEndpoint.select().where(WebhookEndpoint.id == webhook_id).first()
    if row is None:
        raise NotFound("no such webhook")
    if rows:
        await WebhookDelivery.update(
            {WebhookDelivery.state: "failed", WebhookDelivery.last_error: "endpoint disabled"}
        ).where((WebhookDelivery.endpoint_id == webhook_id) & (WebhookDelivery.state == "pending"))
        await audit.record("webhook.disabled", actor=actor, detail={"webhook_id": str(webhook_id)})
    return WebhookOut(**_shown(row))


async def deliveries(webhook_id: UUID) -> DeliveryList:
    """The endpoint's newest deliveries with every attempt: the delivery log."""
    if not await WebhookEndpoint.exists().where(WebhookEndpoint.id == webhook_id):
        raise NotFound("no such webhook")
    rows = (
        await WebhookDelivery.select()
        .where(WebhookDelivery.endpoint_id == webhook_id)
        .order_by(WebhookDelivery.id, ascending=False)
        .limit(DELIVERIES_SHOWN)
    )
    attempts = (
        await WebhookAttempt.select()
        .where(WebhookAttempt.delivery_id.is_in([row["id"] for row in rows] or [uuid7()]))
        .order_by(WebhookAttempt.attempt)
    )
    log: dict[UUID, list[Mapping[str, Any]]] = {}
    for attempt in attempts:
        log.setdefault(attempt["delivery_id"], []).append(attempt)
    return DeliveryList(
        items=[
            DeliveryOut(
                **{name: row[name] for name in DeliveryOut.__struct_fields__ if name != "log"},
                log=as_structs(AttemptOut, log.get(row["id"], [])),
            )
            for row in rows
        ]
    )


async def emit(event: str, case_id: UUID | None, data: Mapping[str, Any]) -> int:
    """Queue ``event`` for every active endpoint subscribed to it; return how many.

    Runs in the caller's tenant transaction, which is the whole point: the
    deliveries commit or vanish with the change.
    """
    if event not in EVENTS:
        raise ValueError(f"{event!r} is not a webhook event; add it to EVENTS first")
    tenant = current_tenant()
    endpoints = await WebhookEndpoint.raw(
        "SELECT id FROM webhook_endpoint WHERE disabled_at IS NULL AND {} = ANY(events)", event
    )
    if not endpoints:
        return 0
    now = datetime.now(UTC)
    connection = transaction_connection()
    for endpoint in endpoints:
        row = delivery_row(tenant, endpoint["id"], event, case_id, data, now)
        await connection.execute(
            """
            INSERT INTO webhook_delivery
                (tenant_id, id, endpoint_id, event, case_id, body, state, attempts,
                 next_attempt_at, created_at, delivered_at, last_status_code, last_error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """,
            *(row[name] for name in DELIVERY_COLUMNS),
        )
    # A trigger lists the tenant in webhook_outbox_tenant with the deliveries' due time.
    return len(endpoints)


#: The columns of a ``webhook_delivery`` row, in table order.
DELIVERY_COLUMNS = (
    "tenant_id",
    "id",
    "endpoint_id",
    "event",
    "case_id",
    "body",
    "state",
    "attempts",
    "next_attempt_at",
    "created_at",
    "delivered_at",
    "last_status_code",
    "last_error",
)


def delivery_row(
    tenant: TenantContext,
    endpoint_id: UUID,
    event: str,
    case_id: UUID | None,
    data: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """The complete, pending ``webhook_delivery`` row of ``event`` for one endpoint.

    The body is fixed here, so every retry posts (and signs) the same bytes.
    """
    delivery_id = uuid7()
    body = json.dumps(
        {
            "id": str(delivery_id),
            "event": event,
            "tenant": tenant.slug,
            "case_id": str(case_id) if case_id else None,
            "occurred_at": now.isoformat(),
            "data": dict(data),
        },
        separators=(",", ":"),
        default=str,
    )
    return {
        "tenant_id": tenant.id,
        "id": delivery_id,
        "endpoint_id": endpoint_id,
        "event": event,
        "case_id": case_id,
        "body": body,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "delivered_at": None,
        "last_status_code": None,
        "last_error": None,
    }


def checked_url(value: str) -> str:
    """The endpoint URL, if it is https, or http to this machine (for development)."""
    url = value.strip()
    if not url.isprintable() or " " in url:
        raise InvalidInput("url", "must be a URL without spaces or control characters")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise InvalidInput("url", "is not a URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInput("url", "must be an https:// URL with a host name")
    if parts.username or parts.password:
        raise InvalidInput("url", "must not carry a user name or password")
    if parts.scheme == "http" and host not in DEVELOPMENT_HOSTS:
        raise InvalidInput(
            "url", "must use https (plain http is allowed only for localhost and 127.0.0.1)"
        )
    return url


def _shown(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in WebhookOut.__struct_fields__}


async def emit_transition(
    case_id: UUID, reference: str, action: str, before: str, after: str
) -> int:
    """Emit ``case.status_changed`` for a step, and ``case.escalated`` too if it escalates.

    The payloads name the case and its states, never its people.
    """
    data = {"reference": reference, "action": action, "from": before, "to": after}
    queued = await emit("case.status_changed", case_id, data)
    if after == "escalated":
        queued += await emit("case.escalated", case_id, data)
    return queued
