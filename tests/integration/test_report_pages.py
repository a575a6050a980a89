"""The reports page: every report with its source and rule, a return's coming periods with
their due dates in words, each report run for a period as a table on the page, a CSV or a
PDF; bad periods refused on the form with the reason, and only for those who read reports."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from core import clock
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import (
    CaseView,
    PluginInfo,
    ReportDefinition,
    ReportDue,
    ReportOutput,
    TenantView,
    hookimpl,
)
from core.tenancy.context import tenant_transaction
from frontend.i18n import TEXTS
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
EN = TEXTS["en"]
CODE = "ombudsman-return"
TITLE = "Complaints return to the ombudsman"


def today_in(zone: str) -> date:
    return clock.now().astimezone(ZoneInfo(zone)).date()


class OmbudsmanReturn:
    """A regulator's return: due for three periods (one overdue), counting cases by channel."""

    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"returns-{uuid.uuid4().hex[:8]}", version="1", description="a return"
        )

    @staticmethod
    def periods(zone: str) -> list[tuple[date, date, date]]:
        """(start, end, due on): listed out of order, the first due in 10 days."""
        today = today_in(zone)
        return [
            (date(2031, 1, 1), date(2031, 6, 30), today + timedelta(days=200)),
            (date(2030, 7, 1), date(2030, 12, 31), today + timedelta(days=10)),
            (date(2030, 1, 1), date(2030, 6, 30), today - timedelta(days=3)),
        ]

    @hookimpl
    def querela_register_reports(self, tenant: TenantView) -> list[ReportDefinition]:
        return [
            ReportDefinition(
                code=CODE,
                title=TITLE,
                description="Complaints received and resolved, half-yearly.",
                citation="Ombudsman Rules 4.2",
                due=[
                    ReportDue(start, end, due_on, label=f"Half-year from {start}")
                    for start, end, due_on in self.periods(tenant.timezone)
                ],
            )
        ]

    @hookimpl
    def querela_report_for_cases(
        self, tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
    ) -> ReportOutput | None:
        if code != CODE:
            return None
        first: date = parameters["from"]
        if first.day != 1:
            return ReportOutput(
                code=code, columns=(), rows=(), problem=f"{first} is not the first of a month"
            )
        channels = sorted({c.channel for c in cases})
        rows = [[ch, sum(1 for c in cases if c.channel == ch), 0.5] for ch in channels]
        return ReportOutput(
            code=code,
            columns=("Route in", "Complaints", "Share"),
            rows=rows,
            notes=("Counted from the test plugin.",),
        )


@pytest.fixture
def returns() -> Iterator[OmbudsmanReturn]:
    plugin = OmbudsmanReturn()
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


@pytest.fixture
async def enabled(tenant: TenantHandle, returns: OmbudsmanReturn) -> OmbudsmanReturn:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(returns.PLUGIN_INFO.name, actor="test")
    return returns


@pytest.fixture
async def supervisor(client: Client, tenant: TenantHandle) -> Browser:
    # The tenant's own staff member is a handler and a supervisor.
    return await browser_of(client, tenant, tenant.staff)


async def register(client: Client, tenant: TenantHandle) -> None:
    body = {
        "subject": "Claim payment delayed",
        "description": "Nothing heard.",
        "channel": "letter",
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text


def this_half_year(tenant: TenantHandle) -> tuple[str, str]:
    """The half-year today falls in: a period the test return can be made for."""
    today = today_in(tenant.info.timezone)
    start = date(today.year, 1 if today.month <= 6 else 7, 1)
    end = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    return start.isoformat(), end.isoformat()


def text_of(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


# -- the list ---------------------------------------------------------------------------------


async def test_the_reports_page_lists_each_report_with_when_its_returns_are_due(
    client: Client, tenant: TenantHandle, supervisor: Browser, enabled: OmbudsmanReturn
) -> None:
    zone = tenant.info.timezone

    page = await supervisor.get("/staff/reports")

    assert page.status_code == 200, page.text
    assert '<a href="/staff/reports" aria-current="page">Reports</a>' in page.text
    shown = text_of(page)
    assert "Cases received, counted" in shown and "Querela (built in)" in shown
    assert TITLE in shown and enabled.PLUGIN_INFO.name in shown
    assert "Ombudsman Rules 4.2" in shown
    assert "Complaints received and resolved, half-yearly." in shown
    due = [due_on.isoformat() for _, _, due_on in enabled.periods(zone)]
    positions = [page.text.index(f'<time datetime="{d}">') for d in sorted(due)]
    assert positions == sorted(positions), "soonest first"
    assert "Overdue by 3 days" in shown and "Due in 10 days" in shown and "Due in 200 days" in shown
    assert '<span class="badge badge-breached">Overdue by 3 days</span>' in page.text
    assert (
        f'<a href="/staff/reports/{CODE}?from=2030-07-01&amp;to=2030-12-31">'
        "Half-year from 2030-07-01</a>" in page.text
    )
    assert f'<form method="get" action="/staff/reports/{CODE}"' in page.text
    assert '<option value="pdf">Printable document (PDF)</option>' in page.text


async def test_the_admin_home_shows_the_next_return_due(
    client: Client, tenant: TenantHandle, enabled: OmbudsmanReturn
) -> None:
    admin = await browser_of(client, tenant, await tenant.add_staff(("tenant-admin",)))
    zone = tenant.info.timezone

    page = await admin.get("/staff/admin")

    assert page.status_code == 200, page.text
    box = page.text.split('id="returns-due-title"', 1)[1].split("</section>", 1)[0]
    soonest = min(due_on for _, _, due_on in enabled.periods(zone))
    assert "Returns due" in page.text and TITLE in box
    assert f"due on {soonest.isoformat()}" in box and "Overdue by 3 days" in box
    assert f'href="/staff/reports/{CODE}?from=2030-01-01&amp;to=2030-06-30"' in box
    assert 'href="/staff/reports">All reports</a>' in box


# -- running a report -------------------------------------------------------------------------


async def test_a_report_runs_for_a_period_as_a_table_a_csv_and_a_pdf(
    client: Client, tenant: TenantHandle, supervisor: Browser, enabled: OmbudsmanReturn
) -> None:
    await register(client, tenant)
    start, end = this_half_year(tenant)
    path = f"/staff/reports/{CODE}"

    page = await supervisor.get(path, **{"from": start, "to": end})
    csv = await supervisor.get(path, **{"from": start, "to": end, "format": "csv"})
    pdf = await supervisor.get(path, **{"from": start, "to": end, "format": "pdf"})

    assert page.status_code == 200, page.text
    assert f"<caption>{TITLE}, {start} to {end}</caption>" in page.text
    assert '<th scope="col">Complaints</th>' in page.text
    assert '<th scope="row">letter</th><td class="number">1</td><td class="number">0.5</td>' in (
        page.text
    )
    assert "Counted from the test plugin." in page.text
    assert f'href="{path}?from={start}&amp;to={end}&amp;format=csv"' in page.text
    assert f'href="{path}?from={start}&amp;to={end}&amp;format=pdf"' in page.text
    assert f'value="{start}"' in page.text  # the form keeps the period
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"] == (
        f'attachment; filename="{CODE}-{start}-{end}.csv"'
    )
    assert csv.text.splitlines()[:2] == ["Route in,Complaints,Share", "letter,1,0.5"]
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert pdf.content.startswith(b"%PDF")


async def test_the_core_counts_show_on_the_page_and_link_the_apis_csv(
    client: Client, tenant: TenantHandle, supervisor: Browser
) -> None:
    await register(client, tenant)

    page = await supervisor.get("/staff/reports/cases")
    csv = await supervisor.get("/staff/reports/cases", **{"from": "2026-01-01", "format": "csv"})
    pdf = await supervisor.get("/staff/reports/cases", format="pdf")

    assert page.status_code == 200, page.text
    assert "<caption>Cases by channel</caption>" in page.text
    assert '<th scope="row">Letter</th><td class="number">1</td>' in page.text
    assert "/api/v1/reports/cases?from=" in page.text and "audience=regulator" in page.text
    assert csv.status_code == 303
    assert csv.headers["location"] == "/api/v1/reports/cases?from=2026-01-01&format=csv"
    assert pdf.status_code == 400
    assert "Choose one of the formats offered." in pdf.text


async def test_an_unknown_report_is_not_found(
    client: Client, tenant: TenantHandle, supervisor: Browser, returns: OmbudsmanReturn
) -> None:
    unknown = await supervisor.get("/staff/reports/no-such-return")
    not_enabled = await supervisor.get(f"/staff/reports/{CODE}")  # installed, not enabled here

    assert unknown.status_code == not_enabled.status_code == 404
    assert "No such report" in unknown.text


async def test_a_bad_period_comes_back_on_the_form_with_the_reason(
    client: Client, tenant: TenantHandle, supervisor: Browser, enabled: OmbudsmanReturn
) -> None:
    path = f"/staff/reports/{CODE}"

    not_a_day = await supervisor.get(path, **{"from": "2030-02-30", "to": "2030-06-30"})
    backwards = await supervisor.get(path, **{"from": "2030-07-01", "to": "2030-06-30"})
    plugins_no = await supervisor.get(path, **{"from": "2030-01-15", "to": "2030-06-30"})

    assert not_a_day.status_code == backwards.status_code == plugins_no.status_code == 400
    error = re.search(r'<p class="field-error" id="run-from-error">(.*?)</p>', not_a_day.text)
    assert error and error.group(1) == "Give the day as YYYY-MM-DD, for example 2026-06-30."
    assert 'value="2030-02-30"' in not_a_day.text
    assert 'aria-describedby="run-period-hint run-from-error" aria-invalid="true"' in (
        not_a_day.text
    )
    assert "The first day must not come after the last day." in backwards.text
    assert (
        "The report cannot be made for this period: 2030-01-15 is not the first of a month"
        in html.unescape(plugins_no.text)
    )
    assert "<caption>" not in plugins_no.text.split("run-from-error", 1)[1]


# -- who may read reports ---------------------------------------------------------------------


async def test_a_handler_without_a_reporting_role_is_refused(
    client: Client, tenant: TenantHandle, enabled: OmbudsmanReturn
) -> None:
    handler = await browser_of(client, tenant, await tenant.add_staff(("handler",)))
    auditor = await browser_of(client, tenant, await tenant.add_staff(("auditor",)))

    listing = await handler.get("/staff/reports")
    running = await handler.get(f"/staff/reports/{CODE}", format="csv")
    queue = await handler.get("/staff")
    audited = await auditor.get("/staff/reports")

    assert listing.status_code == running.status_code == 403
    assert "supervisor" in listing.text
    assert "text/csv" not in running.headers["content-type"]
    assert 'href="/staff/reports"' not in queue.text
    assert audited.status_code == 200 and TITLE in audited.text


# -- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_the_report_pages_are_translated(
    client: Client, tenant: TenantHandle, enabled: OmbudsmanReturn, lang: str
) -> None:
    english, translated = EN, TEXTS[lang]
    admin = await browser_of(client, tenant, await tenant.add_staff(("supervisor", "tenant-admin")))
    await register(client, tenant)
    start, end = this_half_year(tenant)

    for path, params, status in (
        ("/staff/reports", {}, 200),
        (f"/staff/reports/{CODE}", {"from": start, "to": end}, 200),
        (f"/staff/reports/{CODE}", {"from": "2030-13-01"}, 400),
        ("/staff/reports/cases", {}, 200),
        ("/staff/reports/none-such", {}, 404),
        ("/staff/admin", {}, 200),
    ):
        response = await admin.get(path, lang=lang, **params)
        assert response.status_code == status, response.text
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left on {path} in {lang}: {untranslated}"
        assert f'<html lang="{lang}">' in response.text
        assert "Due in" not in response.text and "Overdue by" not in response.text
        assert "Cases received, counted" not in response.text
    listing = await admin.get("/staff/reports", lang=lang)
    assert translated["reports_core_title"] in html.unescape(listing.text)
    assert f'href="/staff/reports/{CODE}?from=2030-07-01&amp;to=2030-12-31&amp;lang={lang}"' in (
        listing.text
    )
