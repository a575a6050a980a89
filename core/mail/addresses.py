"""Tenant mail addresses and the reply tokens that tie an address to one case.

A tenant receives at ``<slug>@<mail domain>``; ``<slug>+<tag>@<mail domain>``
reaches the same mailbox. A tag ``c-<token>`` names a case: the token is random,
handed out in the Reply-To of mail about the case, and stored only as a hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from uuid import UUID

from core.db.engine import transaction_connection
from core.ids import uuid7
from core.tenancy.context import current_tenant

#: The tag prefix that marks a case's reply token.
CASE_TAG_PREFIX = "c-"

_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TAG = re.compile(r"^[a-z0-9._=-]{1,64}$")


@dataclass(frozen=True, slots=True)
class TenantMailbox:
    """A tenant's mailbox as named by one recipient address."""

    slug: str
    #: What followed ``+`` in the local part, if anything.
    tag: str | None = None

    @property
    def reply_token(self) -> str | None:
        """The case reply token the address carries, if it carries one."""
        if self.tag is not None and self.tag.startswith(CASE_TAG_PREFIX):
            return self.tag.removeprefix(CASE_TAG_PREFIX) or None
        return None


def parse_recipient(address: str, mail_domain: str) -> TenantMailbox | None:
    """Return the mailbox ``address`` names, or None if it is not a tenant address."""
    local, at, domain = address.strip().strip("<>").lower().rpartition("@")
    if not at or domain != mail_domain.lower():
        return None
    slug, plus, tag = local.partition("+")
    if not _SLUG.match(slug) or (plus and not _TAG.match(tag)):
        return None
    return TenantMailbox(slug=slug, tag=tag if plus else None)


def reply_address(slug: str, token: str, mail_domain: str) -> str:
    """The address whose replies thread onto the case ``token`` was issued for."""
    return f"{slug}+{CASE_TAG_PREFIX}{token}@{mail_domain}"


def new_reply_token() -> str:
    """A fresh token of 120 random bits, in lower-case base32 (mail systems may fold case)."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


def token_hash(token: str) -> str:
    """What is stored of a token."""
    return hashlib.sha256(token.lower().encode()).hexdigest()


async def issue_reply_token(case_id: UUID) -> str:
    """Create a reply token for a case in the current tenant transaction; return it once."""
    tenant = current_tenant()
    token = new_reply_token()
    await transaction_connection().execute(
        "INSERT INTO case_mail_token (tenant_id, id, case_id, token_hash) VALUES ($1, $2, $3, $4)",
        tenant.id,
        uuid7(),
        case_id,
        token_hash(token),
    )
    return token


async def case_for_token(token: str) -> UUID | None:
    """The case a reply token belongs to, in the current tenant; None if it is unknown."""
    current_tenant()
    case_id: UUID | None = await transaction_connection().fetchval(
        "SELECT case_id FROM case_mail_token WHERE token_hash = $1", token_hash(token)
    )
    return case_id
