"""Counting a tenant's cases for a report, in SQL, through the one access rule.

The counts are taken in one statement (``GROUPING SETS``), so that every list
adds up to the same total, and through ``core.access.visible``: a case the
caller may not see is not counted, as it is not listed. A regulator gets the
counts only, with the small ones suppressed (``suppressed``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast, get_args

from piccolo.querystring import QueryString

from core.access import services as access
from core.audit import services as audit
from core.cases.tables import Case
from core.errors import InvalidInput
from core.reports.schemas import DIMENSIONS, CaseReport, Count, ReportAudience
from core.tenancy.context import current_tenant

#: The threshold rule of statistical disclosure control: a count of fewer than this
#: many cases could point at a person, so the regulator does not see it. "Some
#: agencies require at least five respondents in a cell, others require three"
#: (OECD Glossary of Statistical Terms, "Threshold rule", after the Glossary of
#: Statistical Disclosure Control, UNECE/Eurostat work session, 2005).
SMALLEST_SHOWN = 5
#: How long the report's period is when only its end is given: a year, both ends included.
DEFAULT_DAYS = 365
#: The longest period one report covers.
LONGEST_DAYS = 3660
SUPPRESSION = (
    f"Counts from 1 to {SMALLEST_SHOWN - 1} are suppressed (count null, suppressed true),"
    " and where a list would then have one suppressed count, the next smallest is"
    " suppressed as well, so that no suppressed count follows from the total."
)
AUDIENCES: tuple[str, ...] = get_args(ReportAudience)
FORMATS = ("json", "csv")

_COUNTS = """
SELECT {groupings}, {columns}, count(*) AS cases
  FROM cases
 WHERE cases.received_at >= {{}} AND cases.received_at < {{}} AND ({{}})
 GROUP BY GROUPING SETS ({sets}, ())
"""
_SQL = _COUNTS.format(
    groupings=", ".join(f"GROUPING(cases.{d}) AS by_{d}" for d in DIMENSIONS),
    columns=", ".join(f"cases.{d}" for d in DIMENSIONS),
    sets=", ".join(f"(cases.{d})" for d in DIMENSIONS),
)


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """The report's first and last day from ``from`` and ``to`` (YYYY-MM-DD).

    ``to`` defaults to today in the organisation's time zone, ``from`` to a year
    before ``to``.
    """
    last = _day("to", end) if end else datetime.now(current_tenant().zone).date()
    first = _day("from", start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("from", "lies after to")
    if (last - first).days >= LONGEST_DAYS:
        raise InvalidInput("from", f"lies more than {LONGEST_DAYS} days before to")
    return first, last


async def case_report(
    start: str | None, end: str | None, *, audience: str, actor: str
) -> CaseReport:
    """Cases received from ``start`` to ``end`` that the caller sees, counted; audited."""
    if audience not in AUDIENCES:
        raise InvalidInput("audience", f"is one of {', '.join(AUDIENCES)}")
    first, last = period(start, end)
    tenant = current_tenant()
    since = datetime.combine(first, time(), tenant.zone)
    until = datetime.combine(last + timedelta(days=1), time(), tenant.zone)
    seen = access.visible()
    rows = await Case.raw(
        _SQL, since, until, seen.querystring if seen is not None else QueryString("true")
    )
    total, lists = _tallied(rows)
    suppression = None
    if audience == "regulator":
        suppression = SUPPRESSION
        total, lists = suppressed(total, lists)
    await audit.record(
        "report.cases",
        actor=actor,
        detail={"audience": audience, "from": first.isoformat(), "to": last.isoformat()},
    )
    return CaseReport(
        organisation=tenant.name,
        audience=cast(ReportAudience, audience),
        start=first,
        end=last,
        timezone=tenant.timezone,
        total=total,
        suppression=suppression,
        **lists,
    )


def _tallied(rows: Sequence[dict[str, Any]]) -> tuple[Count, dict[str, list[Count]]]:
    """The rows of ``_SQL`` as the total and one list per fact, in the order of the values.

    Not by size: where counts are suppressed, their place in the list would tell.
    """
    total = Count(value="all", count=0)
    lists: dict[str, list[Count]] = {d: [] for d in DIMENSIONS}
    for row in rows:
        grouped = [d for d in DIMENSIONS if row[f"by_{d}"] == 0]
        if not grouped:
            total = Count(value="all", count=row["cases"])
            continue
        (dimension,) = grouped
        lists[dimension].append(Count(value=row[dimension], count=row["cases"]))
    for counts in lists.values():
        counts.sort(key=lambda c: (c.value is None, c.value or ""))
    return total, lists


def suppressed(total: Count, lists: dict[str, list[Count]]) -> tuple[Count, dict[str, list[Count]]]:
    """The counts with those below ``SMALLEST_SHOWN`` withheld, and what would give them away.

    A list with exactly one suppressed count would let the total give it back, so
    the smallest count shown beside it is suppressed too (complementary suppression).
    A total below the threshold suppresses everything.
    """
    hidden = Count(value=total.value, count=None, suppressed=True)
    if (total.count or 0) < SMALLEST_SHOWN and total.count:
        return hidden, {d: [_hide(c) for c in counts] for d, counts in lists.items()}
    out: dict[str, list[Count]] = {}
    for dimension, counts in lists.items():
        small = {i for i, c in enumerate(counts) if (c.count or 0) < SMALLEST_SHOWN}
        if len(small) == 1 and len(counts) > 1:
            shown = [i for i in range(len(counts)) if i not in small]
            small.add(min(shown, key=lambda i: counts[i].count or 0))
        out[dimension] = [_hide(c) if i in small else c for i, c in enumerate(counts)]
    return total, out


def as_csv(report: CaseReport) -> str:
    """The report as CSV: one row per count (``dimension,value,count,suppressed``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["dimension", "value", "count", "suppressed"])
    rows = [("total", report.total)] + [
        (dimension, count) for dimension in DIMENSIONS for count in getattr(report, dimension)
    ]
    for dimension, count in rows:
        writer.writerow(
            [
                dimension,
                _cell(count.value or ""),
                "" if count.count is None else count.count,
                "true" if count.suppressed else "false",
            ]
        )
    return buffer.getvalue()


def _hide(count: Count) -> Count:
    return Count(value=count.value, count=None, suppressed=True)


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts like a formula; a category is typed by people.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _day(field: str, value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, "is a date written YYYY-MM-DD") from None
