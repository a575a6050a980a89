"""A tenant's data keys, and sealing the fields that hold personal data with them.

A sealed value is text, ``q1:<key version>:<base64 of nonce, ciphertext and tag>``,
encrypted with AES-256-GCM under the tenant's data key. The associated data binds
it to its tenant, column and row (``<tenant id>|<table.column>|<row id>``): a value
copied to another row, column or tenant does not open. A value without the prefix
was stored before its column was sealed and is read as it is; ``querela keys
rotate`` seals such values too.

Data keys are made on first use, wrapped by the tenant's key-encryption key in
the key manager (``core.crypto.kms``), and cached unwrapped in the process. A
process rereads the tenant's versions at least every ``REFRESH_SECONDS`` and at
once when it meets a version it does not know, so a rotation needs no restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.crypto.kms import KeyManager, key_manager_for
from core.db.engine import transaction_connection
from core.ids import uuid7
from core.settings import Settings
from core.tenancy.context import current_tenant

PREFIX = "q1:"
#: How long a process trusts its copy of a tenant's key versions, in seconds.
REFRESH_SECONDS = 60.0
_NONCE = 12
_DIGITS = re.compile(r"[^\d+]")

_manager: KeyManager | None = None
_cache: dict[UUID, Keyring] = {}


class SealedValueUnreadable(RuntimeError):
    """A sealed value does not open: its key is gone, or it was altered or moved."""


def configure(settings: Settings) -> None:
    """Use the key manager the settings name (the app, the worker and the CLI call this)."""
    global _manager
    _manager = key_manager_for(settings)
    _cache.clear()


def manager() -> KeyManager:
    """The process's key manager; the environment's unless ``configure`` chose one."""
    global _manager
    if _manager is None:
        _manager = key_manager_for(Settings.from_env())
    return _manager


def forget(tenant_id: UUID) -> None:
    """Drop the process's copy of a tenant's keys (after its key was destroyed)."""
    _cache.pop(tenant_id, None)


def kek_name(tenant_id: UUID) -> str:
    """The name of a tenant's key-encryption key in the key manager."""
    return f"tenant-{tenant_id}"


@dataclass(slots=True)
class Keyring:
    """One tenant's data keys, by version, and its blind-index key."""

    tenant_id: UUID
    current: int
    keys: dict[int, AESGCM]
    index_key: bytes
    loaded_at: float = field(default_factory=time.monotonic)

    def _context(self, where: str, row_id: UUID) -> bytes:
        return f"{self.tenant_id}|{where}|{row_id}".encode()

    def seal(self, value: str | None, where: str, row_id: UUID) -> str | None:
        """Encrypt ``value`` for column ``where`` (``table.column``) of row ``row_id``."""
        if value is None:
            return None
        nonce = os.urandom(_NONCE)
        sealed = self.keys[self.current].encrypt(
            nonce, value.encode(), self._context(where, row_id)
        )
        return f"{PREFIX}{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, value: str | None, where: str, row_id: UUID) -> str | None:
        """The plain text of a value ``seal`` made (or of one stored before sealing)."""
        if value is None or not value.startswith(PREFIX):
            return value
        version, blob = _parts(value)
        key = self.keys.get(version)
        if key is None:
            raise SealedValueUnreadable(f"{where} of {row_id}: no data key version {version}")
        raw = base64.b64decode(blob)
        try:
            return key.decrypt(raw[:_NONCE], raw[_NONCE:], self._context(where, row_id)).decode()
        except InvalidTag:
            raise SealedValueUnreadable(f"{where} of {row_id} does not open") from None

    def index(self, kind: str, value: str | None) -> str | None:
        """A blind index of an e-mail address or phone number: equal inputs, equal outputs.

        Lets SQL find a party by e-mail or phone without the database holding either.
        """
        if not value:
            return None
        text = value.strip().casefold() if kind == "email" else _DIGITS.sub("", value)
        if not text:
            return None
        digest = hmac.new(self.index_key, f"{kind}:{text}".encode(), hashlib.sha256)
        return digest.hexdigest()

    def version_of(self, value: str | None) -> int | None:
        """The data-key version a stored value was sealed with (0: stored in clear)."""
        if value is None:
            return None
        return _parts(value)[0] if value.startswith(PREFIX) else 0


def _parts(value: str) -> tuple[int, str]:
    version, _, blob = value[len(PREFIX) :].partition(":")
    return int(version), blob


async def keyring(*, needs: int | None = None) -> Keyring:
    """The current tenant's keyring; made on the tenant's first use.

    ``needs`` is a version the caller met in a stored value: a keyring without it
    is reloaded (another process rotated the key).
    """
    tenant_id = current_tenant().id
    cached = _cache.get(tenant_id)
    if (
        cached is not None
        and time.monotonic() - cached.loaded_at < REFRESH_SECONDS
        and (needs is None or needs in cached.keys)
    ):
        return cached
    ring = await _load(tenant_id) or await _create(tenant_id)
    _cache[tenant_id] = ring
    return ring


async def opener(values: list[str | None]) -> Keyring:
    """The keyring, reloaded first if any of ``values`` uses a version it lacks."""
    versions = {_parts(v)[0] for v in values if v and v.startswith(PREFIX)}
    ring = await keyring()
    missing = versions - ring.keys.keys()
    return await keyring(needs=max(missing)) if missing else ring


async def _load(tenant_id: UUID) -> Keyring | None:
    rows = await transaction_connection().fetch(
        "SELECT version, wrapped_key, wrapped_index_key, kek FROM tenant_key ORDER BY version"
    )
    return unwrapped(tenant_id, rows) if rows else None


def unwrapped(tenant_id: UUID, rows: Sequence[Mapping[str, Any] | asyncpg.Record]) -> Keyring:
    """The keyring that ``tenant_key`` rows hold, unwrapped by the key manager.

    Also what restoring a backup does; raises ``KeyUnavailable`` once the tenant's
    key-encryption key has been destroyed.
    """
    kms = manager()
    ordered = sorted(rows, key=lambda row: int(row["version"]))
    keys = {
        row["version"]: AESGCM(
            kms.unwrap(row["kek"], row["wrapped_key"], _key_context(tenant_id, row["version"]))
        )
        for row in ordered
    }
    last = ordered[-1]
    index_key = kms.unwrap(last["kek"], last["wrapped_index_key"], _index_context(tenant_id))
    return Keyring(tenant_id, last["version"], keys, index_key)


async def _create(tenant_id: UUID) -> Keyring:
    kms = manager()
    name = kek_name(tenant_id)
    kms.create(name)
    connection = transaction_connection()
    # Two transactions may make the first key at once; the unique version keeps one.
    await connection.execute(
        "INSERT INTO tenant_key (tenant_id, id, version, wrapped_key, wrapped_index_key, kek)"
        " VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT (tenant_id, version) DO NOTHING",
        tenant_id,
        uuid7(),
        kms.wrap(name, AESGCM.generate_key(bit_length=256), _key_context(tenant_id, 1)),
        kms.wrap(name, os.urandom(32), _index_context(tenant_id)),
        name,
    )
    ring = await _load(tenant_id)
    assert ring is not None, "the first key was just stored"
    return ring


async def add_version(tenant_id: UUID) -> int:
    """Store a new data-key version (same index key); new values are sealed with it."""
    kms = manager()
    connection = transaction_connection()
    last = await connection.fetchrow(
        "SELECT version, wrapped_index_key, kek FROM tenant_key ORDER BY version DESC LIMIT 1"
    )
    if last is None:
        return (await keyring()).current
    version = last["version"] + 1
    index_key = kms.unwrap(last["kek"], last["wrapped_index_key"], _index_context(tenant_id))
    await connection.execute(
        "INSERT INTO tenant_key (tenant_id, id, version, wrapped_key, wrapped_index_key, kek)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        tenant_id,
        uuid7(),
        version,
        kms.wrap(
            last["kek"], AESGCM.generate_key(bit_length=256), _key_context(tenant_id, version)
        ),
        kms.wrap(last["kek"], index_key, _index_context(tenant_id)),
        last["kek"],
    )
    forget(tenant_id)
    return int(version)


async def rewrap(tenant_id: UUID) -> int:
    """Wrap every data-key version again under the key manager's current key version.

    After ``KeyManager.rotate`` this moves the stored data keys to the new
    key-encryption key; the data itself is not touched. Returns the rows rewrapped.
    """
    kms = manager()
    connection = transaction_connection()
    rows = await connection.fetch(
        "SELECT id, version, wrapped_key, wrapped_index_key, kek FROM tenant_key"
    )
    for row in rows:
        name = row["kek"]
        key = kms.unwrap(name, row["wrapped_key"], _key_context(tenant_id, row["version"]))
        index_key = kms.unwrap(name, row["wrapped_index_key"], _index_context(tenant_id))
        await connection.execute(
            "UPDATE tenant_key SET wrapped_key = $2, wrapped_index_key = $3 WHERE id = $1",
            row["id"],
            kms.wrap(name, key, _key_context(tenant_id, row["version"])),
            kms.wrap(name, index_key, _index_context(tenant_id)),
        )
    forget(tenant_id)
    return len(rows)


def _key_context(tenant_id: UUID, version: int) -> bytes:
    return f"{tenant_id}|data-key|{version}".encode()


def _index_context(tenant_id: UUID) -> bytes:
    return f"{tenant_id}|index-key".encode()
