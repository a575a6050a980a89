"""PREA incident data and its annual aggregate (US): 28 CFR 115.87 and 115.88.

115.87 asks the agency to collect uniform data on every allegation of sexual
abuse (a), aggregate it at least annually (b), with at least what the DOJ's
Survey of Sexual Victimization (formerly the Survey of Sexual Violence, SSV)
asks (c), and give the previous calendar year's data to the Department of
Justice on request by 30 June (f). 115.88 asks for an annual report for each
facility and the agency as a whole.

Querela sees the allegations made as grievances: a PREA grievance is one with
``prea`` ticked, or an emergency one (``intake.is_prea``), sexual harassment
included. Two reports, both in the tenant's time zone:

- ``prea-incident-data``: one line per PREA grievance received in the period,
  the data of 115.87(a) Querela records: no names, no narrative;
- ``prea-annual-data``: the counts for one calendar year, per facility and in
  total. A period that is not 1 January - 31 December is refused.

The SSV tells staff-on-inmate from inmate-on-inmate victimization. The nearest
Querela records is whether the grievance names a member of staff
(``staff_named``): a sensitive field, whose value the core withholds from every
report but whose being recorded it passes on (``CaseView.recorded``). The
reports split by that, "staff named" or not, and never give the name.

The time to decide is the case's own ``final_response`` deadline as it stands,
moved by holds for appeal preparation (115.52(d)(2)) and extensions
(115.52(d)(3)); only a case without one is counted against the plugin's rule
worked out again. No decision in time taken as a denial at the first level
(115.52(d)(4)) is a deemed denial, counted as such, not as "no decision".

Not recorded by Querela, so not reported (the notes say so): the SSV's types
(inmate-on-inmate nonconsensual sexual acts, abusive sexual contact, sexual
harassment; staff sexual misconduct, staff sexual harassment) beyond the
grievance type's sexual abuse / sexual harassment and whether staff are named,
and the SSV's investigation findings (substantiated, unsubstantiated, unfounded).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from core.sdk import (
    CaseView,
    Counts,
    ReportDefinition,
    ReportDue,
    ReportOutput,
    long_date,
    report_period,
)
from plugins.prisons.deadlines import emergency_decision_due, prea_decision_due
from plugins.prisons.intake import (
    STAFF_NAMED,
    filed_by_third_party,
    is_emergency,
    is_prea,
    named_staff,
    victim_agreement,
)
from plugins.prisons.reports import (
    NOT_RECORDED_LABEL,
    OUTCOME_LABELS,
    appealed_by,
    deemed_denial,
    facility,
    facility_rows,
    local_day,
    own_answer_due,
    us_target,
)
from plugins.prisons.taxonomy import GRIEVANCE_TYPE

ANNUAL_CODE = "prea-annual-data"
INCIDENT_CODE = "prea-incident-data"
ANNUAL_CITATION = "28 CFR 115.87, 115.88; DOJ Survey of Sexual Victimization"
INCIDENT_CITATION = "28 CFR 115.87(a)"
#: 115.87(f): the previous calendar year's data, on request, by 30 June.
DUE_MONTH, DUE_DAY = 6, 30

SEXUAL_ABUSE = "prea_sexual_abuse"
SEXUAL_HARASSMENT = "prea_sexual_harassment"
ALLEGATION_TYPES = {SEXUAL_ABUSE: "Sexual abuse", SEXUAL_HARASSMENT: "Sexual harassment"}
OUTCOME_NOT_RECORDED = "Outcome not recorded"
CLOSED_WITHOUT_DECISION = "Closed without a decision"
DEEMED_DENIED = "Deemed denied"

STAFF_NAMED_NOTE = (
    "Staff named: the grievance names the member of staff it is about (staff_named is"
    " recorded); never who, which reports are not given. The DOJ Survey of Sexual Violence"
    " (SSV) distinguishes staff-on-inmate from inmate-on-inmate sexual victimization; whether"
    " a member of staff is named is the nearest Querela records. It is what the grievance"
    " alleges, not a finding of who the perpetrator was, and one naming nobody may still be"
    " about staff (an officer the inmate could not name)."
)
SSV_TYPES = (
    "The SSV's types (inmate-on-inmate nonconsensual sexual acts, abusive sexual contact and"
    " sexual harassment; staff sexual misconduct and staff sexual harassment) are not recorded"
    " by Querela. The allegation type is the grievance type staff record (grievance_type):"
    " PREA sexual abuse or PREA sexual harassment; any other, or none, is 'not recorded'."
)
DEEMED_NOTE = (
    "Deemed denied: the decision deadline passed without a decision and that was taken as a"
    " denial at the first level (115.52(d)(4)); the grievance was appealed on that ground. It"
    " is counted as such, not as no decision."
)
FINDINGS = (
    "The SSV's investigation findings (substantiated, unsubstantiated, unfounded) are not"
    " recorded by Querela. The outcome is the grievance decision as the core records it"
    " (upheld, partly upheld, not upheld): it is not an investigation finding and is not to be"
    " read as one."
)
GRIEVANCES_ONLY = (
    "Only allegations made as grievances are in Querela: a PREA grievance is one with 'prea'"
    " ticked, or an emergency grievance (an emergency is one regarding sexual abuse); sexual"
    " harassment counts too. Allegations reported another way (to staff, by a hotline) are not"
    " here unless they were registered as grievances; 115.87 asks for every allegation."
)


def staff_is_named(case: CaseView) -> bool:
    """Whether the grievance names a member of staff: ``staff_named`` recorded, whoever it is.

    A report's view leaves the sensitive value out of ``fields`` and lists the name in
    ``recorded``; the value is never read beyond that it is there.
    """
    return STAFF_NAMED in case.recorded or named_staff(case) is not None


def allegation_type(case: CaseView) -> str | None:
    """The PREA grievance type staff recorded (sexual abuse or harassment); None for another."""
    value = case.fields.get(GRIEVANCE_TYPE)
    return value if isinstance(value, str) and value in ALLEGATION_TYPES else None


# -- the annual aggregate --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Allegations(Counts):
    """What one PREA grievance, or a row's, add to the year. Field order is column order."""

    allegations: int = 0
    emergency: int = 0
    sexual_abuse: int = 0
    sexual_harassment: int = 0
    type_not_recorded: int = 0
    staff_named: int = 0
    no_staff_named: int = 0
    third_party: int = 0
    victim_declined: int = 0
    victim_agreement_not_recorded: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    outcome_not_recorded: int = 0
    deemed_denied: int = 0
    closed_without_decision: int = 0
    open_at_year_end: int = 0
    decided_within_90_days: int = 0
    emergency_decided_within_5_days: int = 0
    appealed: int = 0


ANNUAL_COLUMNS = ("section", "facility", *Allegations.columns())


def check_calendar_year(start: date, end: date) -> None:
    """Refuse, with ``ValueError`` in words, a period that is not 1 January - 31 December."""
    if start != date(start.year, 1, 1) or end != date(start.year, 12, 31):
        raise ValueError(
            "the PREA annual data covers a calendar year, 1 January to 31 December"
            f" (28 CFR 115.87(b), (f)); {start} to {end} is not one"
        )


def tally_allegation(
    case: CaseView, start: date, end: date, timezone: str, *, roll_forward: bool
) -> Allegations:
    """What ``case`` adds to the year ``start`` to ``end`` (nothing unless PREA, received in it)."""
    zone = ZoneInfo(timezone)
    received = case.received_at.astimezone(zone).date()
    if not is_prea(case) or not start <= received <= end:
        return Allegations()
    answered = local_day(case.answered_at, zone)
    deemed = local_day(deemed_denial(case), zone)
    closed = local_day(case.closed_at, zone)
    # As at 31 December: decided; else deemed denied; else closed; else open.
    decided = answered is not None and answered <= end
    deemed_denied = not decided and deemed is not None and deemed <= end
    undecided = not decided and not deemed_denied
    kind = allegation_type(case)
    named = staff_is_named(case)
    third_party = filed_by_third_party(case)
    agrees = victim_agreement(case)
    emergency = is_emergency(case)
    decided_at = case.answered_at if decided else None
    own = own_answer_due(case)
    five = own if own is not None else emergency_decision_due(case.received_at, timezone)
    # An emergency's own deadline is its 5 days: its 90 are worked out from filing.
    ninety = (
        own
        if own is not None and not emergency
        else prea_decision_due(case.received_at, timezone, roll_forward=roll_forward)
    )
    within_90 = decided_at is not None and decided_at <= ninety
    within_5 = emergency and decided_at is not None and decided_at <= five
    return Allegations(
        allegations=1,
        emergency=int(emergency),
        sexual_abuse=int(kind == SEXUAL_ABUSE),
        sexual_harassment=int(kind == SEXUAL_HARASSMENT),
        type_not_recorded=int(kind is None),
        staff_named=int(named),
        no_staff_named=int(not named),
        third_party=int(third_party),
        victim_declined=int(third_party and agrees is False),
        victim_agreement_not_recorded=int(third_party and agrees is None),
        upheld=int(decided and case.outcome == "upheld"),
        partly_upheld=int(decided and case.outcome == "partly_upheld"),
        not_upheld=int(decided and case.outcome == "not_upheld"),
        outcome_not_recorded=int(decided and case.outcome not in OUTCOME_LABELS),
        deemed_denied=int(deemed_denied),
        closed_without_decision=int(undecided and closed is not None and closed <= end),
        open_at_year_end=int(undecided and (closed is None or closed > end)),
        decided_within_90_days=int(within_90),
        emergency_decided_within_5_days=int(within_5),
        appealed=int((decided or deemed_denied) and appealed_by(case, end, zone)),
    )


def annual_data(
    cases: Iterable[CaseView], start: date, end: date, timezone: str, *, roll_forward: bool
) -> ReportOutput:
    """The PREA counts of the calendar year ``start`` to ``end``, per facility and in total.

    Raises ``ValueError`` for a period that is not 1 January - 31 December.
    """
    check_calendar_year(start, end)
    rows = facility_rows(
        (
            (facility(c), tally_allegation(c, start, end, timezone, roll_forward=roll_forward))
            for c in cases
        ),
        Allegations(),
    )
    rolled = ", moved off weekends and federal holidays as asked" if roll_forward else ""
    return ReportOutput(
        code=ANNUAL_CODE,
        columns=ANNUAL_COLUMNS,
        rows=rows,
        title=f"PREA annual data, {start.year}",
        notes=(
            f"PREA annual data ({ANNUAL_CITATION}): grievances alleging sexual abuse or sexual"
            f" harassment received {long_date(start)} to {long_date(end)}, dates in {timezone}."
            " One row per facility recorded on the grievance ('Not recorded': none), the first"
            " row for the agency as a whole.",
            GRIEVANCES_ONLY,
            "Emergency: an emergency grievance, substantial risk of imminent sexual abuse (28"
            " CFR 115.52(f)).",
            SSV_TYPES,
            STAFF_NAMED_NOTE + " Staff named and no staff named add up to the allegations.",
            "Third party: filed by anyone but the person in custody (115.52(e)(1)). Victim"
            " declined / agreement not recorded: of those, the alleged victim does not agree,"
            " or no answer is recorded (115.52(e)(2), (3)).",
            "Upheld, partly upheld, not upheld, outcome not recorded: the first decision"
            " (level 0) was sent by 31 December, by its approved outcome. Deemed denied: by 31"
            " December, with no decision sent by then (one sent late, still in the year, counts"
            " under its outcome). Closed without a decision: closed by 31 December with"
            " neither. Open at year end: none of these. They add up to the allegations.",
            DEEMED_NOTE,
            FINDINGS,
            "The DOJ reads 115.52(d)'s final agency decision as the one at the highest appeal"
            " level. Appealed: decided or deemed denied by 31 December, and appealed by then;"
            " the outcomes of appeals are not in this table.",
            "Decided within 90 days: the first decision was sent by 31 December and by the"
            " grievance's own decision deadline (final_response) as it stands: the end of the"
            f" 90th day after filing (115.52(d)(1)){rolled}, moved by holds for appeal"
            " preparation (115.52(d)(2)) once they end and by extensions (up to 70 days with"
            " notice, 115.52(d)(3)). Emergency decided within 5 days: by its own deadline, the"
            " end of the 5th calendar day after receipt (115.52(f)(2)); an emergency's 90 days"
            " are worked out from filing. A grievance registered before the plugin was enabled"
            " keeps the organisation's own deadline. Only a grievance without a deadline is"
            " counted against the rule worked out again from the date of filing, holds and"
            " extensions unseen.",
            "115.88's annual report also compares the year with prior years (run this report"
            " for each) and sets out the findings and corrective actions: people write those.",
        ),
    )


def annual_due(today: date) -> list[ReportDue]:
    """The years whose data may still be asked for: begun by ``today``, not due before it."""
    dues = (
        ReportDue(
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            due_on=date(year + 1, DUE_MONTH, DUE_DAY),
            label=f"PREA incident data for {year}: to the Department of Justice on request, by"
            f" {long_date(date(year + 1, DUE_MONTH, DUE_DAY))} (28 CFR 115.87(f))",
        )
        for year in (today.year - 1, today.year)
    )
    return [due for due in dues if due.due_on >= today]


def annual_definition(today: date) -> ReportDefinition:
    """The annual aggregate as the reports page lists it, with the years still to give."""
    return ReportDefinition(
        code=ANNUAL_CODE,
        title="PREA annual data",
        description="PREA grievances of a calendar year per facility and in total: emergency,"
        " sexual abuse or harassment, staff named or not, third-party filings and the victim's"
        " agreement, the decision and its outcome or a deemed denial, within 90 days, appealed."
        " For the 115.88 annual report and the DOJ Survey of Sexual Victimization.",
        due=annual_due(today),
        citation=ANNUAL_CITATION,
    )


def annual_report(
    cases: Sequence[CaseView], parameters: dict[str, object], timezone: str, *, roll_forward: bool
) -> ReportOutput:
    """The annual data for the year in ``parameters`` ("from" 1 January, "to" 31 December)."""
    start, end = report_period(parameters)
    return annual_data(cases, start, end, timezone, roll_forward=roll_forward)


# -- the incident data -----------------------------------------------------------------------

INCIDENT_COLUMNS = (
    "reference",
    "facility",
    "date_received",
    "emergency",
    "allegation_type",
    "staff_named",
    "third_party",
    "victim_agrees",
    "decision_due",
    "date_decided",
    "date_deemed_denied",
    "outcome",
    "appealed",
)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _agreement(case: CaseView) -> str:
    """The victim's recorded answer; "not recorded" only where a third party filed."""
    agrees = victim_agreement(case)
    if agrees is not None:
        return _yes(agrees)
    return "not recorded" if filed_by_third_party(case) else ""


def incident_line(case: CaseView, timezone: str, *, roll_forward: bool) -> list[str]:
    """The allegation's line: what Querela records of it, as it is now; no names."""
    zone = ZoneInfo(timezone)
    due = us_target(timezone, roll_forward=roll_forward).due(case)
    deemed = local_day(deemed_denial(case), zone)
    decided = local_day(case.answered_at, zone)
    if case.answered_at is not None:
        outcome = OUTCOME_LABELS.get(str(case.outcome), OUTCOME_NOT_RECORDED)
    elif deemed is not None:
        outcome = DEEMED_DENIED
    elif case.closed_at is not None:
        outcome = CLOSED_WITHOUT_DECISION
    else:
        outcome = ""
    kind = allegation_type(case)
    return [
        case.reference,
        facility(case) or NOT_RECORDED_LABEL,
        case.received_at.astimezone(zone).date().isoformat(),
        _yes(is_emergency(case)),
        ALLEGATION_TYPES[kind] if kind else NOT_RECORDED_LABEL,
        _yes(staff_is_named(case)),
        _yes(filed_by_third_party(case)),
        _agreement(case),
        "" if due is None else due.astimezone(zone).date().isoformat(),
        "" if decided is None else decided.isoformat(),
        "" if deemed is None else deemed.isoformat(),
        outcome,
        _yes(case.appeal_level > 0 or any(step.level > 0 for step in case.levels)),
    ]


def incident_data(
    cases: Iterable[CaseView], start: date, end: date, timezone: str, *, roll_forward: bool
) -> ReportOutput:
    """One line per PREA grievance received from ``start`` to ``end`` (in ``timezone``)."""
    zone = ZoneInfo(timezone)

    def received(case: CaseView) -> date:
        return case.received_at.astimezone(zone).date()

    allegations = sorted(
        (c for c in cases if is_prea(c) and start <= received(c) <= end),
        key=lambda c: (received(c), c.reference),
    )
    return ReportOutput(
        code=INCIDENT_CODE,
        columns=INCIDENT_COLUMNS,
        rows=[incident_line(c, timezone, roll_forward=roll_forward) for c in allegations],
        title=f"PREA incident data, {long_date(start)} to {long_date(end)}",
        notes=(
            f"PREA incident data ({INCIDENT_CITATION}): one line per grievance alleging sexual"
            f" abuse or sexual harassment received {long_date(start)} to {long_date(end)},"
            f" dates in {timezone}, both days included; oldest first. No names, no narrative.",
            GRIEVANCES_ONLY,
            SSV_TYPES,
            STAFF_NAMED_NOTE,
            "Victim agrees: the alleged victim's agreement to a third-party filing"
            " (115.52(e)(2)); 'not recorded' for a third-party filing without an answer, empty"
            " for the person's own filing without one.",
            "Decision due: the grievance's own decision deadline (final_response) as it stands"
            " when the report is made: the end of the 5th calendar day after receipt for an"
            " emergency grievance (115.52(f)(2)), of the 90th day after filing otherwise"
            " (115.52(d)(1)), moved by holds for appeal preparation (115.52(d)(2)) once they end"
            " and by extensions (115.52(d)(3)). A grievance registered before the plugin was"
            " enabled keeps the organisation's own deadline; only for one without a deadline is"
            " it worked out again from the date of filing, holds and extensions unseen.",
            "Date decided and outcome: the first decision (level 0), when it was sent and its"
            " approved outcome, as recorded when the report is made; 'Closed without a"
            " decision' for one closed with none. Date deemed denied: the due time that passed"
            " without a decision, taken as a denial at that level (115.52(d)(4)) when the"
            " grievance was appealed on that ground; its outcome is 'Deemed denied' until a"
            " decision is sent late, which then gives the date decided and the outcome."
            " Appealed: appealed by then.",
            FINDINGS,
        ),
    )


def incident_definition() -> ReportDefinition:
    """The incident data as the reports page lists it."""
    return ReportDefinition(
        code=INCIDENT_CODE,
        title="PREA incident data",
        description="One line per PREA grievance received in the period: facility, date,"
        " emergency, allegation type, whether staff are named, third-party filing and the"
        " victim's agreement, the decision's due date, date and outcome or deemed denial,"
        " appealed. No names, no narrative.",
        citation=INCIDENT_CITATION,
    )


def incident_report(
    cases: Sequence[CaseView], parameters: dict[str, object], timezone: str, *, roll_forward: bool
) -> ReportOutput:
    """The incident data for the period in ``parameters`` ("from" and "to", both included)."""
    start, end = report_period(parameters)
    return incident_data(cases, start, end, timezone, roll_forward=roll_forward)
