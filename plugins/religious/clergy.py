"""Complaints about a member of the clergy's conduct (England): the time limit, versioned.

Clergy Discipline Measure 2003 s.9, as amended by the Safeguarding and Clergy
Discipline Measure 2016 s.7: a complaint is made within one year beginning with
the misconduct (or the last act of a series) unless the president of tribunals
gives permission to bring it late (s.9(1)); there is no limit for conduct of a
sexual nature towards a child (s.9(2)), nor towards an adult whom the president
considers was vulnerable at the time (s.9(3)). Worked example: misconduct on
15 March 2025 -> complaint by 14 March 2026; on 15 March 2026 it is out of time;
sexual misconduct towards a child is never out of time.

The Clergy Conduct Measure is to replace it (grievance, misconduct and serious
misconduct tracks). General Synod gave it final approval in February 2025;
Parliament's Ecclesiastical Committee found it not expedient in October 2025 and
it went back to Synod, so it was not in force when this was written. A tenant sets
the day it comes into force (``clergy_conduct_measure_from``); a complaint
received from then on is read under it, with the same one-year rule and
exceptions until its own are confirmed (verify: the limit, and the transitional
provisions for misconduct before that day).

What the plugin does: a notice on a complaint received after the limit (none when
the sexual-misconduct box is ticked, or once the president's decision is
recorded, ``late_permission``). A refusal changes nothing automatically: staff
answer the complainant and close the case. The person complained about never
handles or sees it, and it is restricted to those handling it (verify against the
Measure's Code of Practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.sdk import CaseView, ConfidentialityMinimum, RiskFlag, date_field, long_date, ticked
from plugins.religious.deadlines import complaint_limit, london_date
from plugins.religious.intake import (
    LATE_PERMISSION,
    LATE_PERMISSION_REASON,
    MISCONDUCT_DATE,
    SEXUAL_MISCONDUCT,
    concern_type,
)
from plugins.religious.taxonomy import CLERGY_CONDUCT

OUT_OF_TIME_FLAG = "out_of_time"
EXCLUSION_REASON = (
    "the complaint is about their conduct: the person complained about never handles it or"
    " sees its handling"
)


@dataclass(frozen=True, slots=True)
class Regime:
    """The measure a clergy conduct complaint is read under, and where its time limit is."""

    name: str
    citation: str


CDM = Regime(
    "Clergy Discipline Measure 2003",
    "Clergy Discipline Measure 2003 s.9 (as amended by the Safeguarding and Clergy Discipline"
    " Measure 2016 s.7)",
)
CCM = Regime(
    "Clergy Conduct Measure",
    "Clergy Conduct Measure (verify: its time limit; the one-year rule of the Clergy Discipline"
    " Measure 2003 s.9 is applied until confirmed)",
)

RESTRICTED_REASON = (
    "complaint about a member of the clergy's conduct: seen only by those handling it (verify"
    " against the Measure's Code of Practice)"
)


def is_clergy_conduct(case: CaseView) -> bool:
    """A complaint about a member of the clergy's conduct."""
    return concern_type(case) == CLERGY_CONDUCT


def regime(received: date, conduct_measure_from: date | None) -> Regime:
    """The Clergy Conduct Measure from the day the tenant says it applies; before, the CDM."""
    if conduct_measure_from is not None and received >= conduct_measure_from:
        return CCM
    return CDM


def out_of_time_flag(case: CaseView, conduct_measure_from: date | None) -> RiskFlag | None:
    """A notice on a clergy conduct complaint received after its year, until permission is decided.

    None for sexual misconduct towards a child or a vulnerable adult (no limit), when
    the date of the misconduct is not known, or once ``late_permission`` is recorded.
    """
    if not is_clergy_conduct(case) or ticked(case, SEXUAL_MISCONDUCT):
        return None
    if case.fields.get(LATE_PERMISSION):
        return None
    misconduct = date_field(case.fields, MISCONDUCT_DATE)
    if misconduct is None:
        return None
    received = london_date(case.received_at)
    last_day = complaint_limit(misconduct)
    if received <= last_day:
        return None
    measure = regime(received, conduct_measure_from)
    return RiskFlag(
        code=OUT_OF_TIME_FLAG,
        message=f"Out of time under the {measure.name}: the misconduct (or the last act of a"
        f" series) was on {long_date(misconduct)}, so the complaint was due by"
        f" {long_date(last_day)}; it was received on {long_date(received)}. It can go ahead only"
        " with the permission of the president of tribunals, who asks whether there was good"
        f" reason for the delay ({measure.citation}). Record the decision and its reasons"
        f" ({LATE_PERMISSION}, {LATE_PERMISSION_REASON}). No limit applies to sexual misconduct"
        " towards a child or a vulnerable adult: tick it if that is what the complaint is.",
        urgency="notice",
    )


def confidentiality(case: CaseView) -> tuple[ConfidentialityMinimum, ...]:
    """A clergy conduct complaint is at least restricted."""
    if not is_clergy_conduct(case):
        return ()
    return (ConfidentialityMinimum("restricted", RESTRICTED_REASON),)
