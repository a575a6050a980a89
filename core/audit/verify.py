"""Checking a tenant's audit log: every event's seal, its link to the one before, no gaps.

Each event's hash covers its content and its predecessor's hash, so the check
reads the log in order and stops at the first event that does not hold:

- a **changed** event no longer matches its own hash;
- a **removed** event leaves a gap in ``seq``;
- **reordered** events (``seq`` values swapped) do not match their hashes, since
  ``seq`` is sealed too;
- an event changed and **re-sealed** (its hash recomputed) breaks the link of the
  event after it, whose ``prev_hash`` still names the old hash.

What a hash chain alone cannot show is the removal of the newest events; that
needs the chain's head kept somewhere the database's owner cannot reach.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from uuid import UUID

import asyncpg

from core.audit.services import GENESIS_HASH, text_hash

#: Events read per round trip.
CHUNK = 20_000

#: The log in order from after ``$1``, every field as the canonical form spells it (times
#: in UTC). Pages by ``seq`` on the tenant's index, without a cursor.
_LOG = """
SELECT seq, id::text,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       actor, action, case_id::text, detail::text, prev_hash, hash
FROM audit_event WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2
"""


@dataclass(frozen=True, slots=True)
class Fault:
    """The first event that does not hold, and why."""

    seq: int
    #: None when the event is missing altogether.
    event_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one tenant's log."""

    #: Events read (up to and including a faulty one).
    events: int
    fault: Fault | None
    seconds: float

    @property
    def intact(self) -> bool:
        """Whether every event holds."""
        return self.fault is None

    @property
    def rate(self) -> float:
        """Events checked per second."""
        return self.events / self.seconds if self.seconds > 0 else float(self.events)


async def verify_log(connection: asyncpg.Connection, tenant_id: UUID) -> Verdict:
    """Check the whole log of ``tenant_id``, in a transaction scoped to that tenant.

    The transaction's planner settings change until it ends (see ``_read``).
    """
    started = time.perf_counter()
    part = await _read(connection, str(tenant_id), 1, None, GENESIS_HASH)
    return Verdict(events=part.events, fault=part.fault, seconds=time.perf_counter() - started)


async def verify_log_in_parallel(dsn: str, tenant_id: UUID, *, processes: int = 2) -> Verdict:
    """Check the whole log with ``processes`` processes, each reading a range of it.

    Hashing is what takes the time, and one Python process uses one core; this one
    reads the first range itself. ``dsn`` connects as the application role. A log
    smaller than ``SPLIT_FROM`` events is read by this process alone. Events written
    after the check began are not checked.
    """
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT set_config('querela.tenant_id', $1, true)", str(tenant_id)
            )
            top: int = await connection.fetchval("SELECT coalesce(max(seq), 0) FROM audit_event")
            ranges = _split(top, processes if top >= SPLIT_FROM else 1)
            first, last = ranges[0]
            if len(ranges) == 1:
                parts = [await _read(connection, str(tenant_id), first, last, GENESIS_HASH)]
            else:
                loop = asyncio.get_running_loop()
                context = get_context("spawn")
                with ProcessPoolExecutor(len(ranges) - 1, mp_context=context) as pool:
                    others = [
                        loop.run_in_executor(pool, _read_in_process, dsn, str(tenant_id), a, b)
                        for a, b in ranges[1:]
                    ]
                    parts = [await _read(connection, str(tenant_id), first, last, GENESIS_HASH)]
                    parts += await asyncio.gather(*others)
    finally:
        await connection.close()
    events, fault = _merge(parts, ranges)
    return Verdict(events=events, fault=fault, seconds=time.perf_counter() - started)


#: Logs this long and longer are checked in parallel.
SPLIT_FROM = 100_000


@dataclass(frozen=True, slots=True)
class _Part:
    """What checking one range of the log found."""

    events: int
    first_id: str | None
    #: The link of the range's first event (checked against the range before it).
    first_link: str | None
    last_hash: str | None
    fault: Fault | None


def _split(top: int, parts: int) -> list[tuple[int, int | None]]:
    """``parts`` ranges of ``seq`` covering 1..top."""
    size = max(top // parts, 1)
    bounds: list[tuple[int, int | None]] = [
        (1 + n * size, (n + 1) * size) for n in range(parts - 1)
    ]
    return [*bounds, (1 + (parts - 1) * size, top)]


def _merge(parts: list[_Part], ranges: list[tuple[int, int | None]]) -> tuple[int, Fault | None]:
    """The events checked up to the first fault in log order, and that fault."""
    events = 0
    for n, part in enumerate(parts):
        first = ranges[n][0]
        starts_range = part.fault is not None and part.fault.seq == first
        if n and not starts_range and part.events and part.first_link != parts[n - 1].last_hash:
            link = f"it does not follow event {first - 1}: its link names another hash, so"
            link += f" event {first - 1} was changed and re-sealed, or this event's link was"
            return events + 1, Fault(first, part.first_id, link + " changed")
        events += part.events
        if part.fault is not None:
            return events, part.fault
    return events, None


def _read_in_process(dsn: str, tenant: str, first: int, last: int | None) -> _Part:
    async def read() -> _Part:
        connection = await asyncpg.connect(dsn)
        try:
            async with connection.transaction():
                await connection.execute("SELECT set_config('querela.tenant_id', $1, true)", tenant)
                return await _read(connection, tenant, first, last, None)
        finally:
            await connection.close()

    return asyncio.run(read())


async def _read(
    connection: asyncpg.Connection, tenant: str, first: int, last: int | None, link: str | None
) -> _Part:
    """Check the events ``first``..``last`` (None: to the end).

    ``link`` is the hash the first one must name (None: not known here).
    """
    # Each page is a range of the (tenant_id, seq) index, already in order. Statistics
    # taken while the log was small would sort the tenant's whole log for every page.
    await connection.execute(
        "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off;"
        " SET LOCAL enable_seqscan = off"
    )
    top = last if last is not None else 2**62
    expected, previous, events = first, link, 0
    first_id: str | None = None
    first_link: str | None = None
    fault: Fault | None = None
    # The next page is asked for before this one is checked, so the server reads it
    # while Python hashes.
    page: asyncio.Task[list[asyncpg.Record]] | None = await _ask(connection, first - 1, top)
    while page is not None and fault is None:
        rows = await page
        if not rows:
            break
        page = await _ask(connection, rows[-1][0], top) if len(rows) == CHUNK else None
        if first_id is None:
            first_id, first_link = rows[0][1], rows[0][7]
        checked, expected, previous, fault = _check(rows, tenant, expected, previous)
        events += checked
    if page is not None:
        await page  # leave the connection idle for the caller
    if fault is None and last is not None and expected <= last:
        fault = _missing(expected, last)
    return _Part(events, first_id, first_link, previous, fault)


async def _ask(
    connection: asyncpg.Connection, after: int, top: int
) -> asyncio.Task[list[asyncpg.Record]]:
    task = asyncio.ensure_future(connection.fetch(_LOG, after, CHUNK, top))
    await asyncio.sleep(0)  # let it send the query before the caller gets busy
    return task


def _check(
    rows: list[asyncpg.Record], tenant: str, expected: int, previous: str | None
) -> tuple[int, int, str | None, Fault | None]:
    """Check a page: the events read, where the chain now stands, and the first fault.

    ``previous`` None accepts the first event's link as it is (a range's first event,
    whose predecessor another process checks).
    """
    loads, seal = json.loads, text_hash
    for checked, row in enumerate(rows, 1):
        seq, event_id, occurred_at, actor, action, case_id, detail, prev_hash, digest = row
        if previous is None:
            previous = prev_hash
        if seq != expected or prev_hash != previous:
            return checked, expected, previous, _fault(expected, previous, row)
        if digest != seal(
            tenant, seq, event_id, occurred_at, actor, action, case_id, loads(detail), prev_hash
        ):
            changed = "its content does not match its hash: it was changed"
            return checked, expected, previous, Fault(seq, event_id, changed)
        expected, previous = seq + 1, digest
    return len(rows), expected, previous, None


def _missing(first: int, last: int) -> Fault:
    missing = f"event {first}" if first == last else f"events {first}-{last}"
    return Fault(first, None, f"{missing} missing: removed from the log")


def _fault(expected: int, previous: str, row: asyncpg.Record) -> Fault:
    seq, event_id, prev_hash = row[0], row[1], row[7]
    if seq > expected:
        return _missing(expected, seq - 1)
    if prev_hash != previous:
        before = "the start of the log" if seq == 1 else f"event {seq - 1}"
        return Fault(
            seq,
            event_id,
            f"it does not follow {before}: its link names another hash, so {before} was"
            " changed and re-sealed, or this event's link was changed",
        )
    raise AssertionError("called only when the sequence or the link is wrong")
