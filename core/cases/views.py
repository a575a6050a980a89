"""What a plugin's view of a case adds to the case row: its levels and its deadlines.

One query gives plugins the case on every hook (registration included) and gives a
report every case in its period, so each level's decision and answer, and the
deadlines, come as JSON columns of that query rather than a round trip per case.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.sdk import DeadlineView, LevelView

#: ``levels``: level 0 (the first answer) and each appeal, each with its latest approved
#: decision and when no answer in time was taken as a denial. Put after the columns a
#: query selects from ``cases``.
LEVELS_COLUMN = """
       (SELECT json_agg(json_build_object(
                 'level', l.level, 'name', l.name, 'opened_at', l.opened_at,
                 'answered_at', l.answered_at, 'outcome', d.outcome,
                 'reviewed_at', d.reviewed_at, 'deemed_at', n.deemed_at) ORDER BY l.level)
          FROM (SELECT 0 AS level, '' AS name, cases.received_at AS opened_at,
                       cases.answered_at
                UNION ALL
                SELECT a.level, a.name, a.opened_at, a.decided_at
                  FROM case_appeal a WHERE a.case_id = cases.id) l
          LEFT JOIN LATERAL (
                SELECT x.outcome, x.reviewed_at FROM case_decision x
                 WHERE x.case_id = cases.id AND x.level = l.level AND x.state = 'approved'
                 ORDER BY x.reviewed_at DESC LIMIT 1) d ON true
          LEFT JOIN LATERAL (
                SELECT min(x.reviewed_at) AS deemed_at FROM case_decision x
                 WHERE x.case_id = cases.id AND x.level = l.level AND x.state = 'deemed') n
                ON true) AS levels
"""


#: ``deadlines``: the case's deadlines as they stand, soonest first.
DEADLINES_COLUMN = """
       (SELECT json_agg(json_build_object(
                 'kind', d.kind, 'due_at', d.due_at, 'met_at', d.met_at, 'level', d.level,
                 'original_due_at', d.original_due_at) ORDER BY d.due_at, d.kind)
          FROM deadline d WHERE d.case_id = cases.id) AS deadlines
"""


def deadlines_of(row: dict[str, Any]) -> tuple[DeadlineView, ...]:
    """The ``deadlines`` column of a row as views, soonest first."""
    raw = row["deadlines"]
    entries = json.loads(raw) if isinstance(raw, str) else raw or []
    return tuple(
        DeadlineView(
            kind=e["kind"],
            due_at=datetime.fromisoformat(e["due_at"]),
            met_at=_when(e["met_at"]),
            level=int(e["level"]),
            original_due_at=_when(e["original_due_at"]),
        )
        for e in entries
    )


def recorded(values: dict[str, Any]) -> frozenset[str]:
    """The names of the fields that hold a value (not empty)."""
    return frozenset(k for k, v in values.items() if v not in (None, "", [], {}))


def levels_of(row: dict[str, Any]) -> tuple[LevelView, ...]:
    """The ``levels`` column of a row as views, level 0 first."""
    raw = row["levels"]
    entries = json.loads(raw) if isinstance(raw, str) else raw or []
    return tuple(
        LevelView(
            level=int(e["level"]),
            opened_at=_when(e["opened_at"]) or row["received_at"],
            name=e["name"] or "",
            reviewed_at=_when(e["reviewed_at"]),
            answered_at=_when(e["answered_at"]),
            outcome=e["outcome"],
            deemed_denied_at=_when(e.get("deemed_at")),
        )
        for e in entries
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
