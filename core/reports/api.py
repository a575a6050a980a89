"""The report API: counts of cases for a period, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from core.auth.guards import principal_of, roles_required
from core.errors import InvalidInput
from core.reports import plugin_reports, services
from core.reports.schemas import CaseReport, ReportInfo, TableReport

#: The period's first day, ``from`` in the query.
FirstDay = Annotated[
    str | None,
    QueryParameter(
        name="from",
        max_length=10,
        format="date",
        description="First day (YYYY-MM-DD); a year before `to` by default.",
    ),
]
#: The period's last day, ``to`` in the query.
LastDay = Annotated[
    str | None,
    QueryParameter(
        max_length=10,
        format="date",
        description="Last day, included (YYYY-MM-DD); today by default.",
    ),
]
#: Who reads reports: those who watch how cases are handled, not those who handle them.
REPORTERS = ("supervisor", "tenant-admin", "auditor")


class ReportController(Controller):
    """``/reports``: counts of the request's tenant's cases."""

    path = "/reports"
    tags = ["reports"]
    guards = [roles_required(*REPORTERS)]

    @get(
        "/cases",
        summary="Count the cases received in a period",
        response_description="The counts (JSON), or the same counts as CSV with format=csv",
    )
    async def cases(
        self,
        request: Request[Any, Any, Any],
        start: FirstDay = None,
        to: LastDay = None,
        audience: Annotated[
            str,
            QueryParameter(
                max_length=20,
                enum=list(services.AUDIENCES),
                description="internal (every count) or regulator (small counts suppressed).",
            ),
        ] = "internal",
        format: Annotated[str, QueryParameter(max_length=10, enum=list(services.FORMATS))] = "json",
    ) -> Response[CaseReport | str]:
        """Cases received in the period, by status, category, severity, channel and level.

        Days are the organisation's. Only the cases the caller may see are counted.
        For the regulator, counts below five are suppressed. Each report is audited.
        """
        if format not in services.FORMATS:
            raise InvalidInput("format", f"is one of {', '.join(services.FORMATS)}")
        principal = principal_of(request)
        assert principal is not None, "the guard lets only staff in"
        report = await services.case_report(start, to, audience=audience, actor=principal.actor)
        if format == "json":
            return Response(report)
        name = f"cases-{report.start}-{report.end}-{report.audience}.csv"
        return Response(
            services.as_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    @get(summary="The reports this organisation can run, and when its returns are due")
    async def list_reports(self) -> list[ReportInfo]:
        """The core's counts and every report the enabled plugins offer.

        Each with its formats and, for a regulator's return, the coming periods and due dates.
        """
        return await plugin_reports.report_list()

    @get(
        "/{code:str}",
        summary="Run a plugin's report (e.g. a regulator's return) for a period",
        response_description="The table (JSON), or the same as CSV or as a readable PDF",
    )
    async def plugin_report(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        start: FirstDay = None,
        to: LastDay = None,
        format: Annotated[
            str, QueryParameter(max_length=10, enum=list(plugin_reports.FORMATS))
        ] = "json",
    ) -> Response[TableReport | str | bytes]:
        """The report over the cases the caller may see that concern the period.

        The plugin counts; the core serves the table. Each run is audited.
        """
        principal = principal_of(request)
        assert principal is not None, "the guard lets only staff in"
        report = await plugin_reports.run_report(
            code, start, to, actor=principal.actor, output=format
        )
        if format == "json":
            return Response(report)
        name = plugin_reports.file_name(report, format)
        disposition = {"content-disposition": f'attachment; filename="{name}"'}
        if format == "csv":
            return Response(
                plugin_reports.as_csv(report),
                media_type="text/csv; charset=utf-8",
                headers=disposition,
            )
        return Response(
            plugin_reports.as_pdf(report), media_type="application/pdf", headers=disposition
        )
