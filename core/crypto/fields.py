"""Which columns are sealed, and sealing or opening whole rows of them.

Every writer of a sealed column goes through ``sealed`` and every reader through
``opened``; ``tests/integration/test_sealed_fields.py`` greps a database dump for
the plain values to hold the writers to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.crypto.keyring import Keyring, keyring, opener

#: Every sealed column, by table: who complains and how to reach them, who
#: witnessed what, everything the complainant and the organisation wrote, the
#: mail queued to them, the secrets webhooks are signed with, and the keys of the
#: files attached to cases (``core.crypto.files``).
SEALED: dict[str, tuple[str, ...]] = {
    "party": ("display_name", "email", "phone"),
    "correspondence": ("body",),
    "case_record": ("body", "person"),
    "outbox_message": ("to_address", "body"),
    "webhook_endpoint": ("secret",),
    "attachment_key": ("file_key",),
}


def seal_with(ring: Keyring, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` (which has its ``id``) with the table's sealed columns sealed."""
    out = dict(row)
    for column in SEALED[table]:
        if column in out:
            out[column] = ring.seal(out[column], f"{table}.{column}", out["id"])
    if table == "party":
        out["email_index"] = ring.index("email", row.get("email"))
        out["phone_index"] = ring.index("phone", row.get("phone"))
    return out


async def sealed(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` sealed with the current tenant's key, ready to insert."""
    return seal_with(await keyring(), table, row)


async def opened(table: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``rows`` (each with its ``id``) with the sealed columns in plain text."""
    copies = [dict(row) for row in rows]
    columns = SEALED[table]
    values = [copy.get(column) for copy in copies for column in columns]
    if not any(isinstance(v, str) for v in values):
        return copies
    ring = await opener([v for v in values if isinstance(v, str)])
    for copy in copies:
        for column in columns:
            if column in copy:
                copy[column] = ring.open(copy[column], f"{table}.{column}", copy["id"])
    return copies


async def opened_one(table: str, row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``opened`` for one row, or None."""
    return None if row is None else (await opened(table, [row]))[0]


async def blind_index(kind: str, value: str | None) -> str | None:
    """The current tenant's blind index of an e-mail (``kind="email"``) or phone."""
    return (await keyring()).index(kind, value)
