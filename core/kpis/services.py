"""KPIs of staff and teams over a period, taken in SQL through the one access rule.

Each figure counts what happened in the period, credited to the person the case
is assigned to and the team whose queue it is in:

- received: cases received;
- time to acknowledge: received -> the acknowledgement deadline met (the
  ``acknowledge`` action marks it met as it sends the letter), for those met in
  the period;
- time to close: received -> closed, for cases closed in the period;
- deadlines met on time: of the deadlines met in the period or fallen due in it
  unmet (a stopped clock does not fall due), those met by their due time;
- upheld rate: of the decisions approved in the period, those upholding the
  complaint fully or partly;
- satisfaction: the complainants' survey scores given in the period.

All figures come from one statement: the events of the period, summed per person
and team where a sum is all that is wanted (one row each where a median is),
aggregated by ``GROUPING SETS`` per person, per team, and in total. A case the
caller may not see (``core.access.visible``) counts nowhere.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, cast, get_args
from uuid import UUID

from piccolo.querystring import QueryString

from core import clock
from core.access import services as access
from core.auth.staff import staff_names
from core.cases.tables import Case
from core.deadlines.services import ACKNOWLEDGEMENT
from core.errors import InvalidInput
from core.kpis.schemas import Kpi, KpiReport, Period
from core.routing.tables import Team

PERIODS: tuple[str, ...] = get_args(Period)
PERIOD_DAYS = {"30d": 30, "90d": 90, "365d": 365}
#: Outcomes that count as the complaint upheld.
UPHELD = ("upheld", "partly_upheld")

# Each source is joined to its case and filtered by the access rule on its own rows only,
# rather than the rule being applied to every case of the tenant first. Figures that are
# counts or sums are summed per person and team inside each source (``n`` events of total
# ``v``), so that only the times whose medians are wanted reach the grouping sets one by one.
_KPIS = """
WITH due AS MATERIALIZED (
    SELECT cases.assignee_staff_id AS person, cases.team_id AS team, d.kind, d.met_at,
           d.due_at, cases.received_at
      FROM deadline d JOIN cases ON cases.id = d.case_id
     WHERE ((d.met_at >= {since} AND d.met_at < {until})
            OR (d.met_at IS NULL AND d.paused_since IS NULL
                AND d.due_at >= {since} AND d.due_at < {until}))
       AND d.watched AND ({team}) AND ({seen})
),
events AS (
    SELECT cases.assignee_staff_id AS person, cases.team_id AS team, 'received' AS kind,
           NULL::float8 AS v, count(*) AS n
      FROM cases
     WHERE cases.received_at >= {since} AND cases.received_at < {until} AND ({team})
       AND ({seen})
     GROUP BY 1, 2
    UNION ALL
    SELECT cases.assignee_staff_id, cases.team_id, 'closed',
           extract(epoch FROM cases.closed_at - cases.received_at) / 3600, 1
      FROM cases
     WHERE cases.closed_at >= {since} AND cases.closed_at < {until} AND cases.status = 'closed'
       AND ({team}) AND ({seen})
    UNION ALL
    SELECT person, team, 'deadline', sum((met_at IS NOT NULL AND met_at <= due_at)::int),
           count(*)
      FROM due
     GROUP BY 1, 2
    UNION ALL
    SELECT person, team, 'acknowledged', extract(epoch FROM met_at - received_at) / 3600, 1
      FROM due
     WHERE kind = {ack} AND met_at >= {since}
    UNION ALL
    SELECT cases.assignee_staff_id, cases.team_id, 'decision',
           sum((x.outcome = ANY({upheld}))::int), count(*)
      FROM case_decision x JOIN cases ON cases.id = x.case_id
     WHERE x.state = 'approved' AND x.reviewed_at >= {since} AND x.reviewed_at < {until}
       AND ({team}) AND ({seen})
     GROUP BY 1, 2
    UNION ALL
    SELECT cases.assignee_staff_id, cases.team_id, 'survey', sum(s.score), count(*)
      FROM case_survey s JOIN cases ON cases.id = s.case_id
     WHERE s.answered_at >= {since} AND s.answered_at < {until} AND ({team}) AND ({seen})
     GROUP BY 1, 2
)
SELECT GROUPING(person) AS by_person, GROUPING(team) AS by_team, person, team,
       coalesce(sum(n) FILTER (WHERE kind = 'received'), 0) AS received,
       coalesce(sum(n) FILTER (WHERE kind = 'acknowledged'), 0) AS acknowledged,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
           FILTER (WHERE kind = 'acknowledged') AS median_hours_to_acknowledge,
       coalesce(sum(n) FILTER (WHERE kind = 'closed'), 0) AS closed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
           FILTER (WHERE kind = 'closed') AS median_hours_to_close,
       coalesce(sum(n) FILTER (WHERE kind = 'deadline'), 0) AS deadlines,
       coalesce(sum(v) FILTER (WHERE kind = 'deadline'), 0)::int AS deadlines_met_on_time,
       coalesce(sum(n) FILTER (WHERE kind = 'decision'), 0) AS decisions,
       coalesce(sum(v) FILTER (WHERE kind = 'decision'), 0)::int AS upheld,
       coalesce(sum(n) FILTER (WHERE kind = 'survey'), 0) AS surveys,
       sum(v) FILTER (WHERE kind = 'survey')
           / nullif(sum(n) FILTER (WHERE kind = 'survey'), 0) AS mean_satisfaction
  FROM events
 GROUP BY GROUPING SETS ((person), (team), ())
"""
_MARK = re.compile(r"\{(\w+)\}")


def period_bounds(period: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The period's start and end (now)."""
    if period not in PERIOD_DAYS:
        raise InvalidInput("period", f"is one of {', '.join(PERIODS)}")
    until = now or clock.now()
    return until - timedelta(days=PERIOD_DAYS[period]), until


async def kpis(period: str = "30d", team: UUID | None = None) -> KpiReport:
    """KPIs per person, per team and in total over the period (of one team's cases, if given)."""
    since, until = period_bounds(period)
    seen = access.visible()
    values: dict[str, Any] = {
        "seen": seen.querystring if seen is not None else QueryString("true"),
        "team": QueryString("cases.team_id = {}", team) if team else QueryString("true"),
        "since": since,
        "until": until,
        "ack": ACKNOWLEDGEMENT,
        "upheld": list(UPHELD),
    }
    rows = await Case.raw(*named(_KPIS, values))
    people = {r["person"] for r in rows if r["by_person"] == 0}
    names = await staff_names(people)
    teams = {t["id"]: t["name"] for t in await Team.select(Team.id, Team.name)}
    out_people, out_teams, total = [], [], _kpi(None, None, {})
    for row in rows:
        if row["by_person"] == 0:
            out_people.append(_kpi(row["person"], names.get(row["person"]), row))
        elif row["by_team"] == 0:
            out_teams.append(_kpi(row["team"], teams.get(row["team"]), row))
        else:
            total = _kpi(None, None, row)
    out_people.sort(key=_order)
    out_teams.sort(key=_order)
    return KpiReport(
        period=cast(Period, period),
        since=since,
        until=until,
        team=team,
        people=out_people,
        teams=out_teams,
        total=total,
    )


def named(sql: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """``sql`` with named ``{name}`` markers as Piccolo's ``{}`` ones, and their values in order.

    Piccolo fills ``{}`` by position; a value used in several places is repeated.
    """
    order = _MARK.findall(sql)
    return (_MARK.sub("{}", sql), *(values[name] for name in order))


def _order(kpi: Kpi) -> tuple[bool, str]:
    return (kpi.id is None, (kpi.name or "").lower())


def _kpi(key: UUID | None, name: str | None, row: dict[str, Any]) -> Kpi:
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    counts = {
        k: int(row.get(k) or 0)
        for k in (
            "received",
            "acknowledged",
            "closed",
            "deadlines",
            "deadlines_met_on_time",
            "decisions",
            "upheld",
            "surveys",
        )
    }
    return Kpi(
        id=key,
        name=name,
        **counts,
        median_hours_to_acknowledge=number(row.get("median_hours_to_acknowledge")),
        median_hours_to_close=number(row.get("median_hours_to_close")),
        on_time_share=share(counts["deadlines_met_on_time"], counts["deadlines"]),
        upheld_rate=share(counts["upheld"], counts["decisions"]),
        mean_satisfaction=number(row.get("mean_satisfaction")),
    )
