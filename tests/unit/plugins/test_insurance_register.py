"""A US insurer's complaint register has the columns Connecticut asks for, one row per complaint."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from core.sdk import CaseView
from plugins.insurance.register import COLUMNS, complaint_register, disposition
from tests.unit.plugins.views import case_view

NEW_YORK = "America/New_York"
YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))


def case(
    reference: str,
    received_at: datetime,
    *,
    answered_at: datetime | None = None,
    closed_at: datetime | None = None,
    outcome: str | None = None,
    **fields: Any,
) -> CaseView:
    return case_view(
        received_at,
        reference=reference,
        answered_at=answered_at,
        closed_at=closed_at,
        outcome=outcome,
        **fields,
    )


CLAIM: dict[str, Any] = {"function": "claims", "line_of_insurance": "auto"}

CASES = [
    # 03:00 UTC on 2 March is 22:00 on 1 March in New York.
    case(
        "INS-2026-000002",
        datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        answered_at=datetime(2026, 3, 20, 15, tzinfo=UTC),
        closed_at=datetime(2026, 3, 21, 15, tzinfo=UTC),
        outcome="not_upheld",
        reason="claims.denial",
        from_department=True,
        state_of_origin="ct",
        **CLAIM,
    ),
    # Same day, earlier reference: listed first.
    case(
        "INS-2026-000001",
        datetime(2026, 3, 1, 14, 0, tzinfo=UTC),
        outcome="partly_upheld",
        answered_at=datetime(2026, 3, 10, 15, tzinfo=UTC),
        reason="claims.delays",
        disposition="claim_paid",
        state_of_origin="NY",
        **CLAIM,
    ),
    # Withdrawn without an answer: closed the day it was withdrawn.
    case(
        "INS-2026-000003",
        datetime(2026, 2, 10, 14, 0, tzinfo=UTC),
        closed_at=datetime(2026, 2, 12, 14, tzinfo=UTC),
        function="underwriting",
        reason="underwriting.cancellation",
        line_of_insurance="homeowners",
        disposition="withdrawn",
        state_of_origin="Connecticut",
    ),
    # Still open, nothing recorded yet.
    case("INS-2026-000004", datetime(2026, 12, 31, 20, 0, tzinfo=UTC)),
    # 02:00 UTC on 1 January 2027 is still 31 December 2026 in New York: in the year.
    case("INS-2026-000005", datetime(2027, 1, 1, 2, 0, tzinfo=UTC), outcome="upheld"),
    # Received in 2025 in New York: not in the register for 2026.
    case("INS-2025-000099", datetime(2026, 1, 1, 4, 0, tzinfo=UTC), outcome="upheld"),
]


def test_one_row_per_complaint_received_in_the_period_sorted_by_date_then_reference() -> None:
    output = complaint_register(CASES, *YEAR_2026, NEW_YORK)

    assert output.code == "us-complaint-register"
    assert (
        list(output.columns)
        == list(COLUMNS)
        == [
            "reference",
            "date_received",
            "date_closed",
            "function",
            "reason",
            "line_of_insurance",
            "disposition",
            "from_department",
            "state_of_origin",
        ]
    )
    assert [list(row) for row in output.rows] == [
        [
            "INS-2026-000003",
            "2026-02-10",
            "2026-02-12",
            "Underwriting",
            "Cancellation or non-renewal",
            "Homeowners and farmowners",
            "Complaint withdrawn",
            "no",
            "Connecticut",
        ],
        [
            "INS-2026-000001",
            "2026-03-01",
            "2026-03-10",
            "Claims",
            "Claim handling delays",
            "Private passenger automobile",
            "Claim paid or settled",
            "no",
            "NY",
        ],
        [
            "INS-2026-000002",
            "2026-03-01",
            "2026-03-20",
            "Claims",
            "Denial of claim",
            "Private passenger automobile",
            "Company position upheld",
            "yes",
            "CT",
        ],
        ["INS-2026-000004", "2026-12-31", "", "", "", "", "", "no", ""],
        ["INS-2026-000005", "2026-12-31", "", "", "", "", "Company position overturned", "no", ""],
    ]


def test_a_state_that_is_not_a_us_code_is_printed_as_given_and_named_in_the_notes() -> None:
    notes = complaint_register(CASES, *YEAR_2026, NEW_YORK).notes

    assert notes[0] == "Complaint register (Conn. Agencies Regs. 38a-819-53 to 38a-819-56)."
    assert "dates in America/New_York" in notes[1]
    assert notes[-1] == (
        "State of origin is not a US state code, printed as recorded: INS-2026-000003."
    )


def test_no_note_about_states_when_every_code_is_a_state() -> None:
    notes = complaint_register(CASES[:2], *YEAR_2026, NEW_YORK).notes

    assert not any("not a US state code" in note for note in notes)


@pytest.mark.parametrize(
    ("outcome", "recorded", "expected"),
    [
        ("not_upheld", None, "company_position_upheld"),
        ("partly_upheld", None, "compromised_settlement"),
        ("upheld", None, "company_position_overturned"),
        (None, None, ""),
        ("upheld", "premium_refunded", "premium_refunded"),
        ("not_upheld", "", "company_position_upheld"),
    ],
)
def test_a_disposition_not_recorded_is_derived_from_the_outcome(
    outcome: str | None, recorded: str | None, expected: str
) -> None:
    fields: dict[str, Any] = {} if recorded is None else {"disposition": recorded}
    found = case("C", datetime(2026, 3, 1, tzinfo=UTC), outcome=outcome, **fields)

    assert disposition(found) == expected


def test_an_unknown_code_is_printed_as_given() -> None:
    odd = case("C", datetime(2026, 3, 1, 15, tzinfo=UTC), function="title", reason="x.y")
    [row] = complaint_register([odd], *YEAR_2026, NEW_YORK).rows

    assert row[3:5] == ["title", "x.y"]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        complaint_register([], date(2026, 12, 31), date(2026, 1, 1), NEW_YORK)
