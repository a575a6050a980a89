"""Issuing, listing and revoking API keys, and recognising one on a request.

A secret is ``qk_`` and 256 random bits; only its SHA-256 is stored (a plain
hash is enough for a secret nobody can guess, as ``core.receipts.services``
explains). Keys belong to the tenant, not to the administrator who issued them,
so they keep working when that person leaves; revoking is how a key ends.

Every function runs inside the caller's tenant transaction: row-level security
is what keeps one tenant's key from ever being found on another tenant's host.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from core.apikeys.schemas import SCOPES, ApiKeyIssued, ApiKeyList, ApiKeyOut, KeyState, NewApiKey
from core.apikeys.tables import ApiKey
from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.sessions import digest
from core.errors import Conflict, InvalidInput, NotFound, QuerelaError
from core.ids import uuid7
from core.tenancy.context import current_tenant

#: Marks a string as a Querela API key, for people and for secret scanners.
KEY_MARK = "qk_"
#: How much of a secret is kept in clear to recognise the key by: ``qk_`` and 8 characters.
SHOWN_LENGTH = len(KEY_MARK) + 8
#: How stale ``last_used_at`` may get before a request refreshes it (saves a write per request).
_TOUCH_AFTER = timedelta(minutes=1)
_NAME_LIMIT = 100


class KeyRefused(QuerelaError):
    """The presented key cannot be used here; the message says why, for the integrator."""


async def issue_key(new: NewApiKey, *, actor: str) -> ApiKeyIssued:
    """Issue a key for the current tenant; the result carries the secret this once."""
    tenant = current_tenant()
    now = datetime.now(UTC)
    name = _checked_name(new.name)
    scopes = _checked_scopes(new.scopes)
    expires_at = _expiry(new.expires_at, now)
    secret = KEY_MARK + secrets.token_urlsafe(32)
    row = ApiKey(
        id=uuid7(),
        tenant_id=tenant.id,
        name=name,
        prefix=secret[:SHOWN_LENGTH],
        secret_hash=digest(secret),
        scopes=scopes,
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    await ApiKey.insert(row)
    await audit.record(
        "api_key.issued",
        actor=actor,
        detail={
            "api_key_id": str(row.id),
            "scopes": scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return ApiKeyIssued(**_shown(row.to_dict(), now), secret=secret)


async def list_keys() -> ApiKeyList:
    """The current tenant's keys, newest first; never their secrets or hashes."""
    current_tenant()
    now = datetime.now(UTC)
    rows = await ApiKey.select().order_by(ApiKey.id, ascending=False)
    return ApiKeyList(items=[ApiKeyOut(**_shown(row, now)) for row in rows])


async def revoke_key(key_id: UUID, *, actor: str) -> ApiKeyOut:
    """Stop a key from working, for good; the record of it stays."""
    current_tenant()
    now = datetime.now(UTC)
    row = await ApiKey.select().where(ApiKey.id == key_id).first()
    if row is None:
        raise NotFound("no such API key")
    # Conditional, so that of two administrators revoking at once only one is recorded.
    revoked = await (
        ApiKey.update({ApiKey.revoked_at: now, ApiKey.revoked_by: actor})
        .where((ApiKey.id == key_id) & ApiKey.revoked_at.is_null())
        .returning(ApiKey.id)
    )
    if not revoked:
        raise Conflict("the API key was already revoked")
    await audit.record("api_key.revoked", actor=actor, detail={"api_key_id": str(key_id)})
    return ApiKeyOut(**_shown({**row, "revoked_at": now, "revoked_by": actor}, now))


async def key_principal(secret: str) -> Principal:
    """Return who a request presenting ``secret`` is; raise ``KeyRefused`` if nobody."""
    current_tenant()
    now = datetime.now(UTC)
    row = None
    if secret.startswith(KEY_MARK):
        row = await ApiKey.select().where(ApiKey.secret_hash == digest(secret)).first()
    if row is None:
        raise KeyRefused("The API key is not valid for this organisation.")
    if row["revoked_at"] is not None:
        raise KeyRefused("The API key has been revoked. Ask an administrator for a new one.")
    if row["expires_at"] is not None and row["expires_at"] <= now:
        raise KeyRefused("The API key has expired. Ask an administrator for a new one.")
    if row["last_used_at"] is None or now - row["last_used_at"] > _TOUCH_AFTER:
        # SKIP LOCKED: of concurrent requests with one key, one records the use, none waits.
        await ApiKey.raw(
            "UPDATE api_key SET last_used_at = {} WHERE id = ("
            " SELECT id FROM api_key WHERE id = {} FOR UPDATE SKIP LOCKED)",
            now,
            row["id"],
        )
    return Principal(
        subject=str(row["id"]),
        email=None,
        name=row["name"],
        via="api_key",
        scopes=frozenset(row["scopes"]),
    )


def _checked_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise InvalidInput("name", "must not be blank")
    if len(name) > _NAME_LIMIT:
        raise InvalidInput("name", f"may be at most {_NAME_LIMIT} characters")
    # The name is shown in lists and terminals: no NUL, escapes or invisible marks.
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidInput("name", "must not contain control characters")
    return name


def _checked_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    if not chosen:
        raise InvalidInput("scopes", f"name at least one of {', '.join(SCOPES)}")
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise InvalidInput(
            "scopes", f"{', '.join(unknown)} is not a scope; choose from {', '.join(SCOPES)}"
        )
    return chosen


def _expiry(value: datetime | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise InvalidInput("expires_at", "needs a time zone, e.g. 2027-01-31T00:00:00+00:00")
    if value <= now:
        raise InvalidInput("expires_at", "lies in the past")
    return value.astimezone(UTC)


def _state(row: dict[str, Any], now: datetime) -> KeyState:
    if row["revoked_at"] is not None:
        return "revoked"
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return "expired"
    return "active"


def _shown(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The fields of ``ApiKeyOut``, from a row: the hash is never among them."""
    return {
        **{name: row[name] for name in ApiKeyOut.__struct_fields__ if name != "state"},
        "scopes": list(row["scopes"]),
        "state": _state(row, now),
    }
