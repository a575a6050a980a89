"""What needs a supervisor now: deadlines breached or due soon, escalations, workload.

Deadlines are listed most urgent first, up to ``LIST_LIMIT``; the counts are of cases
(one with two late deadlines is one breached case), as the workload counts them.
Every list and every count goes through ``core.access.visible``: a case the
caller may not see is neither listed nor counted. "Due soon" means what the
queue's badge means (``core.cases.services.DUE_SOON``). A stopped clock
(a case on hold) is neither breached nor due.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core import clock
from core.access import services as access
from core.auth.staff import staff_names
from core.cases.services import DUE_SOON
from core.cases.tables import Case
from core.kpis.schemas import DeadlineWatch, Escalation, Overview, Workload
from core.kpis.services import named

#: Statuses in which a case is no longer worked: answered, closed or withdrawn.
FINISHED = ("responded", "closed", "withdrawn")
#: The most deadlines and escalations the overview lists; the counts cover all.
LIST_LIMIT = 100

_DEADLINES = """
SELECT cases.id AS case_id, cases.reference, cases.subject, cases.assignee_staff_id,
       d.kind, d.label, d.due_at, d.due_at < {now} AS breached
  FROM deadline d JOIN cases ON cases.id = d.case_id
 WHERE d.met_at IS NULL AND d.watched AND d.paused_since IS NULL AND d.due_at < {soon}
   AND cases.status <> ALL({finished}) AND ({seen})
 ORDER BY d.due_at, d.id
 LIMIT {limit}
"""

# The cases are chosen and counted first; who escalated them is looked up for those listed.
_ESCALATIONS = """
SELECT s.*, e.actor AS escalated_by, e.occurred_at AS escalated_at,
       coalesce(f.risks, ARRAY[]::text[]) AS risks
  FROM (SELECT cases.id AS case_id, cases.reference, cases.subject, cases.status,
               cases.escalated_to_staff_id, cases.escalation_reason, cases.updated_at,
               count(*) OVER () AS total
          FROM cases
         WHERE (cases.status = 'escalated'
                OR EXISTS (SELECT 1 FROM case_flag r WHERE r.case_id = cases.id
                             AND r.kind = 'risk' AND r.cleared_at IS NULL))
           AND cases.status <> ALL({finished}) AND ({seen})
         ORDER BY cases.updated_at DESC, cases.id DESC
         LIMIT {limit}) AS s
  LEFT JOIN LATERAL (
       SELECT a.actor, a.occurred_at FROM audit_event a
        WHERE a.case_id = s.case_id AND a.action = 'case.escalate'
        ORDER BY a.seq DESC LIMIT 1) AS e ON s.status = 'escalated'
  LEFT JOIN LATERAL (
       SELECT array_agg(x.message ORDER BY x.raised_at, x.id) AS risks FROM case_flag x
        WHERE x.case_id = s.case_id AND x.kind = 'risk' AND x.cleared_at IS NULL) AS f ON true
 ORDER BY s.updated_at DESC, s.case_id DESC
"""

_WORKLOAD = """
SELECT cases.assignee_staff_id AS staff_id, count(*) AS open,
       count(*) FILTER (WHERE d.breached) AS breached,
       count(*) FILTER (WHERE d.due_soon AND NOT d.breached) AS due_soon,
       min(cases.received_at) AS oldest_received_at
  FROM cases
  LEFT JOIN (SELECT case_id, bool_or(due_at < {now}) AS breached,
                    bool_or(due_at >= {now} AND due_at < {soon}) AS due_soon
               FROM deadline
              WHERE met_at IS NULL AND watched AND paused_since IS NULL AND due_at < {soon}
              GROUP BY case_id) AS d ON d.case_id = cases.id
 WHERE cases.status <> ALL({finished}) AND ({seen})
 GROUP BY cases.assignee_staff_id
"""


async def overview() -> Overview:
    """Deadlines at risk, escalations and workload of the cases the caller may see."""
    now = clock.now()
    seen = access.visible()
    values: dict[str, Any] = {
        "now": now,
        "soon": now + DUE_SOON,
        "finished": list(FINISHED),
        "seen": seen.querystring if seen is not None else QueryString("true"),
        "limit": LIST_LIMIT,
    }
    deadlines = await Case.raw(*named(_DEADLINES, values))
    escalations = await Case.raw(*named(_ESCALATIONS, values))
    workload = await Case.raw(*named(_WORKLOAD, values))
    names = await staff_names(
        [r["assignee_staff_id"] for r in deadlines]
        + [r["escalated_to_staff_id"] for r in escalations]
        + [r["staff_id"] for r in workload]
        + [_staff_of(r["escalated_by"]) for r in escalations]
    )
    return Overview(
        at=now,
        breached=sum(r["breached"] for r in workload),
        due_soon=sum(r["due_soon"] for r in workload),
        escalated=int(escalations[0]["total"]) if escalations else 0,
        deadlines=[
            DeadlineWatch(
                **{k: r[k] for k in _DEADLINE_FIELDS},
                assignee_name=names.get(r["assignee_staff_id"]),
            )
            for r in deadlines
        ],
        escalations=[
            Escalation(
                **{k: r[k] for k in _ESCALATION_FIELDS},
                escalated_to_name=names.get(r["escalated_to_staff_id"]),
                risks=list(r["risks"] or []),
            )
            for r in escalations
        ],
        workload=sorted(
            (
                Workload(
                    staff_id=r["staff_id"],
                    name=names.get(r["staff_id"]),
                    open=r["open"],
                    breached=r["breached"],
                    due_soon=r["due_soon"],
                    oldest_received_at=r["oldest_received_at"],
                    oldest_days=_days(now, r["oldest_received_at"]),
                )
                for r in workload
            ),
            key=lambda w: (w.staff_id is None, -w.breached, -w.open, (w.name or "").lower()),
        ),
    )


_DEADLINE_FIELDS = (
    "case_id",
    "reference",
    "subject",
    "kind",
    "label",
    "due_at",
    "breached",
    "assignee_staff_id",
)
_ESCALATION_FIELDS = (
    "case_id",
    "reference",
    "subject",
    "status",
    "escalated_to_staff_id",
    "escalation_reason",
    "escalated_by",
    "escalated_at",
)


def _days(now: datetime, since: datetime) -> int:
    return max(0, (now - since).days)


def _staff_of(actor: str | None) -> UUID | None:
    """The staff id in an actor ``staff:<id>``, else None."""
    kind, _, rest = (actor or "").partition(":")
    if kind != "staff":
        return None
    try:
        return UUID(rest)
    except ValueError:
        return None
