"""A tenant's branding: checked before it is stored, read cheaply by every public page.

Colours must stay readable: a colour is taken only if white text on it, and it
as text on white, reach the WCAG 2.1 AA contrast of 4.5:1. A logo is a PNG, JPEG
or WebP judged by its first bytes, never SVG, which a browser would run scripts
inside. The public pages read the branding through a short per-process cache, so
that showing it costs no query on most requests.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core.audit import services as audit
from core.auth.principal import Principal
from core.db.engine import DB
from core.errors import Forbidden, InvalidInput
from core.ids import uuid7
from core.tenancy.context import current_tenant
from core.text import CONTROL_CHARACTERS, has_control_characters

#: Role that may change the tenant's branding.
ADMIN_ROLE = "tenant-admin"
#: Largest logo taken, in bytes.
LOGO_MAX_BYTES = 512 * 1024
#: Contrast a colour needs against white (WCAG 2.1 AA for normal text).
MIN_CONTRAST = 4.5
#: How long a process trusts what it read of a tenant's branding, in seconds.
CACHE_SECONDS = 30.0
#: Longest display name.
NAME_MAX = 200
#: Longest file name a logo may arrive under.
FILE_NAME_MAX = 255

_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
#: The image types taken, by the bytes they start with.
_MAGIC: tuple[tuple[str, bytes, int], ...] = (
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/webp", b"WEBP", 8),
)


class LowContrast(InvalidInput):
    """A colour too light to read against white; ``ratio`` is what it reaches."""

    def __init__(self, field: str, ratio: float) -> None:
        super().__init__(
            field,
            f"has a contrast ratio of {shown_ratio(ratio)}:1 against white;"
            f" it needs at least {MIN_CONTRAST}:1",
        )
        self.ratio = ratio


@dataclass(frozen=True, slots=True)
class Branding:
    """The tenant's branding as its administrators and its public pages see it."""

    display_name: str | None = None
    primary_colour: str | None = None
    accent_colour: str | None = None
    logo_type: str | None = None
    #: Changes with every change: what the stylesheet's and the logo's ETags are made of.
    version: int = 0
    updated_at: datetime | None = None

    @property
    def has_logo(self) -> bool:
        """Whether the tenant has a logo."""
        return self.logo_type is not None


# -- the rules ---------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio between ``#rrggbb`` and white (1 to 21)."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def shown_ratio(ratio: float) -> str:
    """A ratio as people read it, cut (not rounded) to two places: 4.499 is not 4.50."""
    return f"{int(ratio * 100) / 100:.2f}"


def checked_colour(field: str, value: str | None) -> str | None:
    """``#rrggbb`` in lower case, or None for none; refuses other forms and light colours."""
    if value is None or not value.strip():
        return None
    colour = value.strip().lower()
    if not _COLOUR.match(colour):
        raise InvalidInput(field, "must be a colour written as #rrggbb, e.g. #0b4f9c")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise LowContrast(field, ratio)
    return colour


def checked_name(value: str | None) -> str | None:
    """The display name, trimmed; None for none."""
    if value is None or not value.strip():
        return None
    name = value.strip()
    if len(name) > NAME_MAX:
        raise InvalidInput("display_name", f"must be at most {NAME_MAX} characters")
    if has_control_characters(name, multiline=False):
        raise InvalidInput("display_name", CONTROL_CHARACTERS)
    return name


def checked_file_name(name: str | None) -> None:
    """A logo's file name is not kept, but a name no file can have is a broken upload."""
    if not name:
        raise InvalidInput("file", "choose a file to upload")
    if len(name.encode()) > FILE_NAME_MAX or has_control_characters(name, multiline=False):
        raise InvalidInput("file", "the file's name is not one a file can have")


def logo_type(content: bytes) -> str:
    """The media type of a logo, judged by its bytes; refuses anything else and big files."""
    if not content:
        raise InvalidInput("file", "the file is empty")
    if len(content) > LOGO_MAX_BYTES:
        raise InvalidInput("file", f"must be at most {LOGO_MAX_BYTES // 1024} KiB")
    for media_type, magic, offset in _MAGIC:
        if content[offset : offset + len(magic)] == magic:
            if media_type == "image/webp" and not content.startswith(b"RIFF"):
                continue
            return media_type
    raise InvalidInput("file", "must be a PNG, JPEG or WebP image")


def stylesheet(branding: Branding | None) -> str:
    """The tenant's stylesheet: custom properties only, from checked colours only."""
    lines = []
    if branding is not None:
        for name, colour in (
            ("--brand", branding.primary_colour),
            ("--accent", branding.accent_colour),
        ):
            # Checked on the way in; checked again here because this text is served as CSS.
            if colour is not None and _COLOUR.match(colour):
                lines.append(f"  {name}: {colour};")
    return ":root {\n" + "\n".join(lines) + ("\n" if lines else "") + "}\n"


# -- reading and changing ------------------------------------------------------------------

_SELECT = (
    "SELECT display_name, primary_colour, accent_colour, logo_type, version, updated_at"
    " FROM tenant_branding WHERE tenant_id = $1"
)


async def branding() -> Branding:
    """The current tenant's branding (empty when it has none)."""
    row = await _connection().fetchrow(_SELECT, current_tenant().id)
    return _branding(row)


async def save_branding(
    *,
    display_name: str | None,
    primary_colour: str | None,
    accent_colour: str | None,
    remove_logo: bool = False,
    principal: Principal,
) -> Branding:
    """Replace the tenant's name, colours (and drop its logo if asked); an audit event."""
    _may_change(principal)
    problems: list[InvalidInput] = []
    clean: dict[str, Any] = {}
    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("display_name", lambda: checked_name(display_name)),
        ("primary_colour", lambda: checked_colour("primary_colour", primary_colour)),
        ("accent_colour", lambda: checked_colour("accent_colour", accent_colour)),
    ]
    for field, check in checks:
        try:
            clean[field] = check()
        except InvalidInput as problem:
            problems.append(problem)
    if problems:
        raise BrandingRefused(problems)
    before = await branding()
    row = await _connection().fetchrow(
        """
        INSERT INTO tenant_branding (tenant_id, display_name, primary_colour, accent_colour,
                                     updated_by, updated_at, id)
        VALUES ($1, $2, $3, $4, $5, $6, $8)
        ON CONFLICT (tenant_id) DO UPDATE SET
            display_name = excluded.display_name,
            primary_colour = excluded.primary_colour,
            accent_colour = excluded.accent_colour,
            logo = CASE WHEN $7 THEN NULL ELSE tenant_branding.logo END,
            logo_type = CASE WHEN $7 THEN NULL ELSE tenant_branding.logo_type END,
            version = tenant_branding.version + 1,
            updated_by = excluded.updated_by,
            updated_at = excluded.updated_at
        RETURNING display_name, primary_colour, accent_colour, logo_type, version, updated_at
        """,
        current_tenant().id,
        clean["display_name"],
        clean["primary_colour"],
        clean["accent_colour"],
        principal.actor,
        datetime.now(UTC),
        remove_logo,
        uuid7(),
    )
    after = _branding(row)
    changed = [
        name
        for name in ("display_name", "primary_colour", "accent_colour", "logo_type")
        if getattr(before, name) != getattr(after, name)
    ]
    await audit.record("branding.changed", actor=principal.actor, detail={"changed": changed})
    forget(current_tenant().id)
    return after


async def save_logo(content: bytes, *, principal: Principal) -> Branding:
    """Store the tenant's logo after checking its bytes; an audit event."""
    _may_change(principal)
    media_type = logo_type(content)
    row = await _connection().fetchrow(
        """
        INSERT INTO tenant_branding (tenant_id, logo, logo_type, updated_by, updated_at, id)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (tenant_id) DO UPDATE SET
            logo = excluded.logo,
            logo_type = excluded.logo_type,
            version = tenant_branding.version + 1,
            updated_by = excluded.updated_by,
            updated_at = excluded.updated_at
        RETURNING display_name, primary_colour, accent_colour, logo_type, version, updated_at
        """,
        current_tenant().id,
        content,
        media_type,
        principal.actor,
        datetime.now(UTC),
        uuid7(),
    )
    await audit.record(
        "branding.changed",
        actor=principal.actor,
        detail={"changed": ["logo"], "type": media_type, "bytes": len(content)},
    )
    forget(current_tenant().id)
    return _branding(row)


async def logo() -> tuple[bytes, str, int] | None:
    """The tenant's logo: its bytes, its media type and the branding's version."""
    row = await _connection().fetchrow(
        "SELECT logo, logo_type, version FROM tenant_branding"
        " WHERE tenant_id = $1 AND logo IS NOT NULL",
        current_tenant().id,
    )
    if row is None:
        return None
    return bytes(row["logo"]), str(row["logo_type"]), int(row["version"])


class BrandingRefused(InvalidInput):
    """One or more fields of the branding form are refused; ``problems`` names each."""

    def __init__(self, problems: list[InvalidInput]) -> None:
        super().__init__(problems[0].field, problems[0].reason)
        self.problems = problems


# -- what the public pages read --------------------------------------------------------------

_cache: dict[UUID, tuple[float, Branding | None]] = {}


async def page_branding() -> Branding | None:
    """The current tenant's branding for its pages (None: it has none), cached briefly."""
    tenant = current_tenant()
    now = time.monotonic()
    cached = _cache.get(tenant.id)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = await _connection().fetchrow(_SELECT, tenant.id)
    found = _branding(row) if row is not None else None
    _cache[tenant.id] = (now, found)
    return found


def forget(tenant_id: UUID) -> None:
    """Drop what this process remembers of a tenant's branding (after a change)."""
    _cache.pop(tenant_id, None)


def _may_change(principal: Principal) -> None:
    if not principal.holds(ADMIN_ROLE):
        raise Forbidden(f"Changing the branding needs the role {ADMIN_ROLE}.")


def _branding(row: Any) -> Branding:
    if row is None:
        return Branding()
    return Branding(
        display_name=row["display_name"],
        primary_colour=row["primary_colour"],
        accent_colour=row["accent_colour"],
        logo_type=row["logo_type"],
        version=row["version"],
        updated_at=row["updated_at"],
    )


def _connection() -> Any:
    current_tenant()
    transaction = DB.current_transaction.get()
    assert transaction is not None, "current_tenant() guarantees an open transaction"
    return transaction.connection
