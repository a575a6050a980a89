"""The KPI API: figures per person and per team, and what needs a supervisor now."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import QueryParameter

from core.auth.guards import roles_required
from core.kpis import overview, services
from core.kpis.schemas import KpiReport, Overview, Period

#: Who watches staff and teams.
SUPERVISORS = ("supervisor", "tenant-admin")


class KpiController(Controller):
    """``/kpis``: how the request's tenant's cases are handled, by person and team."""

    path = "/kpis"
    tags = ["kpis"]
    guards = [roles_required(*SUPERVISORS)]

    @get(summary="KPIs of staff and teams over a period")
    async def report(
        self,
        period: Annotated[
            Period, QueryParameter(description="The last 30, 90 or 365 days.")
        ] = "30d",
        team: Annotated[
            UUID | None, QueryParameter(description="Only the cases in this team's queue.")
        ] = None,
    ) -> KpiReport:
        """Cases received, time to acknowledge and to close, deadlines met, upheld, satisfaction.

        Per person (the case's assignee), per team (its queue) and in total; only the
        cases the caller may see count.
        """
        return await services.kpis(period, team)

    @get("/overview", summary="Deadlines at risk, escalations and workload now")
    async def now(self) -> Overview:
        """Open deadlines breached or due soon, escalated or risk-flagged cases, open cases.

        Open cases are counted per person; only cases the caller may see are listed or counted.
        """
        return await overview.overview()
