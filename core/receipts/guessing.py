"""Limits on guessing receipts, per client address and per tenant, shared by every process.

Counters are rows in ``receipt_attempt``, one per bucket and fixed time window,
written on a connection of their own: the request's tenant transaction rolls
back on a 404, and a refused guess must stay counted.

Each attempt reserves one count before the receipt is looked up, atomically,
so parallel guesses cannot all slip under the limit; an attempt that turns out
not to be a refused guess gives its count back. Settling does the same work for
both outcomes, so it reveals nothing either.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import asyncpg
from litestar.types import Scope

from core.db.engine import DB
from core.errors import NotFound

#: The start of the current window, aligned on the database clock so that every process agrees.
_WINDOW_START = "date_bin($1::interval, statement_timestamp(), 'epoch'::timestamptz)"

#: Drops counters of windows before the previous one; on its own, so that it holds no lock
#: while a counter is taken.
_SWEEP = f"DELETE FROM receipt_attempt WHERE window_start < {_WINDOW_START} - $1::interval"

#: Takes a count in the bucket's current window.
_RESERVE = f"""
INSERT INTO receipt_attempt (bucket, window_start, failures)
VALUES ($2, {_WINDOW_START}, 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET failures = receipt_attempt.failures + 1
RETURNING failures, window_start,
    ceil(extract(epoch FROM window_start + $1::interval - statement_timestamp())) AS retry_after
"""

#: Gives one count back.
_GIVE_BACK = """
UPDATE receipt_attempt SET failures = failures - 1 WHERE bucket = $1 AND window_start = $2
"""


#: Set in a request's scope state when the secret it brought was refused; the guard,
#: which runs outside the tenant transaction, reads it to keep the count.
REFUSED = "querela.receipt_refused"


class RefusedSecret(NotFound):
    """A receipt or survey link that opens nothing: a wrong guess, as far as the limits go."""


@contextmanager
def counting_refusal(scope: Scope) -> Iterator[None]:
    """Mark the request as a refused guess when the block raises ``RefusedSecret``."""
    try:
        yield
    except RefusedSecret:
        scope.setdefault("state", {})[REFUSED] = True
        raise


#: The window every limit counts in.
WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class GuessLimits:
    """How many refused receipts a bucket may have per window.

    The tenant limit is high because reaching it shuts follow-up for all of the
    tenant's complainants until the window ends; it is there against guessing
    spread over many addresses, not against one client.
    """

    window: timedelta = WINDOW
    per_client: int = 10
    per_tenant: int = 200
    #: Keeps the counters of different limits (guesses, submissions) apart. Every limit
    #: uses the same window, because one sweep clears the counters of all of them.
    namespace: str = ""

    def __post_init__(self) -> None:
        if self.window != WINDOW:
            raise ValueError(f"every limit counts in windows of {WINDOW}")


class TooManyGuesses(Exception):
    """A bucket has used up its refused receipts for this window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many refused receipts; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Reservation:
    """The counts one attempt holds, by bucket and the window each was taken in."""

    buckets: tuple[str, ...] = ()
    windows: tuple[datetime, ...] = ()

    def plus(self, bucket: str, window: datetime) -> Reservation:
        """Return a copy holding one count more."""
        return Reservation((*self.buckets, bucket), (*self.windows, window))


def client_bucket(address: str) -> str:
    """The bucket of a client address: IPv6 by its /64, which one subscriber usually holds.

    Stored as a hash so that raw addresses do not sit in the table; with the
    rows swept after two windows, that is enough for a counter.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        key = address
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            key = str(ip.ipv4_mapped)
        elif isinstance(ip, ipaddress.IPv6Address):
            key = str(ipaddress.IPv6Network((ip, 64), strict=False))
        else:
            key = str(ip)
    return "client:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def tenant_bucket(slug: str) -> str:
    """The bucket of every attempt on one tenant's host."""
    return f"tenant:{slug}"


class GuessLimiter:
    """Reserves and settles counts against ``GuessLimits``."""

    def __init__(self, limits: GuessLimits | None = None) -> None:
        self.limits = limits or GuessLimits()

    async def reserve(self, *, client: str | None, tenant: str | None) -> Reservation:
        """Count an attempt for the client, then for the tenant; raise when either is spent.

        The client is checked first so that a client already refused does not
        use up its tenant's allowance.
        """
        reservation = Reservation()
        async with _own_connection() as conn:
            await conn.execute(_SWEEP, self.limits.window)
            for bucket, limit in (
                (client_bucket(client) if client else None, self.limits.per_client),
                (tenant_bucket(tenant) if tenant else None, self.limits.per_tenant),
            ):
                if bucket is None:
                    continue
                bucket = self.limits.namespace + bucket
                row = await conn.fetchrow(_RESERVE, self.limits.window, bucket)
                assert row is not None, "an upsert with RETURNING returns its row"
                if row["failures"] > limit:
                    # Counts taken in earlier buckets were not this bucket's refusal.
                    await _settle(conn, reservation, give_back=True)
                    raise TooManyGuesses(max(1, int(row["retry_after"])))
                reservation = reservation.plus(bucket, row["window_start"])
        return reservation

    async def settle(self, reservation: Reservation, *, refused: bool) -> None:
        """Keep the counts of a refused receipt; give back those of any other outcome."""
        if not reservation.buckets:
            return
        async with _own_connection() as conn:
            await _settle(conn, reservation, give_back=not refused)


async def _settle(conn: asyncpg.Connection, reservation: Reservation, *, give_back: bool) -> None:
    """Give the counts back, or keep them (nothing to write: reserving counted them).

    One row per statement, each committed on its own: a statement that updated
    several rows would lock them in whatever order its plan met them, and two such
    statements could each wait for the other.
    """
    if not give_back:
        return
    for bucket, window in sorted(zip(reservation.buckets, reservation.windows, strict=True)):
        await conn.execute(_GIVE_BACK, bucket, window)


@asynccontextmanager
async def _own_connection() -> AsyncIterator[asyncpg.Connection]:
    """A connection outside any transaction of the request, committing each statement."""
    if DB.pool is not None:
        async with DB.pool.acquire() as pooled:
            yield cast(asyncpg.Connection, pooled)
        return
    conn = await asyncpg.connect(**DB.config)
    try:
        yield conn
    finally:
        await conn.close()
