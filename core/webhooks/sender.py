"""Delivering webhooks: claim due deliveries, post them signed, log every attempt.

Claiming works as for mail (see ``core.mail.sender``): the sender visits the
tenants listed in ``webhook_outbox_tenant`` and claims due rows with
``FOR UPDATE SKIP LOCKED``, taking a lease that commits at once, so several
workers never post a delivery twice at the same time and none holds a
transaction open across HTTP. A worker that dies mid-post leaves the row to be
retried when its lease ends: receivers get each event at least once and
recognise a repeat by the ``Querela-Delivery`` header.

Where a delivery may go
-----------------------
A tenant admin chooses the URL, so the URL must not reach into the service's
own network (a metadata endpoint, a database's HTTP port). The sender resolves
the host itself, refuses it if any of its addresses is not public, and then
connects to the address it checked, keeping the host name for the ``Host``
header, TLS's server name and the certificate check; a DNS answer that changes
between the check and the connection therefore changes nothing.
``Settings.webhook_private_networks`` lifts this for development.

How a receiver verifies a delivery
----------------------------------
Every post carries ``Querela-Signature: t=<unix seconds>,v1=<hex>``, where
``<hex>`` is HMAC-SHA256, keyed with the endpoint's secret (``whsec_...``),
over the bytes ``<t>.<raw request body>``. The receiver recomputes it over the
body exactly as received (before any JSON parsing), compares with
``hmac.compare_digest``, and refuses a ``t`` more than a few minutes old, which
stops an intercepted post from being replayed later. ``signature`` and
``verify`` below are the two halves; a receiver may copy ``verify``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import random
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import httpx

from core.audit import services as audit
from core.crypto.keyring import opener
from core.db.engine import transaction_connection
from core.ids import uuid7
from core.settings import Settings
from core.tenancy.context import TenantContext, tenant_transaction
from core.webhooks.tables import WebhookOutboxTenant

log = logging.getLogger(__name__)

#: The actor recorded for deliveries.
ACTOR = "webhooks"
SIGNATURE_HEADER = "Querela-Signature"
#: Rows claimed at once; their posts must fit in the lease.
BATCH = 10
TIMEOUT = 10.0
LEASE = timedelta(minutes=5)
#: After this many failed attempts a delivery is marked ``failed`` and left alone.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
#: How old a signature a receiver should accept, in seconds (advice for ``verify``).
TOLERANCE = 300
#: Answers that say "try later": anything else below 500 will not change by retrying.
_TRANSIENT = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery a sender holds the lease on, with where and how to sign it."""

    id: UUID
    event: str
    case_id: UUID | None
    body: str
    attempts: int
    url: str
    secret: str


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Querela-Signature`` value for ``body`` posted at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, *, now: float, tolerance: int = TOLERANCE
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is recent: the receiver's check."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


class Refused(Exception):
    """The URL leads somewhere a webhook may not go; retrying cannot help."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a post goes: the URL with the checked address, and how to name the host."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, Any]


async def pinned(url: str, *, private_networks: bool = False) -> Target:
    """Resolve ``url``'s host, refuse non-public addresses, and aim at the address checked.

    Raises ``Refused`` for a non-public address and ``OSError`` when the name does
    not resolve (which may pass: the delivery is retried).
    """
    if private_networks:
        return Target(url, {}, {})
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    answers = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(answer[4][0]) for answer in answers]
    if not addresses:
        raise OSError(f"{host} has no address")
    for address in addresses:
        if not address.is_global:
            raise Refused(
                f"refused: {host} resolves to {address}, which is not a public address;"
                " webhooks go only to public addresses"
            )
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{host}:{parts.port}" if parts.port else host
    return Target(
        urlunsplit(parts._replace(netloc=netloc)),
        {"host": host_header},
        # TLS names the host, and checks the certificate against it, not the address.
        {"sni_hostname": host},
    )


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: doubling, capped, with jitter.

    The jitter (between half and all of the doubled wait) spreads the retries of
    many deliveries that failed together, so a receiver coming back up is not
    hit by all of them in the same second.
    """
    doublings = min(max(attempts - 1, 0), 16)
    ceiling = min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - spreading load, not a secret


async def deliver_due(settings: Settings, limit: int = 100) -> int:
    """Post up to ``limit`` due deliveries across all tenants, once; return how many were tried.

    The worker calls it in its loop; it keeps no state between calls.
    """
    tried = 0
    # Only tenants with deliveries due, each with the insert count seen before the visit.
    due = await WebhookOutboxTenant.raw(
        "SELECT tenant_id, version FROM webhook_outbox_tenant WHERE next_due_at <= now()"
        " ORDER BY next_due_at LIMIT {}",
        limit,
    )
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
        for row in due:
            if tried >= limit:
                break
            tenant_id = row["tenant_id"]
            while tried < limit:
                tenant, batch = await _claim(tenant_id, min(BATCH, limit - tried))
                if tenant is None or not batch:
                    break
                for claimed in batch:
                    await _post(client, tenant, claimed, settings.webhook_private_networks)
                    tried += 1
            await _reschedule(tenant_id, row["version"])
    return tried


async def _reschedule(tenant_id: UUID, seen: int) -> None:
    """Record when the tenant's next delivery is due, unless one was queued since ``seen``."""
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is not None:
            await transaction_connection().execute("SELECT querela_webhook_reschedule($1)", seen)


async def _claim(tenant_id: UUID, count: int) -> tuple[TenantContext | None, list[ClaimedDelivery]]:
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is None:
            return None, []
        rows = await transaction_connection().fetch(
            """
            UPDATE webhook_delivery d
            SET attempts = d.attempts + 1, next_attempt_at = now() + $2::interval
            FROM (
                SELECT d.tenant_id, d.id, e.id AS endpoint_id, e.url, e.secret
                FROM webhook_delivery d
                JOIN webhook_endpoint e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
                WHERE d.tenant_id = $1 AND d.state = 'pending' AND d.next_attempt_at <= now()
                  AND e.disabled_at IS NULL
                ORDER BY d.next_attempt_at, d.id
                LIMIT $3
                FOR UPDATE OF d SKIP LOCKED
            ) due
            WHERE d.tenant_id = due.tenant_id AND d.id = due.id
            RETURNING d.id, d.event, d.case_id, d.body, d.attempts, due.url, due.secret,
                      due.endpoint_id
            """,
            tenant.id,
            LEASE,
            count,
        )
        if not rows:
            return tenant, []
        ring = await opener([row["secret"] for row in rows])  # the secrets are sealed
    claimed = []
    for row in rows:
        fields = dict(row)
        endpoint_id = fields.pop("endpoint_id")
        fields["secret"] = ring.open(fields["secret"], "webhook_endpoint.secret", endpoint_id)
        claimed.append(ClaimedDelivery(**fields))
    return tenant, claimed


async def _post(
    client: httpx.AsyncClient,
    tenant: TenantContext,
    claimed: ClaimedDelivery,
    private_networks: bool,
) -> None:
    body = claimed.body.encode()
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "Querela-Webhooks/1",
        "querela-event": claimed.event,
        "querela-delivery": str(claimed.id),
        SIGNATURE_HEADER: signature(claimed.secret, timestamp, body),
    }
    status: int | None = None
    error: str | None = None
    refused = False
    started = time.monotonic()
    try:
        target = await pinned(claimed.url, private_networks=private_networks)
        response = await client.post(
            target.url,
            content=body,
            headers={**headers, **target.headers},
            extensions=target.extensions,
        )
        status = response.status_code
    except Refused as exc:
        error, refused = str(exc), True
    except OSError as exc:
        error = f"could not resolve the host: {exc}"
    except httpx.TimeoutException as exc:
        error = f"timed out: {exc!r}"
    except httpx.HTTPError as exc:
        error = f"could not connect: {exc!r}"
    duration_ms = round((time.monotonic() - started) * 1000)
    if refused:
        state = "failed"
    elif status is not None and 200 <= status < 300:
        state = "delivered"
    elif status is not None and status < 500 and status not in _TRANSIENT:
        state, error = "failed", f"the receiver refused it with {status}; retrying cannot help"
    elif claimed.attempts >= MAX_ATTEMPTS:
        state = "failed"
    else:
        state = "pending"
    if error is None and state != "delivered":
        error = f"the receiver answered {status}"
    if error:
        log.warning("webhook delivery %s: %s", claimed.id, error)
    await _record(tenant, claimed, state, status, error, duration_ms)


async def _record(
    tenant: TenantContext,
    claimed: ClaimedDelivery,
    state: str,
    status: int | None,
    error: str | None,
    duration_ms: int,
) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        connection = transaction_connection()
        await connection.execute(
            """
            INSERT INTO webhook_attempt
                (tenant_id, id, delivery_id, attempt, status_code, error, duration_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            tenant.id,
            uuid7(),
            claimed.id,
            claimed.attempts,
            status,
            error[:1000] if error else None,
            duration_ms,
        )
        await connection.execute(
            """
            UPDATE webhook_delivery
            SET state = $2::varchar, last_status_code = $3, last_error = $4,
                delivered_at = CASE WHEN $2::varchar = 'delivered' THEN now() END,
                next_attempt_at = CASE WHEN $2::varchar = 'pending' THEN now() + $5::interval
                                       ELSE next_attempt_at END
            WHERE id = $1
            """,
            claimed.id,
            state,
            status,
            error[:1000] if error else None,
            retry_delay(claimed.attempts),
        )
        if state != "pending":
            await audit.record(
                f"webhook.{state}",
                actor=ACTOR,
                case_id=claimed.case_id,
                detail={"delivery_id": str(claimed.id), "event": claimed.event, "status": status},
            )
