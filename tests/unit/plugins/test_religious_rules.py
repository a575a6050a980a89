"""The religious plugin's time limits: the Safeguarding Code, the CDM, Vos estis lux mundi.

Expected dates are counted by hand from the rules and the England and Wales bank
holidays of 2026 (1 January, Good Friday 3 April, Easter Monday 6 April, 4 May,
25 May, 31 August, 25 December, 28 December for Boxing Day on a Saturday; 1 January
2027), never from the code. London is on GMT until 29 March 2026 and from 25
October 2026, on BST between.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.religious
from core.sdk import CaseView, DeadlineRule, FollowUpTask, RiskFlag, TenantView
from plugins.religious.deadlines import complaint_limit, working_hours_after
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def england(**settings: Any) -> TenantView:
    return tenant_view("religious", "religious", jurisdiction="england", **settings)


def us() -> TenantView:
    return replace(
        tenant_view("religious", "religious", jurisdiction="us"), timezone="America/New_York"
    )


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(day: date, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def deadlines(view: TenantView, case: CaseView) -> dict[str, DeadlineRule]:
    found = plugins.religious.querela_register_deadlines(view, case)
    rules = {rule.kind: rule for rule in found}
    assert len(rules) == len(found), "one rule per kind"
    return rules


def flags(view: TenantView, case: CaseView) -> dict[str, RiskFlag]:
    return {f.code: f for f in plugins.religious.querela_register_risk_flags(view, case)}


def tasks(view: TenantView, case: CaseView) -> list[FollowUpTask]:
    return list(plugins.religious.querela_register_follow_up_tasks(view, case))


def concern(received: datetime, **fields: Any) -> CaseView:
    return case_view(received, concern_type="safeguarding", **fields)


# -- referral within one working day (Safeguarding Code 1.4.1) ----------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 5 January 10:00 -> the next working day, Tuesday 6 January, to its end.
        pytest.param(london(2026, 1, 5, 10), date(2026, 1, 6), id="monday"),
        # Friday 6 March -> Monday 9 March: the weekend does not count.
        pytest.param(london(2026, 3, 6, 15), date(2026, 3, 9), id="friday"),
        # Saturday 7 March: the next working day after it is Monday 9 March.
        pytest.param(london(2026, 3, 7, 11), date(2026, 3, 9), id="saturday"),
        # Thursday 2 April: Good Friday 3, the weekend, Easter Monday 6 -> Tuesday 7 April.
        pytest.param(london(2026, 4, 2, 9), date(2026, 4, 7), id="easter"),
        # Friday 22 May: the weekend and the bank holiday of 25 May -> Tuesday 26 May.
        pytest.param(london(2026, 5, 22, 16), date(2026, 5, 26), id="spring-bank-holiday"),
        # Thursday 31 December: New Year's Day 2027 is a Friday -> Monday 4 January 2027.
        pytest.param(london(2026, 12, 31, 12), date(2027, 1, 4), id="new-year"),
        # 23:30 UTC on Monday 1 June is 00:30 on Tuesday 2 June in London -> Wednesday 3 June.
        pytest.param(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), date(2026, 6, 3), id="london-day"),
    ],
)
def test_a_concern_is_referred_by_the_end_of_the_next_working_day(
    received: datetime, due: date
) -> None:
    found = deadlines(england(), concern(received))

    assert set(found) == {"statutory_referral", "dsa_referral"}
    for kind in ("statutory_referral", "dsa_referral"):
        rule = found[kind]
        assert rule.due_at == end_of(due)
        assert rule.watched and not rule.pausable
        # Recording the referral on the case is the only way it is made: no letter meets it.
        assert tuple(rule.met_by) == ()
        assert "1.4.1" in rule.citation and "working day" in rule.counting
    assert "referred_statutory_on" in found["statutory_referral"].label
    assert "referred_dsa_on" in found["dsa_referral"].label


# -- a religious community: 24 hours excluding weekends and bank holidays ------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 10:00 -> Tuesday 10:00: 24 hours, all on working days.
        pytest.param(london(2026, 1, 5, 10), london(2026, 1, 6, 10), id="monday"),
        # Friday 15:00: 9 hours on Friday, the weekend skipped, 15 on Monday -> Monday 15:00.
        pytest.param(london(2026, 3, 6, 15), london(2026, 3, 9, 15), id="weekend"),
        # Friday 1 May 15:00: Monday 4 May is a bank holiday -> Tuesday 5 May 15:00.
        pytest.param(london(2026, 5, 1, 15), london(2026, 5, 5, 15), id="bank-holiday-monday"),
        # Thursday 2 April 15:00: Good Friday to Easter Monday skipped -> Tuesday 7 April 15:00.
        pytest.param(london(2026, 4, 2, 15), london(2026, 4, 7, 15), id="easter"),
        # Thursday 24 December 15:00: Christmas Day, the weekend and 28 December (Boxing Day
        # on a Saturday, moved) skipped -> Tuesday 29 December 15:00.
        pytest.param(london(2026, 12, 24, 15), london(2026, 12, 29, 15), id="christmas"),
        # Saturday 11:00: counting starts on Monday 00:00 -> Tuesday 00:00.
        pytest.param(london(2026, 3, 7, 11), london(2026, 3, 10), id="saturday"),
        # Friday 27 March 15:00 GMT; clocks go forward on Sunday 29 March -> Monday 15:00 BST.
        pytest.param(london(2026, 3, 27, 15), london(2026, 3, 30, 15), id="clocks-change"),
    ],
)
def test_a_religious_community_tells_the_adviser_within_24_working_hours(
    received: datetime, due: datetime
) -> None:
    found = deadlines(england(), concern(received, religious_community=True))

    assert working_hours_after(received) == due
    rule = found["dsa_referral"]
    assert rule.due_at == due
    assert rule.label.startswith("Religious community:")
    assert "24 hours" in rule.counting and "verify" in rule.citation
    # The referral to the police or social care keeps its one working day, to a day's end.
    statutory = found["statutory_referral"]
    assert "working day" in statutory.counting
    assert statutory.due_at.astimezone(LONDON).time() == time.max


# -- immediate danger (Safeguarding Code 1.2.1) -------------------------------------------------


@pytest.mark.parametrize(
    ("view", "concern_type", "number", "opening"),
    [
        pytest.param(england(), "safeguarding", "999", "Call the police now (999)", id="england"),
        # Danger does not wait for the right concern type: a complaint pages too.
        pytest.param(england(), "complaint", "999", "Call the police now (999)", id="complaint"),
        pytest.param(us(), "safeguarding", "911", "Call 911 now", id="us"),
        pytest.param(us(), "vel_report", "911", "Call 911 now", id="us-vel"),
    ],
)
def test_immediate_danger_pages_and_gives_the_police_call_an_hour(
    view: TenantView, concern_type: str, number: str, opening: str
) -> None:
    received = datetime(2026, 3, 6, 14, 20, tzinfo=UTC)
    case = case_view(received, concern_type=concern_type, immediate_risk=True)

    flag = flags(view, case)["immediate_risk"]
    police = deadlines(view, case)["police_contact"]

    assert flag.urgency == "page"
    assert flag.message.startswith(opening)
    assert "safeguarding lead is paged" in flag.message
    # 14:20 + 1 hour = 15:20, elapsed.
    assert police.due_at == datetime(2026, 3, 6, 15, 20, tzinfo=UTC)
    assert number in police.label
    assert police.max_extensions == 0 and not police.pausable and police.watched


def test_after_a_999_call_the_adviser_is_still_told_and_no_second_referral_is_set() -> None:
    # Thursday 2 April 2026 09:00: the police are the referral (1.4.1 applies "if 1.2.1 does
    # not"); the adviser is told by the end of Tuesday 7 April, after the Easter bank holidays.
    found = deadlines(england(), concern(london(2026, 4, 2, 9), immediate_risk=True))

    assert set(found) == {"police_contact", "dsa_referral"}
    assert found["police_contact"].due_at == london(2026, 4, 2, 10)
    assert found["dsa_referral"].due_at == end_of(date(2026, 4, 7))


@pytest.mark.parametrize(
    ("view", "fields"),
    [
        pytest.param(england(), {"concern_type": "safeguarding"}, id="no-danger"),
        pytest.param(england(), {"immediate_risk": False}, id="unticked"),
        pytest.param(us(), {"concern_type": "safeguarding"}, id="us"),
    ],
)
def test_no_page_and_no_police_deadline_without_immediate_danger(
    view: TenantView, fields: dict[str, Any]
) -> None:
    case = case_view(**fields)

    assert "immediate_risk" not in flags(view, case)
    assert "police_contact" not in deadlines(view, case)


def test_a_us_concern_gets_no_english_referral_deadlines() -> None:
    # The US duty to report depends on the state: a notice says so, no deadline is guessed.
    assert deadlines(us(), concern(datetime(2026, 3, 6, 14, tzinfo=NEW_YORK))) == {}


# -- the written record of the disclosure (Safeguarding Code 1.3.1) -----------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(london(2026, 3, 6, 15), date(2026, 3, 6), id="afternoon"),
        # 23:30 UTC on 1 June is 00:30 on 2 June in London: that is the day of receipt.
        pytest.param(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), date(2026, 6, 2), id="london-day"),
    ],
)
def test_the_record_of_the_disclosure_is_signed_by_the_end_of_the_day(
    received: datetime, due: date
) -> None:
    [task] = tasks(england(denomination="church-of-england"), concern(received))

    assert task.title == (
        "Sign the written record of the disclosure: who said what, when, where and who was present"
    )
    assert task.due_at == end_of(due)
    assert task.citation == (
        "Church of England Safeguarding Code, Reporting 1.3.1: signed, timed and dated"
    )


@pytest.mark.parametrize(
    ("denomination", "words"),
    [
        ("church-of-england", None),
        ("methodist", "Methodist Church follows it by joint guidance, verify"),
        ("catholic", "as good practice; verify the body's own procedure"),
    ],
)
def test_churches_that_follow_the_code_by_agreement_see_verify(
    denomination: str, words: str | None
) -> None:
    found = deadlines(england(denomination=denomination), concern(london(2026, 1, 5, 10)))
    citation = found["statutory_referral"].citation

    assert citation.startswith("Church of England Safeguarding Code, Reporting 1.4.1")
    if words is None:
        assert "verify" not in citation
    else:
        assert words in citation


# -- Clergy Discipline Measure 2003 s.9 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("misconduct", "last_day"),
    [
        # Worked example: misconduct 15 March 2025 -> complaint by 14 March 2026.
        (date(2025, 3, 15), date(2026, 3, 14)),
        (date(2025, 12, 31), date(2026, 12, 30)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        # A year beginning with 29 February 2024 ends on 28 February 2025.
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_a_clergy_complaint_is_made_within_a_year_beginning_with_the_misconduct(
    misconduct: date, last_day: date
) -> None:
    assert complaint_limit(misconduct) == last_day


def clergy(received: datetime, **fields: Any) -> CaseView:
    return case_view(received, concern_type="clergy_conduct", **fields)


@pytest.mark.parametrize(
    ("case", "late"),
    [
        # Worked example: misconduct 15 March 2025; received 14 March 2026 is in time.
        pytest.param(
            clergy(london(2026, 3, 14, 23, 30), misconduct_date="2025-03-15"), False, id="last-day"
        ),
        # Received 15 March 2026: out of time.
        pytest.param(clergy(london(2026, 3, 15, 9), misconduct_date="2025-03-15"), True, id="late"),
        # 00:30 UTC on 15 March is 00:30 in London (GMT): already 15 March, late.
        pytest.param(
            clergy(datetime(2026, 3, 15, 0, 30, tzinfo=UTC), misconduct_date="2025-03-15"),
            True,
            id="utc-just-after-midnight",
        ),
        # Sexual misconduct towards a child or a vulnerable adult: never out of time.
        pytest.param(
            clergy(
                london(2040, 1, 1, 9),
                misconduct_date="1998-06-01",
                sexual_misconduct_child_or_vulnerable=True,
            ),
            False,
            id="sexual-misconduct-child",
        ),
        # The president of tribunals has decided: the notice has done its work.
        pytest.param(
            clergy(london(2026, 6, 1), misconduct_date="2025-03-15", late_permission="granted"),
            False,
            id="permission-granted",
        ),
        pytest.param(
            clergy(london(2026, 6, 1), misconduct_date="2025-03-15", late_permission="refused"),
            False,
            id="permission-refused",
        ),
        pytest.param(clergy(london(2026, 6, 1)), False, id="no-date"),
        # The limit is the clergy's: another complaint about an old matter is not flagged.
        pytest.param(
            case_view(london(2026, 6, 1), misconduct_date="2020-01-01"), False, id="complaint"
        ),
    ],
)
def test_a_clergy_complaint_after_its_year_needs_permission(case: CaseView, late: bool) -> None:
    found = flags(england(), case)

    assert ("out_of_time" in found) is late
    if late:
        flag = found["out_of_time"]
        assert flag.urgency == "notice"
        assert "14 March 2026" in flag.message and "15 March 2026" in flag.message
        assert "president of tribunals" in flag.message and "late_permission" in flag.message
        assert "Clergy Discipline Measure 2003 s.9" in flag.message


@pytest.mark.parametrize(
    ("measure_from", "name"),
    [
        pytest.param(None, "Clergy Discipline Measure 2003", id="not-set"),
        # The CCM applies to complaints received from the day set, not before.
        pytest.param("2026-03-16", "Clergy Discipline Measure 2003", id="before"),
        pytest.param("2026-03-15", "Clergy Conduct Measure", id="from-that-day"),
    ],
)
def test_the_clergy_conduct_measure_applies_from_the_day_the_tenant_sets(
    measure_from: str | None, name: str
) -> None:
    settings = {"clergy_conduct_measure_from": measure_from} if measure_from else {}
    case = clergy(london(2026, 3, 15, 9), misconduct_date="2025-03-15")

    message = flags(england(**settings), case)["out_of_time"].message

    assert message.startswith(f"Out of time under the {name}:")
    # Until its own limit is confirmed, the CCM keeps the CDM's year and says so.
    assert ("verify" in message) is (name == "Clergy Conduct Measure")


def test_the_us_has_no_clergy_discipline_measure() -> None:
    case = clergy(datetime(2026, 3, 15, 9, tzinfo=NEW_YORK), misconduct_date="2020-03-15")

    assert "out_of_time" not in flags(us(), case)


# -- Vos estis lux mundi: 30 days, 90 days, status every 30 days --------------------------------


@pytest.mark.parametrize(
    ("view", "received", "zone", "days"),
    [
        # 15 January 2026 + 30 = 14 February; + 60 = 16 March; + 90 = 15 April (London).
        pytest.param(
            england(),
            london(2026, 1, 15, 10),
            LONDON,
            (date(2026, 2, 14), date(2026, 3, 16), date(2026, 4, 15)),
            id="england",
        ),
        # 6 March 2026 14:00 in New York + 30 = 5 April; + 60 = 5 May; + 90 = 4 June.
        pytest.param(
            us(),
            datetime(2026, 3, 6, 14, tzinfo=NEW_YORK),
            NEW_YORK,
            (date(2026, 4, 5), date(2026, 5, 5), date(2026, 6, 4)),
            id="us",
        ),
    ],
)
def test_a_vos_estis_report_gets_its_terms_and_status_reports(
    view: TenantView, received: datetime, zone: ZoneInfo, days: tuple[date, date, date]
) -> None:
    day30, day60, day90 = days
    case = case_view(received, concern_type="vel_report")

    found = deadlines(view, case)
    reports = tasks(view, case)

    assert set(found) == {"dicastery_instructions", "vel_investigation"}
    instructions, investigation = found["dicastery_instructions"], found["vel_investigation"]
    assert instructions.due_at == end_of(day30, zone)
    # The Dicastery's time to answer: shown, never chased.
    assert not instructions.watched
    assert investigation.due_at == end_of(day90, zone)
    # Extended as the instructions allow: no limit of the plugin's own.
    assert investigation.watched
    assert investigation.max_extensions is None and investigation.max_extension_days is None
    assert [t.due_at for t in reports] == [end_of(d, zone) for d in (day30, day60, day90)]
    assert [t.title.split(":")[0] for t in reports] == [
        "Vos estis status report to the Dicastery, day 30",
        "Vos estis status report to the Dicastery, day 60",
        "Vos estis investigation, day 90",
    ]
    assert "votum" in reports[-1].title
    assert all("Vos estis lux mundi (2023)" in t.citation for t in reports)


def test_other_concerns_get_no_vos_estis_terms() -> None:
    for concern_type in ("safeguarding", "clergy_conduct", "complaint"):
        case = case_view(london(2026, 1, 15, 10), concern_type=concern_type)
        kinds = set(deadlines(england(), case))
        titles = " ".join(t.title for t in tasks(england(), case))

        assert not kinds & {"dicastery_instructions", "vel_investigation"}, concern_type
        assert "Vos estis" not in titles, concern_type


# -- what the core stores ------------------------------------------------------------------------


SCENARIOS = [
    concern(london(2026, 1, 5, 10)),
    concern(london(2026, 1, 5, 10), religious_community=True),
    concern(london(2026, 1, 5, 10), immediate_risk=True),
    case_view(london(2026, 1, 5, 10), concern_type="vel_report", conflict_of_interest=True),
    clergy(london(2026, 3, 15, 9), misconduct_date="2025-03-15"),
]


@pytest.mark.parametrize("denomination", ["church-of-england", "methodist", "other"])
@pytest.mark.parametrize("case", SCENARIOS, ids=["1wd", "community", "danger", "vel", "cdm"])
def test_every_rule_fits_the_cores_columns(case: CaseView, denomination: str) -> None:
    # Deadline labels, citations and counting, and task titles, are kept in 200 characters.
    view = england(denomination=denomination)
    for rule in deadlines(view, case).values():
        assert rule.due_at.tzinfo is not None
        assert rule.due_at - case.received_at >= timedelta(0)
        for text in (rule.label, rule.citation, rule.counting):
            assert 0 < len(text) <= 200, text
        assert len(rule.kind) <= 40
    for task in tasks(view, case):
        assert 0 < len(task.title) <= 200 and len(task.citation) <= 200
