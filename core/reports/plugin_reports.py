"""Reports the tenant's plugins produce (a regulator's return), served as JSON, CSV or PDF.

The core picks the cases, the plugin counts them. The cases are those the caller
may see (``core.access``) that concern the period: received before its end and
not answered or closed before its start, so that a return can count what was
outstanding when the period began. The plugin sees them without their narrative,
the names of their parties or the values of sensitive fields (only that one was
recorded): a count needs none of them. A register the rule requires by name
(``ReportDefinition.complainant_names``) is given each case's complainant, and
each restricted read of a name is audited.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

from piccolo.querystring import QueryString

from core import clock
from core.access import services as access
from core.audit import services as audit
from core.cases.contributions import Contributions
from core.cases.sealed_rows import complainants_of
from core.cases.tables import Case
from core.cases.views import DEADLINES_COLUMN, LEVELS_COLUMN, deadlines_of, levels_of, recorded
from core.errors import Conflict, InvalidInput, NotFound
from core.escrow.services import escrowed
from core.reports.pdf import render_table
from core.reports.schemas import ReportDueOut, ReportInfo, TableReport
from core.reports.services import _cell, period
from core.sdk import CaseView, IntakeField, PartyView, ReportDefinition, ReportOutput
from core.tenancy.context import current_tenant

FORMATS = ("json", "csv", "pdf")
#: How long a plugin may count a report's cases (seconds); hooks on the way of a complaint
#: get the host's short limit, a return over a year of cases this.
REPORT_TIMEOUT = 60.0
#: The core's own report (``core.reports.services``), listed beside the plugins'.
CORE_REPORT = ReportInfo(
    code="cases",
    title="Cases received, counted",
    description="Cases received in a period by status, category, severity, channel and"
    " confidentiality; for the regulator with small counts suppressed.",
    source="core",
    citation="",
    formats=["json", "csv"],
    due=[],
)

_IN_SCOPE = f"""
SELECT cases.id, cases.reference, cases.status, cases.channel, cases.category,
       cases.severity, cases.confidentiality, cases.language, cases.received_at,
       cases.fields, cases.appeal_level, cases.answered_at, cases.closed_at,
       {LEVELS_COLUMN.strip()},
       {DEADLINES_COLUMN.strip()}
  FROM cases
 WHERE cases.received_at < {{}}
   AND (greatest(cases.answered_at, cases.closed_at) IS NULL
        OR greatest(cases.answered_at, cases.closed_at) >= {{}})
   AND ({{}})
 ORDER BY cases.received_at, cases.id
"""


async def report_list() -> list[ReportInfo]:
    """The core's report, then every report the tenant's enabled plugins offer."""
    contributions = await Contributions.of_tenant()
    hook = "querela_register_reports"
    offered = contributions.items(await contributions.call(hook), hook, ReportDefinition)
    return [CORE_REPORT] + [_info(source, d) for source, d in offered]


async def run_report(
    code: str, start: str | None, end: str | None, *, actor: str, output: str
) -> TableReport:
    """Run the plugin report ``code`` over the period; audited with the format asked for."""
    if output not in FORMATS:
        raise InvalidInput("format", f"is one of {', '.join(FORMATS)}")
    contributions = await Contributions.of_tenant()
    hook = "querela_register_reports"
    offered = {
        d.code: (source, d)
        for source, d in contributions.items(await contributions.call(hook), hook, ReportDefinition)
    }
    if code not in offered:
        raise NotFound("no such report for this organisation")
    source, definition = offered[code]
    if output not in definition.formats:
        raise InvalidInput("format", f"this report comes as {', '.join(definition.formats)}")
    first, last = period(start, end)
    tenant = current_tenant()
    cases = await _cases_in_scope(first, last, await _sensitive_fields(contributions))
    if definition.complainant_names:
        cases = await _with_complainants(cases, code, actor)
    outcome = await contributions.host.call(
        "querela_report_for_cases",
        {source},
        time_limit=REPORT_TIMEOUT,
        tenant=contributions.tenant,
        code=code,
        cases=cases,
        parameters={"from": first, "to": last},
    )
    produced = [value for name, value in outcome.results if isinstance(value, ReportOutput)]
    if not produced:
        failed = outcome.failures[0].describe() if outcome.failures else "it produced nothing"
        raise ReportFailed(f"the report could not be produced: {failed}")
    report = produced[0]
    if report.problem:
        raise InvalidInput("from", report.problem)
    await audit.record(
        "report.produced",
        actor=actor,
        detail={
            "code": code,
            "source": source,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "format": output,
            "cases": len(cases),
        },
    )
    return TableReport(
        code=code,
        title=report.title or definition.title,
        source=source,
        organisation=tenant.name,
        start=first,
        end=last,
        timezone=tenant.timezone,
        columns=[str(c) for c in report.columns],
        rows=[[_plain(v) for v in row] for row in report.rows],
        notes=[str(n) for n in report.notes],
    )


class ReportFailed(Conflict):
    """The plugin failed while producing its report (the message says how, never with data)."""


def as_csv(report: TableReport) -> str:
    """The table as CSV with a header row; text that a spreadsheet would run is quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow(["" if v is None else _cell(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue()


def as_pdf(report: TableReport) -> bytes:
    """The table as a PDF a person reads, with the notes under it."""
    return render_table(
        title=report.title,
        organisation=report.organisation,
        period=(report.start, report.end),
        timezone=report.timezone,
        generated_at=clock.now().astimezone(current_tenant().zone),
        columns=report.columns,
        rows=report.rows,
        notes=report.notes,
    )


def file_name(report: TableReport, output: str) -> str:
    """``disp-1.10-return-2026-07-01-2026-12-31.csv``."""
    return f"{report.code}-{report.start}-{report.end}.{output}"


async def _sensitive_fields(contributions: Contributions) -> frozenset[str]:
    hook = "querela_register_intake_fields"
    declared = contributions.items(await contributions.call(hook), hook, IntakeField)
    return frozenset(spec.name for _, spec in declared if spec.sensitive)


async def _cases_in_scope(first: date, last: date, sensitive: frozenset[str]) -> list[CaseView]:
    zone = current_tenant().zone
    since = datetime.combine(first, time(), zone)
    until = datetime.combine(last + timedelta(days=1), time(), zone)
    seen = access.visible()
    rows = await Case.raw(
        _IN_SCOPE, until, since, seen.querystring if seen is not None else QueryString("true")
    )
    return [_view(row, sensitive) for row in rows]


async def _with_complainants(cases: list[CaseView], code: str, actor: str) -> list[CaseView]:
    """The cases with their complainant as their one party; each restricted read audited."""
    complainants = await complainants_of([case.id for case in cases])
    await audit.record_many(
        [
            audit.Event(
                "case.read",
                actor,
                case.id,
                {"part": f"complainant name, report {code}", "level": case.confidentiality},
            )
            for case in cases
            if case.confidentiality != "standard" and case.id in complainants
        ]
    )
    return [
        replace(case, parties=(_party(complainants[case.id]),)) if case.id in complainants else case
        for case in cases
    ]


def _party(row: dict[str, Any]) -> PartyView:
    return PartyView(
        id=row["id"],
        role=row["role"],
        name=None if escrowed(row) else row["display_name"],
        anonymous=row["anonymous"],
    )


def _view(row: dict[str, Any], sensitive: frozenset[str]) -> CaseView:
    fields = row["fields"]
    values = json.loads(fields) if isinstance(fields, str) else dict(fields or {})
    levels = levels_of(row)
    return CaseView(
        id=row["id"],
        reference=row["reference"],
        status=row["status"],
        channel=row["channel"],
        subject="",
        description="",
        category=row["category"],
        severity=row["severity"],
        confidentiality=row["confidentiality"],
        language=row["language"],
        received_at=row["received_at"],
        fields=MappingProxyType({k: v for k, v in values.items() if k not in sensitive}),
        appeal_level=row["appeal_level"],
        answered_at=row["answered_at"],
        closed_at=row["closed_at"],
        outcome=levels[0].outcome,
        levels=levels,
        deadlines=deadlines_of(row),
        recorded=recorded(values),
    )


def _info(source: str, definition: ReportDefinition) -> ReportInfo:
    return ReportInfo(
        code=definition.code,
        title=definition.title,
        description=definition.description,
        source=source,
        citation=definition.citation,
        formats=[f for f in definition.formats if f in FORMATS],
        due=[
            ReportDueOut(start=d.period_start, end=d.period_end, due_on=d.due_on, label=d.label)
            for d in definition.due
        ],
    )


def _plain(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


__all__: Sequence[str] = ("as_csv", "as_pdf", "file_name", "report_list", "run_report")
