"""The FCA complaints return of a seeded half year, checked against counts made here.

Some three hundred complaints are received over nine months and handled through
the public API on a stopped clock: registered with their time of receipt, their
product grouping, cause, redress and vulnerability recorded, and most of them
answered (acknowledged, investigated, decided, approved by a second person, sent)
at a chosen time: within hours, on either side of close of business on the third
business day, on either side of the end of the eighth week, or months later. The
expected figures are counted below from what the test itself chose, by the rules
of DISP 1.10 as the sector rules state them, with the bank holidays of England and
Wales written out by hand, not with the plugin's code.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import httpx
from pypdf import PdfReader

from core import clock
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_insurance_deadlines import LONDON, installed, insure
from tests.integration.test_insurance_windows import use_plugin_letters

__all__ = ["installed"]  # the fixture, used by name below

#: Bank holidays in England and Wales, from GOV.UK's list (www.gov.uk/bank-holidays).
BANK_HOLIDAYS = {
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
}
PRODUCTS = (
    "banking_credit_cards",
    "home_finance",
    "insurance_pure_protection",
    "decumulation_pensions",
    "investments",
)
CAUSES = (
    "advising_selling_arranging",
    "terms_disputed_sums",
    "general_admin",
    "arrears_related",
    "other",
)
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))
CASES = 300
COUNTED = (
    "outstanding_at_start",
    "opened",
    "closed_within_3_business_days",
    "closed_within_8_weeks",
    "closed_after_8_weeks",
    "upheld",
    "redress_paid_gbp",
)


@dataclass
class Seeded:
    """One complaint as the test made it."""

    received_at: datetime
    answered_at: datetime | None
    product: str | None
    cause: str | None
    outcome: str
    redress: int


def business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def third_business_day_close(received_at: datetime) -> datetime:
    """17:00 London on the 3rd business day after the day of receipt (DISP 1.5)."""
    day, counted = received_at.astimezone(LONDON).date(), 0
    while counted < 3:
        day += timedelta(days=1)
        counted += business_day(day)
    return datetime.combine(day, time(17), LONDON)


def eighth_week_end(received_at: datetime) -> datetime:
    """The last moment of the day 8 weeks after the day of receipt, London."""
    day = received_at.astimezone(LONDON).date() + timedelta(weeks=8)
    return datetime.combine(day, time(23, 59, 59), LONDON)


def seeded(rng: random.Random) -> Iterator[Seeded]:
    start = datetime(2025, 10, 1, tzinfo=LONDON)
    for _ in range(CASES):
        received = start + timedelta(minutes=rng.randrange(0, 273 * 24 * 60))
        how = rng.random()
        src, eight = third_business_day_close(received), eighth_week_end(received)
        answered: datetime | None
        if how < 0.12:
            answered = None
        elif how < 0.27:
            answered = received + timedelta(hours=rng.randrange(1, 20))
        elif how < 0.37:
            answered = src - timedelta(minutes=1)
        elif how < 0.47:
            answered = src + timedelta(minutes=1)
        elif how < 0.57:
            answered = eight - timedelta(minutes=1)
        elif how < 0.65:
            answered = eight + timedelta(minutes=2)
        elif how < 0.85:
            answered = received + timedelta(days=rng.randrange(4, 55))
        else:
            answered = received + timedelta(days=rng.randrange(57, 150))
        if answered is not None and answered < received + timedelta(minutes=30):
            answered = received + timedelta(minutes=30)
        outcome = rng.choice(OUTCOMES)
        yield Seeded(
            received_at=received,
            answered_at=answered,
            product=rng.choice((*PRODUCTS, None)),
            cause=rng.choice((*CAUSES, None)),
            outcome=outcome,
            redress=rng.choice((0, 50, 125, 400, 1200)) if outcome != "not_upheld" else 0,
        )


def expected(cases: list[Seeded]) -> dict[tuple[str, str], dict[str, int]]:
    """The return's rows by (section, code), counted from what the test chose."""
    first, last = PERIOD
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for case in cases:
        received = case.received_at.astimezone(LONDON).date()
        answered = case.answered_at.astimezone(LONDON).date() if case.answered_at else None
        counts: Counter[str] = Counter()
        if first <= received <= last:
            counts["opened"] += 1
        if received < first and (answered is None or answered >= first):
            counts["outstanding_at_start"] += 1
        if case.answered_at is not None and answered is not None and first <= answered <= last:
            if case.answered_at <= third_business_day_close(case.received_at):
                counts["closed_within_3_business_days"] += 1
            elif case.answered_at <= eighth_week_end(case.received_at):
                counts["closed_within_8_weeks"] += 1
            else:
                counts["closed_after_8_weeks"] += 1
            if case.outcome in ("upheld", "partly_upheld"):
                counts["upheld"] += 1
            counts["redress_paid_gbp"] += case.redress
        for key in (
            ("product", case.product or "unclassified"),
            ("cause", case.cause or "unclassified"),
            ("total", "total"),
        ):
            rows[key].update(counts)
    return {key: {c: rows[key][c] for c in COUNTED} for key in rows}


async def handle(
    client: httpx.AsyncClient, tenant: TenantHandle, reviewer: StaffUser, case: Seeded
) -> None:
    """Register the complaint at its time of receipt, record its facts, answer it if it is."""
    at = case.answered_at or case.received_at + timedelta(minutes=5)
    with clock.frozen(at):
        made = await client.post(
            "/api/v1/cases",
            json={
                "subject": "Claim delayed",
                "description": "My claim has not been paid.",
                "channel": "letter",
                "complainant": {"name": "Pat Example"},
                "received_at": case.received_at.isoformat(),
            },
            headers=host(tenant),
        )
        assert made.status_code == 201, made.text
        case_id, version = made.json()["id"], made.json()["version"]
        facts: dict[str, object] = {"redress_paid": case.redress, "customer_vulnerable": False}
        if case.product:
            facts["product"] = case.product
        if case.cause:
            facts["cause"] = case.cause
        patched = await client.patch(
            f"/api/v1/cases/{case_id}",
            json={"version": version, "fields": facts},
            headers=tenant.headers,
        )
        assert patched.status_code == 200, patched.text
        if case.answered_at is None:
            return
        steps: tuple[tuple[str, dict[str, str], StaffUser], ...] = (
            ("acknowledge", {}, tenant.staff),
            ("start_investigation", {}, tenant.staff),
            ("propose_decision", {"outcome": case.outcome}, tenant.staff),
            ("approve_decision", {}, reviewer),
            ("respond", {"response": "We have looked into it."}, tenant.staff),
        )
        for action, body, who in steps:
            done = await client.post(
                f"/api/v1/cases/{case_id}/actions/{action}",
                json=body,
                headers={**host(tenant), **who.bearer},
            )
            assert done.status_code == 200, (action, done.text)


async def test_the_complaints_return_of_a_seeded_half_year_adds_up(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    await use_plugin_letters(tenant)
    reviewer = await tenant.add_staff(("supervisor",))
    reader = await tenant.add_staff(("auditor",))
    cases = list(seeded(random.Random(20261124)))
    for case in cases:
        await handle(client, tenant, reviewer, case)
    want = expected(cases)
    # The seed reaches every bucket, so that each rule is tested by some case.
    total = want[("total", "total")]
    assert all(total[c] > 0 for c in COUNTED), total

    query = {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()}
    reader_headers = {**host(tenant), **reader.bearer}
    got = await client.get("/api/v1/reports/disp-1.10-return", params=query, headers=reader_headers)
    assert got.status_code == 200, got.text
    report = got.json()
    columns = report["columns"]
    assert columns[:3] == ["section", "code", "label"] and columns[3:] == list(COUNTED)
    rows = {(r[0], r[1]): dict(zip(columns[3:], r[3:], strict=True)) for r in report["rows"]}
    zero = dict.fromkeys(COUNTED, 0)
    for code in PRODUCTS:
        assert rows[("product", code)] == want.get(("product", code), zero), code
    for code in CAUSES:
        assert rows[("cause", code)] == want.get(("cause", code), zero), code
    for section in ("product", "cause"):
        if ("product", "unclassified") in want:
            assert rows[(section, "unclassified")] == want[(section, "unclassified")]
    assert rows[("total", "total")] == want[("total", "total")]
    assert report["notes"], "the return says how it was counted"
    assert any("before 2027" in note for note in report["notes"] + [report["title"]])

    as_csv = await client.get(
        "/api/v1/reports/disp-1.10-return",
        params={**query, "format": "csv"},
        headers=reader_headers,
    )
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.text)))
    assert table[0] == columns
    assert [[str(v) for v in row] for row in report["rows"]] == table[1:]

    as_pdf = await client.get(
        "/api/v1/reports/disp-1.10-return",
        params={**query, "format": "pdf"},
        headers=reader_headers,
    )
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(as_pdf.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Insurance & pure protection" in text
    # The total row, figure by figure, as a reader sees it.
    assert " ".join(str(want[("total", "total")][c]) for c in COUNTED) in text
    assert "2026-01-01 to 2026-06-30" in text

    # A handler who does not watch the team's figures does not get them.
    handler = await tenant.add_staff(("handler",))
    refused = await client.get(
        "/api/v1/reports/disp-1.10-return", params=query, headers={**host(tenant), **handler.bearer}
    )
    assert refused.status_code == 403
