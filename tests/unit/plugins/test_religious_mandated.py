"""The US table of clergy as mandated reporters says what its source says, with its date.

The source is the Child Welfare Information Gateway: its factsheet "Clergy as
Mandatory Reporters of Child Abuse and Neglect" (current through April 2019)
lists the 28 states naming clergy and the 18 where any person must report;
Hawaii named clergy in 2020 (the Gateway's Hawaii page, May 2023).
"""

from __future__ import annotations

from datetime import date

import pytest

from plugins.religious import mandated_reporters
from plugins.religious.mandated_reporters import (
    AS_OF,
    CHECKED_ON,
    SOURCE,
    STATES,
    UNKNOWN_STATE,
    entry,
    reporting_notice,
)

#: The factsheet's footnote 2 (states naming clergy), current through April 2019.
NAMED_2019 = {
    "Alabama", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Georgia",
    "Illinois", "Louisiana", "Maine", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nevada", "New Hampshire", "New Mexico", "North Dakota", "Ohio",
    "Oregon", "Pennsylvania", "South Carolina", "Vermont", "Virginia", "West Virginia",
    "Wisconsin",
}  # fmt: skip
#: Its footnote 3 (any person must report).
ANY_PERSON_2019 = {
    "Delaware", "Florida", "Idaho", "Indiana", "Kentucky", "Maryland", "Mississippi",
    "Nebraska", "New Hampshire", "New Jersey", "New Mexico", "North Carolina", "Oklahoma",
    "Rhode Island", "Tennessee", "Texas", "Utah", "Wyoming",
}  # fmt: skip


def test_every_state_and_dc_has_one_entry_under_its_two_letter_code() -> None:
    assert len(STATES) == 51
    for code, rule in STATES.items():
        assert len(code) == 2 and code.isalpha() and code.islower()
        assert rule.code == code
    assert "dc" in STATES and STATES["dc"].place == "the District of Columbia"


def test_the_table_carries_its_date_and_source() -> None:
    assert isinstance(AS_OF, date)
    assert date(2023, 5, 1) == AS_OF
    assert AS_OF <= CHECKED_ON
    assert "Child Welfare Information Gateway" in SOURCE
    assert all(rule.as_of <= CHECKED_ON for rule in STATES.values())


def test_the_table_matches_the_factsheets_lists_and_hawaii_since() -> None:
    named = {rule.name for rule in STATES.values() if rule.clergy_named}
    everyone = {rule.name for rule in STATES.values() if rule.everyone_reports}

    assert named == NAMED_2019 | {"Hawaii"}
    assert everyone == ANY_PERSON_2019
    assert named & everyone == {"Mississippi", "New Hampshire", "New Mexico"}


def test_an_unconfirmed_state_has_no_citation_and_says_why() -> None:
    unconfirmed = {code for code, rule in STATES.items() if not rule.verified}

    assert unconfirmed == {"ak", "dc", "wa"}
    for code in unconfirmed:
        assert STATES[code].citation == ""
        assert STATES[code].note
    assert all(rule.citation for rule in STATES.values() if rule.verified)


def test_the_notice_for_an_any_person_state() -> None:
    assert reporting_notice("tx").startswith(
        "In Texas every person, clergy included, must report suspected child abuse"
        " (Tex. Fam. Code § 261.101) — as of April 2019; check the current statute."
    )
    assert "applies without exception to clergy" in reporting_notice("tx")


def test_the_notice_for_a_state_naming_clergy() -> None:
    assert reporting_notice("al").startswith(
        "In Alabama clergy are mandated reporters of suspected child abuse"
        " (Ala. Code § 26-14-3(a)) — as of May 2023; check the current statute."
    )
    assert "Confidential communications: need not report" in reporting_notice("al")


def test_the_notice_for_a_state_doing_both_and_for_one_doing_neither() -> None:
    assert reporting_notice("MS").startswith(
        "In Mississippi clergy are named among mandated reporters of suspected child abuse,"
        " and every person must report (Miss. Code § 43-21-353)"
    )
    kansas = reporting_notice("ks")
    assert kansas.startswith("In Kansas clergy are not named as mandated reporters")
    assert "in another role" in kansas and "check the current statute" in kansas


def test_the_notice_for_an_unconfirmed_state_sends_staff_to_the_statute() -> None:
    notice = reporting_notice("wa")

    assert notice.startswith(
        "Querela has not confirmed whether clergy in Washington must report suspected child abuse."
    )
    assert notice.endswith("Check the current statute.")


@pytest.mark.parametrize("code", ["", "   ", "zz", "texas", None])
def test_the_notice_for_an_unknown_or_empty_state_is_generic(code: str | None) -> None:
    assert entry(code) is None
    assert reporting_notice(code) == UNKNOWN_STATE
    assert "check its current statute" in UNKNOWN_STATE


def test_a_code_is_read_whatever_its_case_and_spaces() -> None:
    assert entry(" TX ") is STATES["tx"]
    assert mandated_reporters.month(date(2019, 4, 1)) == "April 2019"
