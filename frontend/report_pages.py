"""The reports page: the core's counts and the returns the tenant's plugins produce.

For those who read reports (``REPORTERS``): every report with its source, the
rule it answers and, for a regulator's return, the coming periods with their due
dates. A report runs for a period: shown on the page as a table, or as the CSV
or PDF file the service makes. Plugin reports run through
``core.reports.plugin_reports.run_report``; the core's own counts through
``core.reports.services.case_report``, whose CSV is the report API's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND

from core import clock
from core.errors import Conflict, InvalidInput, NotFound
from core.reports.api import REPORTERS
from core.reports.plugin_reports import (
    CORE_REPORT,
    as_csv,
    as_pdf,
    file_name,
    report_list,
    run_report,
)
from core.reports.schemas import DIMENSIONS, CaseReport, ReportInfo, TableReport
from core.reports.services import DEFAULT_DAYS, LONGEST_DAYS, case_report
from frontend.staff_common import render_staff, staff_headers, staff_page, status_of

REPORTS = "/staff/reports"
#: Where the core's counts come from as CSV: the report API (the page links it).
CORE_CSV = "/api/v1/reports/cases"
#: A due date this many days away or nearer is marked as near.
DUE_SOON_DAYS = 14
#: What the form offers, in its order: on the page, or a file.
OUTPUTS = ("html", "csv", "pdf")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The texts that name a value of each fact the core's counts are by.
_VALUE_TEXTS = {
    "status": "staff_status_",
    "severity": "staff_severity_",
    "channel": "admin_channel_",
    "confidentiality": "staff_confidentiality_",
}


@dataclass(frozen=True, slots=True)
class DueEntry:
    """One coming period of a return: when it is due, in words, and the link to run it."""

    start: date
    end: date
    due_on: date
    label: str
    #: "due in 12 days", "overdue by 3 days": the state in words, never in colour alone.
    words: str
    #: The badge's kind (``breached``, ``due_soon``), empty when not yet near.
    badge: str
    path: str


@dataclass(frozen=True, slots=True)
class ListedReport:
    """A report as the pages show it."""

    code: str
    title: str
    description: str
    source: str
    citation: str
    #: What the form offers of ``OUTPUTS``.
    outputs: tuple[str, ...]
    #: The coming periods, soonest first.
    due: tuple[DueEntry, ...]
    path: str
    #: The core's own counts (run by ``case_report``, not by ``run_report``).
    core: bool


def _page(
    request: Request[Any, Any, Any], back: str
) -> tuple[dict[str, Any], Template | Redirect | None]:
    context, refusal = staff_page(request, back, roles=REPORTERS)
    if refusal is None:
        context.update(
            section="reports",
            today=clock.now().astimezone(context["tenant"].zone).date(),
            # The chosen language, kept on the pages' own links.
            lq=f"?lang={context['lang']}" if context["lang_chosen"] else "",
            la=f"&lang={context['lang']}" if context["lang_chosen"] else "",
        )
    return context, refusal


def _is_core(info: ReportInfo) -> bool:
    return info.source == "core" and info.code == CORE_REPORT.code


def listed(info: ReportInfo, context: Mapping[str, Any]) -> ListedReport:
    """``info`` for the page: in the page's language where the text is the core's own."""
    t, today, la = context["t"], context["today"], context["la"]
    path = f"{REPORTS}/{quote(info.code, safe='')}"
    core = _is_core(info)
    due = sorted(info.due, key=lambda d: (d.due_on, d.start))
    entries = []
    for d in due:
        words, badge = due_words(t, (d.due_on - today).days)
        query = urlencode({"from": d.start.isoformat(), "to": d.end.isoformat()})
        entries.append(
            DueEntry(d.start, d.end, d.due_on, d.label, words, badge, f"{path}?{query}{la}")
        )
    if core:
        outputs: tuple[str, ...] = ("html", "csv")
    else:
        offered = {"html" if f == "json" else f for f in info.formats}
        outputs = tuple(o for o in OUTPUTS if o in offered)
    return ListedReport(
        code=info.code,
        title=t["reports_core_title"] if core else info.title,
        description=t["reports_core_about"] if core else info.description,
        source=t["reports_source_core"] if core else info.source,
        citation=info.citation,
        outputs=outputs,
        due=tuple(entries),
        path=path,
        core=core,
    )


def due_words(t: Mapping[str, str], days: int) -> tuple[str, str]:
    """How far away a due date is, in words, and the badge that goes with it."""
    if days < -1:
        return t["reports_overdue_days"].format(n=-days), "breached"
    if days == -1:
        return t["reports_overdue_day"], "breached"
    if days == 0:
        return t["reports_due_today"], "due_soon"
    if days == 1:
        return t["reports_due_tomorrow"], "due_soon"
    return t["reports_due_in_days"].format(n=days), "due_soon" if days <= DUE_SOON_DAYS else ""


async def returns_due(context: Mapping[str, Any]) -> list[tuple[ListedReport, DueEntry]]:
    """Each report that is due for a coming period, with its next due date, soonest first.

    ``context`` is a staff page's (its texts and the language kept on links).
    """
    shown = {
        "t": context["t"],
        "today": clock.now().astimezone(context["tenant"].zone).date(),
        "la": f"&lang={context['lang']}" if context["lang_chosen"] else "",
    }
    reports = [listed(info, shown) for info in await report_list()]
    due = [(report, report.due[0]) for report in reports if report.due]
    return sorted(due, key=lambda pair: pair[1].due_on)


@get(REPORTS, include_in_schema=False)
async def reports_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Every report the organisation can run, and when its returns are due."""
    context, refusal = _page(request, REPORTS)
    if refusal is not None:
        return refusal
    context.update(
        reports=[listed(info, context) for info in await report_list()],
        values={},
        errors={},
    )
    return render_staff(request, "staff_reports.html", context)


@get(f"{REPORTS}/{{report:str}}", include_in_schema=False)
async def report_page(
    request: Request[Any, Any, Any],
    report: FromPath[str],
    start: Annotated[str | None, QueryParameter(name="from", max_length=10)] = None,
    end: Annotated[str | None, QueryParameter(name="to", max_length=10)] = None,
    given_output: Annotated[str | None, QueryParameter(name="format", max_length=10)] = None,
) -> Template | Redirect | Response[Any]:
    """One report for a period: its table on the page, or its CSV or PDF as a download."""
    context, refusal = _page(request, f"{REPORTS}/{quote(report, safe='')}")
    if refusal is not None:
        return refusal
    found: dict[str, ReportInfo] = {}
    for info in await report_list():
        found.setdefault(info.code, info)  # the core's counts first, then the plugins' order
    if report not in found:
        return _missing(request, context)
    chosen = listed(found[report], context)
    # Without a format, the first the report comes in: its table on the page, as a rule.
    output = given_output or (chosen.outputs[0] if chosen.outputs else "html")
    values = {"from": start or "", "to": end or "", "format": output}
    errors = _refused(values, chosen.outputs, context)
    context.update(report=chosen, values=values, errors=errors, table=None, counts=None)
    if errors:
        return render_staff(request, "staff_report.html", context, status=HTTP_400_BAD_REQUEST)
    actor = context["principal"].actor
    t = context["t"]
    try:
        if chosen.core:
            if output == "csv":
                query = {k: v for k, v in values.items() if k != "format" and v}
                return Redirect(
                    f"{CORE_CSV}?{urlencode({**query, 'format': 'csv'})}",
                    status_code=HTTP_303_SEE_OTHER,
                )
            counts = await case_report(start, end, audience="internal", actor=actor)
            context.update(counts=_counted(counts, t), **_files(chosen, counts, context))
            return render_staff(request, "staff_report.html", context)
        made = await run_report(
            report, start, end, actor=actor, output="json" if output == "html" else output
        )
    except NotFound:
        return _missing(request, context)
    except InvalidInput as problem:
        field = problem.field if problem.field in ("from", "to", "format") else "form"
        context["errors"] = {field: t["reports_err_refused"].format(reason=problem.reason)}
        return render_staff(request, "staff_report.html", context, status=status_of(problem))
    except Conflict as problem:  # the plugin failed while producing it
        context["errors"] = {"form": t["reports_err_failed"]}
        return render_staff(request, "staff_report.html", context, status=status_of(problem))
    if output == "html":
        context.update(table=_table(made, t), **_files(chosen, made, context))
        return render_staff(request, "staff_report.html", context)
    return _download(request, made, output)


def _missing(request: Request[Any, Any, Any], context: Mapping[str, Any]) -> Template:
    return render_staff(request, "staff_report_missing.html", context, status=HTTP_404_NOT_FOUND)


def _refused(
    values: Mapping[str, str], outputs: tuple[str, ...], context: Mapping[str, Any]
) -> dict[str, str]:
    """What is wrong with the form, by field, in words; the period as ``core.reports`` reads it."""
    t = context["t"]
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name in ("from", "to"):
        given = values[name]
        if not given:
            continue
        try:
            if not _DAY.fullmatch(given):
                raise ValueError(given)
            days[name] = date.fromisoformat(given)
        except ValueError:
            errors[name] = t["reports_err_date"]
    if not errors:
        last = days.get("to", context["today"])
        first = days.get("from", last - timedelta(days=DEFAULT_DAYS - 1))
        if first > last:
            errors["from"] = t["reports_err_order"]
        elif (last - first).days >= LONGEST_DAYS:
            errors["from"] = t["reports_err_too_long"].format(days=LONGEST_DAYS)
    if values["format"] not in outputs:
        errors["format"] = t["reports_err_format"]
    return errors


def _files(
    chosen: ListedReport, made: CaseReport | TableReport, context: Mapping[str, Any]
) -> dict[str, Any]:
    """The period the report covers, and links to its files for the same period."""
    period = {"from": made.start.isoformat(), "to": made.end.isoformat()}
    if chosen.core:
        files = [
            ("csv", f"{CORE_CSV}?{urlencode({**period, 'format': 'csv'})}"),
            (
                "csv_regulator",
                f"{CORE_CSV}?{urlencode({**period, 'format': 'csv', 'audience': 'regulator'})}",
            ),
        ]
    else:
        files = [
            (o, f"{chosen.path}?{urlencode({**period, 'format': o})}{context['la']}")
            for o in chosen.outputs
            if o != "html"
        ]
    return {"period": (made.start, made.end), "files": files}


def _table(made: TableReport, t: Mapping[str, str]) -> dict[str, Any]:
    """The plugin's table as cells in words, numbers marked to be set right."""
    rows = [[_cell(value, t) for value in row] for row in made.rows]
    return {"title": made.title, "columns": made.columns, "rows": rows, "notes": made.notes}


def _cell(value: Any, t: Mapping[str, str]) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, bool):
        return t["facts_yes"] if value else t["facts_no"], False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return f"{value:g}".replace(".", t["sup_decimal_mark"]), True
    return str(value), False


def _counted(report: CaseReport, t: Mapping[str, str]) -> dict[str, Any]:
    """The core's counts as one table per fact, each value in words."""
    tables = []
    for dimension in DIMENSIONS:
        prefix = _VALUE_TEXTS.get(dimension)
        rows = []
        for count in getattr(report, dimension):
            if count.value is None:
                label = t["reports_no_value"]
            elif prefix:
                label = t.get(prefix + count.value, count.value)
            else:
                label = count.value
            rows.append((label, count.count))
        tables.append(
            {"dimension": dimension, "caption": t[f"reports_by_{dimension}"], "rows": rows}
        )
    return {"total": report.total.count, "tables": tables}


def _download(request: Request[Any, Any, Any], made: TableReport, output: str) -> Response[Any]:
    """The report as a file to save: its CSV or its PDF."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", file_name(made, output))
    headers = {**staff_headers(request), "content-disposition": f'attachment; filename="{name}"'}
    if output == "csv":
        return Response(as_csv(made), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(as_pdf(made), media_type="application/pdf", headers=headers)
