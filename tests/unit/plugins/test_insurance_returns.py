"""The FCA complaints return counts every case in the right bucket, and is due when DISP says.

Expected numbers are counted by hand from the rules (DISP 1.10, DISP 1.5, DISP
1.6.2R) and the England and Wales bank holidays (31 August 2026; 1 January 2027),
never from the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.sdk import CaseView
from plugins.insurance.returns import (
    COLUMNS_BEFORE_2027,
    COLUMNS_FROM_2027,
    accounting_reference_date,
    disp_return,
    report_period,
    returns_due,
)
from tests.unit.plugins.views import case_view

LONDON = ZoneInfo("Europe/London")
H2_2026 = (date(2026, 7, 1), date(2026, 12, 31))
H1_2027 = (date(2027, 1, 1), date(2027, 6, 30))


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def case(
    reference: str,
    received_at: datetime,
    answered_at: datetime | None = None,
    outcome: str | None = None,
    **fields: Any,
) -> CaseView:
    return case_view(
        received_at,
        reference=reference,
        answered_at=answered_at,
        closed_at=answered_at,
        outcome=outcome,
        **fields,
    )


def rows(
    cases: list[CaseView], start: date, end: date, **options: bool
) -> dict[tuple[str, str], list[Any]]:
    output = disp_return(cases, start, end, **options)
    return {(row[0], row[1]): list(row[3:]) for row in output.rows}


# -- one case, one bucket ---------------------------------------------------------------------

BUCKETS = [
    # received, answered, out-of-hours setting, bucket it is closed in
    pytest.param(
        london(2026, 7, 2, 10), london(2026, 7, 7, 16, 59), False, "3_days", id="3rd-day-16:59"
    ),
    pytest.param(
        london(2026, 7, 2, 10), london(2026, 7, 7, 17, 1), False, "8_weeks", id="3rd-day-17:01"
    ),
    # Thursday 27 August: Friday, then Tuesday 1 and Wednesday 2 September (Monday 31 August
    # is the late summer bank holiday).
    pytest.param(
        london(2026, 8, 27, 10), london(2026, 9, 2, 12), False, "3_days", id="over-bank-holiday"
    ),
    # 8 weeks after Monday 6 July is the bank holiday Monday 31 August: not moved.
    pytest.param(
        london(2026, 7, 6, 9),
        datetime(2026, 8, 31, 23, 59, 59, 999999, tzinfo=LONDON),
        False,
        "8_weeks",
        id="8-weeks-last-moment",
    ),
    pytest.param(
        london(2026, 7, 6, 9), london(2026, 9, 1, 0, 0), False, "after", id="8-weeks-and-a-moment"
    ),
    # Friday 3 July 18:00: the window ends Wednesday 8 July, or, counted from Monday 6 July
    # with the out-of-hours setting, Thursday 9 July.
    pytest.param(
        london(2026, 7, 3, 18), london(2026, 7, 9, 12), False, "8_weeks", id="evening-ooh-off"
    ),
    pytest.param(
        london(2026, 7, 3, 18), london(2026, 7, 9, 12), True, "3_days", id="evening-ooh-on"
    ),
]


@pytest.mark.parametrize(("received", "answered", "out_of_hours", "bucket"), BUCKETS)
def test_a_closed_complaint_is_counted_by_how_soon_it_was_answered(
    received: datetime, answered: datetime, out_of_hours: bool, bucket: str
) -> None:
    found = rows([case("C-1", received, answered)], *H2_2026, out_of_hours=out_of_hours)

    # outstanding, opened, within 3 business days, within 8 weeks, after 8 weeks
    expected = {"3_days": [0, 1, 1, 0, 0], "8_weeks": [0, 1, 0, 1, 0], "after": [0, 1, 0, 0, 1]}
    assert found[("total", "total")][:5] == expected[bucket]


# -- a half year of cases -----------------------------------------------------------------------

INSURANCE = {"product": "insurance_pure_protection"}

HALF_YEAR = [
    case("A", london(2026, 7, 2, 10), london(2026, 7, 7, 16, 59), "upheld",
         **INSURANCE, cause="terms_disputed_sums", redress_paid=100),
    case("B", london(2026, 7, 2, 10), london(2026, 7, 7, 17, 1), "not_upheld",
         **INSURANCE, cause="general_admin", redress_paid=0),
    case("C", london(2026, 8, 27, 10), london(2026, 9, 2, 12), "partly_upheld",
         product="home_finance", cause="advising_selling_arranging", redress_paid=250),
    case("D", london(2026, 7, 6, 9), datetime(2026, 8, 31, 23, 59, 59, tzinfo=LONDON),
         "partly_upheld", **INSURANCE, cause="terms_disputed_sums", redress_paid=40),
    # Not upheld, but a goodwill payment was made: redress counts for every closed complaint.
    case("E", london(2026, 7, 6, 9), london(2026, 9, 1, 0, 0, 1), "not_upheld",
         product="investments", cause="other", redress_paid=30),
    # Outstanding at the start, answered within 8 weeks (by Monday 10 August).
    case("F", london(2026, 6, 15, 9), london(2026, 7, 10, 9), "upheld",
         **INSURANCE, cause="terms_disputed_sums", redress_paid=500),
    # Answered at 23:59 London on 30 June, before the period: counted nowhere.
    case("G", london(2026, 5, 1, 9), utc(2026, 6, 30, 22, 59), "upheld", redress_paid=999),
    # Outstanding at the start and still open; neither product nor cause recorded.
    case("H", london(2026, 6, 20, 9)),
    # 23:30 UTC on 31 December is 23:30 in London: opened in the period.
    case("I", utc(2026, 12, 31, 23, 30), product="banking_credit_cards", cause="arrears_related"),
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: opened in the period.
    case("J", utc(2026, 6, 30, 23, 30), product="decumulation_pensions", cause="general_admin"),
    # A product code the return does not know counts as unclassified.
    case("K", london(2026, 10, 1, 10), london(2026, 10, 2, 10), "not_upheld",
         product="motor", cause="arrears_related"),
    # Answered after the period: opened, not closed, its redress not yet counted.
    case("M", london(2026, 12, 1, 9), london(2027, 1, 4, 9), "upheld",
         product="home_finance", cause="general_admin", redress_paid=70),
]  # fmt: skip

#: outstanding at start, opened, closed within 3 business days, within 8 weeks, after 8
#: weeks, upheld, redress paid (GBP)
HALF_YEAR_ROWS = {
    ("product", "banking_credit_cards"): [0, 1, 0, 0, 0, 0, 0],  # I
    ("product", "home_finance"): [0, 2, 1, 0, 0, 1, 250],  # C, M
    ("product", "insurance_pure_protection"): [1, 3, 1, 3, 0, 3, 640],  # A, B, D, F
    ("product", "decumulation_pensions"): [0, 1, 0, 0, 0, 0, 0],  # J
    ("product", "investments"): [0, 1, 0, 0, 1, 0, 30],  # E
    ("cause", "advising_selling_arranging"): [0, 1, 1, 0, 0, 1, 250],  # C
    ("cause", "terms_disputed_sums"): [1, 2, 1, 2, 0, 3, 640],  # A, D, F
    ("cause", "general_admin"): [0, 3, 0, 1, 0, 0, 0],  # B, J, M
    ("cause", "arrears_related"): [0, 2, 1, 0, 0, 0, 0],  # I, K
    ("cause", "other"): [0, 1, 0, 0, 1, 0, 30],  # E
    ("product", "unclassified"): [1, 1, 1, 0, 0, 0, 0],  # G, H, K
    ("cause", "unclassified"): [1, 0, 0, 0, 0, 0, 0],  # G, H
    ("total", "total"): [2, 9, 3, 3, 1, 4, 920],
}


def test_the_half_year_is_counted_by_product_grouping_and_cause() -> None:
    output = disp_return(HALF_YEAR, *H2_2026)

    assert output.code == "disp-1.10-return"
    assert list(output.columns) == [
        "section",
        "code",
        "label",
        "outstanding_at_start",
        "opened",
        "closed_within_3_business_days",
        "closed_within_8_weeks",
        "closed_after_8_weeks",
        "upheld",
        "redress_paid_gbp",
    ]
    assert list(rows(HALF_YEAR, *H2_2026).items()) == list(HALF_YEAR_ROWS.items())
    assert [row[2] for row in output.rows][:3] == [
        "Banking & credit cards",
        "Home finance",
        "Insurance & pure protection",
    ]


def test_every_grouping_and_cause_is_listed_even_when_empty_and_unclassified_only_when_used() -> (
    None
):
    empty = rows([], *H2_2026)
    classified = rows([HALF_YEAR[0]], *H2_2026)
    # G is unclassified but counts nowhere in the period: no unclassified row for it.
    nothing_in_period = rows([HALF_YEAR[6]], *H2_2026)

    assert len(empty) == 11
    assert all(counts == [0] * 7 for counts in empty.values())
    assert ("product", "unclassified") not in classified
    assert ("product", "unclassified") not in nothing_in_period
    assert list(classified)[-1] == ("total", "total")


def test_the_notes_name_the_version_the_period_and_how_it_was_counted() -> None:
    notes = disp_return([], *H2_2026).notes

    assert notes[0] == "DISP 1.10 complaints return (rules before 2027)"
    assert notes[1].startswith("Period: 1 July 2026 to 31 December 2026")
    assert any("partly upheld complaints count as upheld" in note for note in notes)
    assert any(note.startswith("Outstanding at start:") for note in notes)


# -- the consolidated return from 2027 ----------------------------------------------------------

VULNERABLE = {"customer_vulnerable": True}
FAILURE = {"vulnerability_failure": True}

H1_2027_CASES = [
    # Opened, vulnerable, failure found and upheld: both data points.
    case("V1", london(2027, 2, 1, 9), london(2027, 2, 3, 9), "upheld", **VULNERABLE, **FAILURE),
    # A partly upheld failure counts; a customer not recorded vulnerable does not.
    case("V2", london(2027, 3, 1, 9), london(2027, 4, 1, 9), "partly_upheld", **FAILURE),
    # Not upheld: no failure was found, whatever the field says.
    case("V3", london(2027, 3, 1, 9), london(2027, 4, 1, 9), "not_upheld", **VULNERABLE, **FAILURE),
    # Vulnerable, but opened before the period: not a complaint opened in it.
    case("V4", london(2026, 12, 1, 9), None, None, **VULNERABLE),
    # Opened in the period, failure recorded but still open: counted when it is decided.
    case("V5", london(2027, 6, 30, 9), None, None, **VULNERABLE, **FAILURE),
]  # fmt: skip


def test_from_2027_the_consolidated_return_adds_the_vulnerability_data_points() -> None:
    output = disp_return(H1_2027_CASES, *H1_2027)
    total = dict(zip(output.columns, output.rows[-1], strict=True))

    assert list(output.columns) == [
        *COLUMNS_BEFORE_2027,
        "customer_vulnerable",
        "vulnerability_failure",
    ]
    assert output.columns == COLUMNS_FROM_2027
    assert total["opened"] == 4
    assert total["outstanding_at_start"] == 1
    assert total["customer_vulnerable"] == 3  # V1, V3, V5
    assert total["vulnerability_failure"] == 2  # V1, V2
    assert output.notes[0] == (
        "Consolidated complaints return (FCA PS25/19, periods from 1 January 2027)"
    )


@pytest.mark.parametrize(
    ("start", "end", "shape"),
    [
        pytest.param(date(2027, 1, 1), date(2027, 6, 30), COLUMNS_FROM_2027, id="first-half"),
        pytest.param(date(2027, 7, 1), date(2027, 12, 31), COLUMNS_FROM_2027, id="second-half"),
        pytest.param(date(2026, 10, 1), date(2026, 12, 31), COLUMNS_BEFORE_2027, id="last-old"),
        pytest.param(date(2026, 7, 1), date(2027, 3, 31), COLUMNS_BEFORE_2027, id="starts-2026"),
    ],
)
def test_the_shape_follows_the_day_the_period_starts(
    start: date, end: date, shape: tuple[str, ...]
) -> None:
    assert disp_return([], start, end).columns == shape


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(date(2027, 1, 1), date(2027, 3, 31), id="quarter"),
        pytest.param(date(2027, 4, 1), date(2027, 9, 30), id="firms-own-half"),
        pytest.param(date(2027, 1, 1), date(2027, 12, 31), id="year"),
    ],
)
def test_from_2027_a_period_that_is_not_a_fixed_half_year_is_refused(
    start: date, end: date
) -> None:
    with pytest.raises(ValueError, match="fixed half years"):
        disp_return([], start, end)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        disp_return([], date(2026, 12, 31), date(2026, 7, 1))


@pytest.mark.parametrize(
    ("parameters", "period"),
    [
        ({"from": date(2026, 7, 1), "to": date(2026, 12, 31)}, H2_2026),
        ({"from": "2027-01-01", "to": "2027-06-30"}, H1_2027),
    ],
)
def test_the_period_is_read_from_the_parameters(
    parameters: dict[str, object], period: tuple[date, date]
) -> None:
    assert report_period(parameters) == period


def test_a_period_without_an_end_is_refused() -> None:
    with pytest.raises(ValueError, match="'to'"):
        report_period({"from": date(2026, 7, 1)})


# -- when the return is due ---------------------------------------------------------------------

DUE = [
    # 30 business days after Thursday 31 December 2026: Friday 1 January 2027 is a bank
    # holiday, so Monday 4 January is the 1st and Friday 12 February the 30th.
    pytest.param(
        date(2026, 11, 24),
        "12-31",
        [
            (date(2026, 7, 1), date(2026, 12, 31), date(2027, 2, 12)),
            # Thursday 1 July 2027 is the 1st business day, Wednesday 11 August the 30th.
            (date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 11)),
        ],
        id="worked-example",
    ),
    pytest.param(
        date(2027, 2, 12),
        "12-31",
        [
            (date(2026, 7, 1), date(2026, 12, 31), date(2027, 2, 12)),
            (date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 11)),
        ],
        id="due-today-still-coming",
    ),
    pytest.param(
        date(2027, 2, 13),
        "12-31",
        [
            (date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 11)),
            # New Year's Day 2028 is a Saturday: the holiday is Monday 3 January, so
            # Tuesday 4 January is the 1st business day and Monday 14 February the 30th.
            (date(2027, 7, 1), date(2027, 12, 31), date(2028, 2, 14)),
        ],
        id="fixed-halves",
    ),
    # Accounting reference date 31 March: halves end 31 March and 30 September. 30
    # business days after Tuesday 31 March 2026 (Good Friday 3 April, Easter Monday 6
    # April and 4 May are bank holidays) is Friday 15 May.
    pytest.param(
        date(2026, 2, 1),
        "03-31",
        [
            (date(2025, 10, 1), date(2026, 3, 31), date(2026, 5, 15)),
            (date(2026, 4, 1), date(2026, 9, 30), date(2026, 11, 11)),
        ],
        id="march-year-end",
    ),
    # The months before the fixed halves begin make a last, shorter period.
    pytest.param(
        date(2026, 11, 24),
        "03-31",
        [
            (date(2026, 10, 1), date(2026, 12, 31), date(2027, 2, 12)),
            (date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 11)),
        ],
        id="march-year-end-meets-2027",
    ),
    pytest.param(
        date(2026, 11, 24),
        "not a date",
        [
            (date(2026, 7, 1), date(2026, 12, 31), date(2027, 2, 12)),
            (date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 11)),
        ],
        id="garbage-falls-back-to-31-december",
    ),
]


@pytest.mark.parametrize(("today", "ard", "expected"), DUE)
def test_the_coming_returns_and_when_they_are_due(
    today: date, ard: str, expected: list[tuple[date, date, date]]
) -> None:
    found = returns_due(today, ard)

    assert [(d.period_start, d.period_end, d.due_on) for d in found] == expected


def test_a_due_return_says_which_return_and_period() -> None:
    first, second = returns_due(date(2026, 11, 24), "12-31")

    assert first.label == "DISP 1.10 return, 1 July 2026 to 31 December 2026"
    assert second.label == "Consolidated complaints return, 1 January 2027 to 30 June 2027"
    assert len(returns_due(date(2026, 11, 24), "12-31", count=4)) == 4


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("12-31", "12-31"),
        ("03-31", "03-31"),
        (" 06-30 ", "06-30"),
        ("02-29", "02-29"),
        ("02-30", "12-31"),
        ("13-01", "12-31"),
        ("3-31", "12-31"),
        ("", "12-31"),
        (None, "12-31"),
        (1231, "12-31"),
    ],
)
def test_the_accounting_reference_date_falls_back_to_31_december(value: object, read: str) -> None:
    assert accounting_reference_date(value) == read
