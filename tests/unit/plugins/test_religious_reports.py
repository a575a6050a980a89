"""The religious bodies' safeguarding statistics and serious incident drafts count every case right.

Expected numbers are counted by hand from the rules on the small sets of cases
below, never from the code. The organisation is in London: GMT (UTC+0) around
New Year, BST (UTC+1) in summer. A case's ``statutory_referral`` deadline, as the
plugin's rules set it, is counted as it stands: met at or before its due time is
in time; not marked met, the referral's date is compared with the day the
deadline fell due in London.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.sdk import CaseView, DeadlineView, ReportOutput
from plugins.religious import reports
from plugins.religious.incidents import INCIDENT_COLUMNS, serious_incidents
from plugins.religious.reports import produce
from plugins.religious.statistics import STATISTICS_COLUMNS, safeguarding_statistics
from tests.unit.plugins.views import case_view

LONDON = ZoneInfo("Europe/London")
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
OXFORD = "Diocese of Oxford"
LEEDS = "Diocese of Leeds"


def london(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def referral_deadline(due_at: datetime, met_at: datetime | None = None) -> DeadlineView:
    return DeadlineView(kind="statutory_referral", due_at=due_at, met_at=met_at)


def case(
    reference: str,
    received_at: datetime,
    *,
    closed_at: datetime | None = None,
    outcome: str | None = None,
    deadlines: Sequence[DeadlineView] = (),
    withheld: Sequence[str] = (),
    complainant: str | None = None,
    **fields: Any,
) -> CaseView:
    """A case as a report sees it: ``withheld`` sensitive fields recorded whose values the
    report is not given, ``deadlines`` its own as they stand."""
    view = case_view(
        received_at,
        reference=reference,
        answered_at=closed_at if outcome else None,
        closed_at=closed_at,
        outcome=outcome,
        complainant=complainant,
        **fields,
    )
    recorded = {name for name, value in fields.items() if value not in (None, "", [])}
    return replace(view, deadlines=tuple(deadlines), recorded=frozenset(recorded | set(withheld)))


def concern(reference: str, received_at: datetime, **rest: Any) -> CaseView:
    return case(reference, received_at, concern_type="safeguarding", **rest)


def rows(output: ReportOutput) -> dict[tuple[str, str], list[Any]]:
    return {(row[0], row[1]): list(row[2:]) for row in output.rows}


# -- safeguarding statistics ---------------------------------------------------------------

CONCERNS = [
    # The first minute of the year (GMT = UTC); immediate risk; a child; two abuse types;
    # about a member of staff (recorded, the address withheld); referred the next day, the
    # deadline met in time; referred to the DSA; closed in March.
    concern("S-01", london(2026, 1, 1, 0, 0), diocese=OXFORD, immediate_risk=True,
            victim_group="child", abuse_type=["sexual", "online"], accused_role="clergy",
            withheld=["accused_staff"], referred_statutory_on="2026-01-02",
            referred_dsa_on="2026-01-02", closed_at=london(2026, 3, 1),
            deadlines=[referral_deadline(london(2026, 1, 2, 23, 59),
                                         met_at=london(2026, 1, 2, 10))]),
    # The last minute of 2025: another year, counts nothing.
    concern("S-02", london(2025, 12, 31, 23, 59), diocese=OXFORD, victim_group="child"),
    # The last minute of 2026, the diocese written with spaces around it; one abuse type
    # recorded twice and a code the plugin does not know; closed at 00:30 on 1 January 2027:
    # open at the end.
    concern("S-03", london(2026, 12, 31, 23, 59), diocese="  Diocese of Oxford ",
            victim_group="vulnerable_adult", abuse_type=["financial", "financial", "bogus"],
            accused_role="volunteer", closed_at=london(2027, 1, 1, 0, 30)),
    # The first minute of 2027: counts nothing.
    concern("S-04", london(2027, 1, 1, 0, 0), diocese=OXFORD, victim_group="adult"),
    # In BST. No abuse type, no accused role. The deadline fell due at 00:30 BST on 2 June
    # (23:30 UTC on 1 June), not marked met; referred on 2 June: in time by the London day
    # (late by the UTC one).
    concern("S-05", london(2026, 6, 1, 9), diocese=LEEDS, victim_group="adult",
            referred_statutory_on="2026-06-02",
            deadlines=[referral_deadline(utc(2026, 6, 1, 23, 30))]),
    # Three abuse types; about a member of staff; due by the end of 13 July, not marked met,
    # referred on 15 July: late. Closed in August.
    concern("S-06", london(2026, 7, 10), diocese=LEEDS, victim_group="child",
            abuse_type=["physical", "emotional", "neglect"], accused_role="employee",
            withheld=["accused_staff"], referred_statutory_on="2026-07-15",
            closed_at=london(2026, 8, 1),
            deadlines=[referral_deadline(london(2026, 7, 13, 23, 59))]),
    # No diocese. Referred on the day due, the deadline marked met (recorded) the day after:
    # in time (the day of referral decides).
    concern("S-07", london(2026, 9, 1), victim_group="not_known", abuse_type=["spiritual"],
            accused_role="lay_minister", referred_statutory_on="2026-09-02",
            deadlines=[referral_deadline(london(2026, 9, 2, 23, 59),
                                         met_at=london(2026, 9, 3, 10))]),
    # No diocese, no victim group (not known). Referred without a deadline on the case:
    # timing not known. Referred to the DSA only in 2027: not counted.
    concern("S-08", london(2026, 10, 5), abuse_type=["domestic", "other"],
            accused_role="religious", referred_statutory_on="2026-10-06",
            referred_dsa_on="2027-01-05"),
    # A clergy conduct case and a complaint (no concern type): not safeguarding concerns.
    case("S-09", london(2026, 11, 1), concern_type="clergy_conduct", diocese=LEEDS),
    case("S-10", london(2026, 11, 2), diocese=LEEDS, victim_group="child"),
    # A role the plugin does not know: other or not recorded. Referred only in 2027: not
    # referred in the year. Closed at 23:30 on 31 December: closed.
    concern("S-11", london(2026, 11, 20), diocese=OXFORD, victim_group="adult",
            abuse_type=["sexual"], accused_role="bishop", referred_statutory_on="2027-01-04",
            closed_at=london(2026, 12, 31, 23, 30)),
    # A referral recorded with a value that is not a date: referred, timing not known.
    concern("S-12", london(2026, 4, 1), diocese=LEEDS, victim_group="child",
            abuse_type=["neglect"], accused_role="clergy", referred_statutory_on="pending",
            deadlines=[referral_deadline(london(2026, 4, 2, 23, 59))]),
]  # fmt: skip

#: concerns, immediate risk | child, vulnerable adult, adult, not known | physical, sexual,
#: emotional, neglect, spiritual, domestic, financial, online, other, not recorded | about a
#: member | clergy, religious, lay minister, employee, volunteer, other or not recorded |
#: referred, in time, late, timing not known | DSA | closed, open at end
BY_DIOCESE = {
    ("total", "Total"): [8, 1, 3, 1, 2, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 2,
                         2, 1, 1, 1, 1, 2, 6, 3, 1, 2, 1, 3, 5],
    ("diocese", LEEDS): [3, 0, 2, 0, 1, 0, 1, 0, 1, 2, 0, 0, 0, 0, 0, 1, 1,
                         1, 0, 0, 1, 0, 1, 3, 1, 1, 1, 0, 1, 2],  # S-05 S-06 S-12
    ("diocese", OXFORD): [3, 1, 1, 1, 1, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1,
                          1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 2, 1],  # S-01 S-03 S-11
    ("not_recorded", "Not recorded"): [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
                                       0, 1, 1, 0, 0, 0, 2, 1, 0, 1, 0, 0, 2],  # S-07 S-08
}  # fmt: skip


def test_concerns_are_counted_per_diocese_in_the_organisations_zone() -> None:
    output = safeguarding_statistics(CONCERNS, *YEAR, "Europe/London")

    assert output.code == "safeguarding-statistics"
    assert not output.problem
    assert list(output.columns) == list(STATISTICS_COLUMNS)
    assert list(STATISTICS_COLUMNS[:6]) == [
        "section",
        "diocese",
        "concerns",
        "immediate_risk",
        "victim_child",
        "victim_vulnerable_adult",
    ]
    assert list(STATISTICS_COLUMNS[-7:]) == [
        "referred_statutory",
        "referred_in_time",
        "referred_late",
        "referral_timing_not_known",
        "referred_dsa",
        "closed",
        "open_at_end",
    ]
    assert rows(output) == BY_DIOCESE
    assert [row[1] for row in output.rows] == ["Total", LEEDS, OXFORD, "Not recorded"]
    assert output.title == "Safeguarding statistics, 2026"


def test_the_columns_that_split_the_concerns_add_up_and_abuse_types_may_not() -> None:
    counted = dict(zip(STATISTICS_COLUMNS[2:], BY_DIOCESE[("total", "Total")], strict=True))
    victims = ("victim_child", "victim_vulnerable_adult", "victim_adult", "victim_not_known")
    roles = [name for name in counted if name.startswith("accused_")]
    timing = ("referred_in_time", "referred_late", "referral_timing_not_known")
    abuse = [name for name in counted if name.startswith("abuse_")]

    assert sum(counted[name] for name in victims) == counted["concerns"] == 8
    assert sum(counted[name] for name in roles) == counted["concerns"]
    assert sum(counted[name] for name in timing) == counted["referred_statutory"] == 6
    assert counted["closed"] + counted["open_at_end"] == counted["concerns"]
    # S-01 (two types) and S-06 (three) count once in the concerns, once under each type.
    assert sum(counted[name] for name in abuse) == 12


def test_a_concern_with_several_abuse_types_counts_once_in_total_and_once_per_type() -> None:
    several = concern("M-1", london(2026, 5, 5), diocese=OXFORD,
                      abuse_type=["sexual", "online", "sexual"])  # fmt: skip
    counted = dict(
        zip(STATISTICS_COLUMNS[2:], rows(safeguarding_statistics([several], *YEAR, "UTC"))[
            ("total", "Total")
        ], strict=True)
    )  # fmt: skip

    assert counted["concerns"] == 1
    assert counted["abuse_sexual"] == 1
    assert counted["abuse_online"] == 1
    assert counted["abuse_not_recorded"] == 0


def test_a_member_of_staff_is_counted_from_recorded_alone_and_never_printed() -> None:
    withheld = concern("W-1", london(2026, 5, 5), diocese=OXFORD, withheld=["accused_staff"])
    assert "accused_staff" not in withheld.fields
    output = safeguarding_statistics([withheld], *YEAR, "Europe/London")
    about_member = STATISTICS_COLUMNS.index("about_member") - 2

    assert rows(output)[("total", "Total")][about_member] == 1
    assert "accused_staff" not in str(output.rows)


def test_referral_timing_follows_the_day_of_referral_then_the_deadline() -> None:
    def timing(view: CaseView) -> list[int]:
        counted = rows(safeguarding_statistics([view], *YEAR, "Europe/London"))
        start = STATISTICS_COLUMNS.index("referred_statutory") - 2
        return counted[("total", "Total")][start : start + 4]

    bst = next(c for c in CONCERNS if c.reference == "S-05")

    def referred_on(view: CaseView, day: str) -> CaseView:
        return replace(view, fields={**view.fields, "referred_statutory_on": day})

    # Referred 2 June against a deadline due 00:30 BST on 2 June: in time.
    assert timing(bst) == [1, 1, 0, 0]
    # Referred a day later: late.
    assert timing(referred_on(bst, "2026-06-03")) == [1, 0, 1, 0]
    # The day of referral decides, not when it was recorded (which marks the deadline met):
    # a referral of 9 June recorded at the due time is late; one of 2 June recorded a
    # minute after it is in time.
    due = utc(2026, 6, 1, 23, 30)
    met = replace(bst, deadlines=(referral_deadline(due, met_at=due),))
    assert timing(referred_on(met, "2026-06-09")) == [1, 0, 1, 0]
    met_late = replace(bst, deadlines=(referral_deadline(due, met_at=utc(2026, 6, 1, 23, 31)),))
    assert timing(met_late) == [1, 1, 0, 0]
    # Without a date, the deadline marked met decides: a minute after its due time is late.
    undated = replace(met_late, fields={**met_late.fields, "referred_statutory_on": "soon"})
    assert timing(undated) == [1, 0, 1, 0]
    # No deadline on the case: timing not known.
    assert timing(replace(bst, deadlines=())) == [1, 0, 0, 1]
    # Not referred: nothing in these columns, whatever the deadline.
    unreferred = replace(
        bst,
        fields={k: v for k, v in bst.fields.items() if k != "referred_statutory_on"},
        recorded=bst.recorded - {"referred_statutory_on"},
    )
    assert timing(unreferred) == [0, 0, 0, 0]


def test_the_year_is_counted_in_a_us_tenants_own_zone() -> None:
    # 03:00 UTC on 1 January 2027 is 22:00 on 31 December 2026 in New York, and 03:00 UTC on
    # 1 January 2026 is 22:00 on 31 December 2025 there; in London they are New Year's Day.
    late_2026 = concern("U-1", utc(2027, 1, 1, 3), diocese="Archdiocese of New York")
    late_2025 = concern("U-2", utc(2026, 1, 1, 3), diocese="Archdiocese of New York")
    parameters = {"from": "2026-01-01", "to": "2026-12-31"}

    new_york = produce("safeguarding-statistics", [late_2026, late_2025], parameters,
                       "America/New_York")  # fmt: skip
    in_london = produce("safeguarding-statistics", [late_2026, late_2025], parameters,
                        "Europe/London")  # fmt: skip

    assert new_york is not None and in_london is not None
    assert rows(new_york)[("total", "Total")][0] == 1
    assert ("diocese", "Archdiocese of New York") in rows(new_york)
    assert rows(in_london)[("total", "Total")][0] == 1
    assert any("America/New_York" in note for note in new_york.notes)


def test_a_period_that_is_not_a_calendar_year_is_refused_in_words() -> None:
    def made(start: str | date, end: str | date) -> ReportOutput:
        output = produce(
            "safeguarding-statistics", CONCERNS, {"from": start, "to": end}, "Europe/London"
        )
        assert output is not None
        return output

    financial = made("2026-04-01", "2027-03-31")
    short = made(date(2026, 1, 1), date(2026, 12, 30))
    backwards = made("2026-12-31", "2026-01-01")

    assert financial.rows == ()
    assert financial.problem == (
        "the safeguarding statistics cover a calendar year, 1 January to 31 December;"
        " 2026-04-01 to 2027-03-31 is not one"
    )
    assert "calendar year" in short.problem
    assert "ends (2026-01-01) before it starts" in backwards.problem


def test_an_empty_year_has_a_total_row_only() -> None:
    output = safeguarding_statistics([], *YEAR, "Europe/London")

    assert [list(row) for row in output.rows] == [["total", "Total", *[0] * 30]]


def test_the_notes_say_how_each_column_is_counted() -> None:
    notes = " ".join(safeguarding_statistics([], *YEAR, "Europe/London").notes)

    assert "1 January 2026 to 31 December 2026, dates in Europe/London" in notes
    assert "once in the concerns and once under each type" in notes
    assert "never who" in notes
    assert "statutory referral deadline as it stands" in notes
    assert "In time + late + timing not known = referred" in notes
    assert "Closed + open at the end = concerns" in notes
    assert "(verify)" in notes


# -- serious incident drafts ---------------------------------------------------------------

INCIDENTS = [
    # Received in BST; sexual abuse recorded twice (printed once); the police told 40 minutes
    # later (the police contact deadline met); a crime reference recorded, its value
    # withheld; about a member of staff.
    concern("I-1", london(2026, 3, 30, 10), serious_incident=True, diocese=OXFORD,
            immediate_risk=True, victim_group="child", abuse_type=["sexual", "online", "sexual"],
            accused_role="clergy", withheld=["accused_staff", "police_reference"],
            referred_statutory_on="2026-03-31", referred_dsa_on="2026-03-31",
            complainant="Jane Roe",
            deadlines=[DeadlineView(kind="police_contact", due_at=london(2026, 3, 30, 11),
                                    met_at=london(2026, 3, 30, 10, 40))]),
    # A clergy conduct case, closed and upheld; nothing on the police recorded.
    case("I-2", london(2026, 3, 1, 9), serious_incident=True, concern_type="clergy_conduct",
         closed_at=london(2026, 3, 20, 15), outcome="upheld"),
    # Not a serious incident.
    concern("I-3", london(2026, 3, 10), serious_incident=False, diocese=LEEDS),
    # 23:30 UTC on 31 March is 00:30 BST on 1 April: after the period.
    concern("I-4", utc(2026, 3, 31, 23, 30), serious_incident=True, diocese=LEEDS),
    # A complaint (no concern type); a crime reference recorded without a police contact
    # deadline; a statutory referral recorded with a value that is not a date.
    case("I-5", london(2026, 3, 15), serious_incident=True, withheld=["police_reference"],
         referred_statutory_on="to be arranged"),
]  # fmt: skip

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
EMPTY_BY_HAND = ["", "", "", "", ""]


def test_serious_incidents_are_drafted_one_line_each_oldest_first() -> None:
    output = produce("serious-incident-reports", INCIDENTS, MARCH, "Europe/London")

    assert output is not None and not output.problem
    assert list(output.columns) == list(INCIDENT_COLUMNS)
    assert list(INCIDENT_COLUMNS[-5:]) == [
        "what_happened",
        "trustees_informed_on",
        "reported_to_commission_on",
        "other_regulators_insurers_funders_told",
        "media_interest",
    ]
    assert [list(row) for row in output.rows] == [
        ["I-2", "2026-03-01", "Not recorded", "Clergy conduct", "Not recorded", "Not known",
         "no", "no", "Not recorded", "not recorded", "", "no", "", "", "closed", "Upheld",
         "2026-03-20", *EMPTY_BY_HAND],
        ["I-5", "2026-03-15", "Not recorded", "Complaint", "Not recorded", "Not known",
         "no", "no", "Not recorded", "yes", "", "yes", "recorded", "", "received", "", "",
         *EMPTY_BY_HAND],
        ["I-1", "2026-03-30", OXFORD, "Safeguarding concern", "Sexual; Online", "Child",
         "yes", "yes", "Clergy", "yes", "2026-03-30", "yes", "2026-03-31", "2026-03-31",
         "received", "", "", *EMPTY_BY_HAND],
    ]  # fmt: skip
    assert output.title == "Serious incident reports (draft), 1 March 2026 to 31 March 2026"


def test_the_drafts_print_no_names_and_no_sensitive_values() -> None:
    output = serious_incidents(INCIDENTS, date(2026, 3, 1), date(2026, 3, 31), "Europe/London")
    printed = str(output.rows)

    assert "Jane Roe" not in printed
    assert "police_reference" not in printed and "accused_staff" not in printed
    assert all("police_reference" not in c.fields for c in INCIDENTS)


def test_the_incident_notes_say_what_the_commission_asks_and_what_to_add_by_hand() -> None:
    notes = " ".join(
        serious_incidents([], date(2026, 3, 1), date(2026, 3, 31), "Europe/London").notes
    )

    assert "How to report a serious incident in your charity" in notes
    assert "prompt, full and frank" in notes
    assert "trustees" in notes
    assert "never printed" in notes
    assert "Left empty for the trustees" in notes and "media interest" in notes


def test_serious_incidents_take_any_period() -> None:
    output = produce("serious-incident-reports", INCIDENTS,
                     {"from": "2026-03-30", "to": "2026-04-02"}, "Europe/London")  # fmt: skip

    assert output is not None and not output.problem
    assert [row[0] for row in output.rows] == ["I-1", "I-4"]


# -- for the hooks -------------------------------------------------------------------------


def test_definitions_per_jurisdiction() -> None:
    codes = ["safeguarding-statistics", "serious-incident-reports"]

    assert [d.code for d in reports.definitions("england")] == codes
    assert [d.code for d in reports.definitions("us")] == codes
    assert reports.definitions("scotland") == ()
    assert all(set(d.formats) == {"json", "csv", "pdf"} for d in reports.definitions("us"))
    assert all(d.citation for d in reports.definitions("england"))


def test_an_unknown_code_is_not_the_plugins() -> None:
    assert produce("ko41a-return", CONCERNS, MARCH, "Europe/London") is None
