"""What crosses the API-key boundary, in and out.

The secret leaves exactly once, in ``ApiKeyIssued``; ``ApiKeyOut`` has no field
that could carry it or its hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args
from uuid import UUID

import msgspec
from msgspec import Meta

#: What a key may be allowed to do; each scope is honoured by the guards of its endpoints.
Scope = Literal["cases:create", "cases:read", "correspondence:create"]
SCOPES: tuple[str, ...] = get_args(Scope)

KeyName = Annotated[str, Meta(min_length=1, max_length=100)]
KeyState = Literal["active", "expired", "revoked"]


class NewApiKey(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A key to issue: what it is for, what it may do, and optionally when it stops working."""

    name: KeyName
    scopes: Annotated[list[Scope], Meta(min_length=1)]
    #: Needs a time zone; leave out for a key that works until it is revoked.
    expires_at: datetime | None = None


class ApiKeyOut(msgspec.Struct, kw_only=True):
    """A key as its administrators see it: recognisable by ``prefix``, never usable."""

    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    state: KeyState
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    last_used_at: datetime | None


class ApiKeyIssued(ApiKeyOut, kw_only=True):
    """A key just issued, with its secret: shown this once, stored only as a hash."""

    secret: str


class ApiKeyList(msgspec.Struct, kw_only=True):
    """The tenant's keys, newest first, revoked ones included."""

    items: list[ApiKeyOut]
