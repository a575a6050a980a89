"""What crosses the webhook API, in and out.

The secret leaves exactly once, in ``WebhookCreated``; ``WebhookOut`` has no
field that could carry it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args
from uuid import UUID

import msgspec
from msgspec import Meta

#: The events an endpoint can subscribe to.
Event = Literal["case.registered", "case.status_changed", "deadline.breached", "case.escalated"]
EVENTS: tuple[str, ...] = get_args(Event)


class NewWebhook(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An endpoint to register: where to post, and which events."""

    #: https, or http on localhost / 127.0.0.1 for development.
    url: Annotated[str, Meta(min_length=1, max_length=2000)]
    events: Annotated[list[Event], Meta(min_length=1)]
    description: Annotated[str, Meta(max_length=200)] = ""


class WebhookOut(msgspec.Struct, kw_only=True):
    """An endpoint as its administrators see it; the secret is never shown again."""

    id: UUID
    url: str
    events: list[str]
    description: str
    created_by: str
    created_at: datetime
    disabled_at: datetime | None


class WebhookCreated(WebhookOut, kw_only=True):
    """An endpoint just registered, with the signing secret: shown this once."""

    secret: str


class WebhookList(msgspec.Struct, kw_only=True):
    """The tenant's endpoints, newest first."""

    items: list[WebhookOut]


class AttemptOut(msgspec.Struct, kw_only=True):
    """One try at a delivery."""

    attempt: int
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(msgspec.Struct, kw_only=True):
    """One event for the endpoint, its state and every attempt made."""

    id: UUID
    event: str
    case_id: UUID | None
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    log: list[AttemptOut]


class DeliveryList(msgspec.Struct, kw_only=True):
    """The endpoint's newest deliveries first."""

    items: list[DeliveryOut]
