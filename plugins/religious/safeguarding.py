"""Safeguarding concerns: sealed, paged when someone is in danger, referred in time.

England, Church of England Safeguarding Code, "Reporting safeguarding concerns and
allegations", section 1 (Methodist and other churches follow the same joint
practice guidance, or their own on the same lines: the citations say "verify"):

- 1.2.1 immediate risk of harm: the police (999) without delay. The plugin pages
  the case's supervisors at once, on any concern type (danger does not wait for
  the form to be filled in right), and sets ``police_contact`` one hour after
  receipt, never extended: a second page if nobody has acted;
- 1.3.1 a written record of the disclosure, signed, timed and dated, with where
  or how it was made: a task due by the end of the day of receipt;
- 1.4.1 otherwise, a referral to the police or social services and to the
  safeguarding officer within one working day (``statutory_referral``,
  ``dsa_referral``: the end of the next working day); a religious community tells
  the Diocesan Safeguarding Adviser within 24 hours excluding weekends and bank
  holidays (24 working hours; verify the clause). The adviser is told after a 999
  call too: ``dsa_referral`` is set on every safeguarding concern;
- information is shared only on a need-to-know basis: the case is sealed.

US: sealed, and immediate danger pages with "Call 911 now". Whether clergy must
report to the civil authorities, and how fast, depends on the state: a notice
carries the text for the recorded state (``us.reporting_notice``).

The referral deadlines are met by staff making the referral, which no letter
records: each is met when staff record it on the case (``met_by_fields``:
``referred_statutory_on``, ``referred_dsa_on``; the police contact by
``police_reference``). Until then they are watched: the worker reminds before each
and pages the case's supervisors when one passes.
"""

from __future__ import annotations

from core.sdk import (
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    FollowUpTask,
    RiskFlag,
    RouteSuggestion,
    ticked,
)
from plugins.religious.deadlines import (
    COMMUNITY_WORKING_HOURS,
    POLICE_CONTACT_HOURS,
    end_of_receipt_day,
    police_contact_due,
    referral_due,
    working_hours_after,
)
from plugins.religious.intake import (
    POLICE_REFERENCE,
    REFERRED_DSA_ON,
    REFERRED_STATUTORY_ON,
    RELIGIOUS_COMMUNITY,
    SERIOUS_INCIDENT,
    in_immediate_danger,
    is_safeguarding,
    is_vel_report,
)

ENGLAND = "england"
US = "us"

#: "Reporting safeguarding concerns and allegations", section 1.
CODE = "Church of England Safeguarding Code, Reporting"
EMERGENCY_NUMBERS = {ENGLAND: "999", US: "911"}

POLICE_CONTACT = "police_contact"
STATUTORY_REFERRAL = "statutory_referral"
DSA_REFERRAL = "dsa_referral"

IMMEDIATE_RISK_FLAG = "immediate_risk"
MANDATED_REPORTER_FLAG = "mandated_reporter"
SERIOUS_INCIDENT_FLAG = "serious_incident_report"

RECORD_TASK = (
    "Sign the written record of the disclosure: who said what, when, where and who was present"
)
CHARITY_COMMISSION = "Charity Commission, serious incident reporting guidance for trustees"

SEALED_REASONS = {
    ENGLAND: "safeguarding: what was disclosed is shared only with those who need to know it"
    f" ({CODE}, s.1)",
    US: "safeguarding: what was disclosed is shared only with those who need to know it, and"
    " with the civil authorities as state law requires",
}
EXCLUSION_REASON = (
    "the safeguarding concern is about them: they never handle it or see what was disclosed"
)


def code_citation(clause: str, denomination: str) -> str:
    """The Code's ``clause``, with a "verify" for the churches that follow it by agreement."""
    cited = f"{CODE} {clause}"
    if denomination == "church-of-england":
        return cited
    if denomination == "methodist":
        return f"{cited}; the Methodist Church follows it by joint guidance, verify"
    return f"{cited}, as good practice; verify the body's own procedure"


def involves_safeguarding(case: CaseView) -> bool:
    """A safeguarding concern, or any case where someone is in immediate danger."""
    return is_safeguarding(case) or in_immediate_danger(case)


def immediate_risk_flag(jurisdiction: str, denomination: str) -> RiskFlag:
    """The page for someone in immediate danger: call the emergency number first."""
    number = EMERGENCY_NUMBERS[jurisdiction]
    police = "the police" if jurisdiction == ENGLAND else "law enforcement"
    rule = f" ({code_citation('1.2.1', denomination)})" if jurisdiction == ENGLAND else ""
    return RiskFlag(
        code=IMMEDIATE_RISK_FLAG,
        message=f"Call {'the police now (999)' if jurisdiction == ENGLAND else '911 now'}:"
        f" someone is in immediate danger. The safeguarding lead is paged; whoever is with the"
        f" case calls {number} without waiting for them, then records the reference"
        f" {police} gave ({POLICE_REFERENCE}){rule}.",
        urgency="page",
    )


def flags(case: CaseView, jurisdiction: str, denomination: str) -> tuple[RiskFlag, ...]:
    """A page for immediate danger; England: a notice for a serious incident to report."""
    found: list[RiskFlag] = []
    if in_immediate_danger(case):
        found.append(immediate_risk_flag(jurisdiction, denomination))
    if jurisdiction == ENGLAND and ticked(case, SERIOUS_INCIDENT):
        found.append(
            RiskFlag(
                code=SERIOUS_INCIDENT_FLAG,
                message="Serious incident: the trustees must report it to the Charity"
                " Commission promptly, fully and frankly, saying what happened and what is"
                f" being done about it ({CHARITY_COMMISSION}; verify the current guidance).",
                urgency="notice",
            )
        )
    return tuple(found)


def mandated_reporter_flag(notice: str) -> RiskFlag:
    """The US notice that the duty to report depends on the state, in ``notice``'s words."""
    return RiskFlag(code=MANDATED_REPORTER_FLAG, message=notice, urgency="notice")


def kept_long(case: CaseView) -> bool:
    """A safeguarding record: a safeguarding concern, a Vos estis report or immediate danger."""
    return involves_safeguarding(case) or is_vel_report(case)


def needs_reporting_notice(case: CaseView) -> bool:
    """A US case about abuse: a safeguarding concern, a Vos estis report or immediate danger."""
    return involves_safeguarding(case) or is_vel_report(case)


def deadlines(case: CaseView, jurisdiction: str, denomination: str) -> tuple[DeadlineRule, ...]:
    """The call to the police on immediate danger; England: the referrals of a concern."""
    found: list[DeadlineRule] = []
    if in_immediate_danger(case):
        number = EMERGENCY_NUMBERS[jurisdiction]
        found.append(
            DeadlineRule(
                kind=POLICE_CONTACT,
                label=f"Call the police ({number}): someone is in immediate danger; record the"
                f" reference ({POLICE_REFERENCE})",
                due_at=police_contact_due(case.received_at),
                citation=code_citation("1.2.1", denomination)
                if jurisdiction == ENGLAND
                else "the organisation's safeguarding policy",
                counting=f"{POLICE_CONTACT_HOURS} hour after receipt (elapsed); the safeguarding"
                " lead is paged at once, the case's supervisors again when it passes",
                pausable=False,
                max_extensions=0,
                met_by_fields=(POLICE_REFERENCE,),
            )
        )
    if jurisdiction != ENGLAND or not is_safeguarding(case):
        return tuple(found)
    if not in_immediate_danger(case):
        found.append(
            DeadlineRule(
                kind=STATUTORY_REFERRAL,
                label="Refer the concern to the police or children's or adult social care;"
                f" record the day ({REFERRED_STATUTORY_ON})",
                due_at=referral_due(case.received_at),
                citation=code_citation("1.4.1", denomination),
                counting="end of the next working day after the day of disclosure (England:"
                " weekends, Good Friday, Christmas Day and bank holidays do not count; London)",
                pausable=False,
                met_by_fields=(REFERRED_STATUTORY_ON,),
            )
        )
    found.append(_dsa_referral(case, denomination))
    return tuple(found)


def _dsa_referral(case: CaseView, denomination: str) -> DeadlineRule:
    label = (
        "Tell the Diocesan Safeguarding Adviser (or the church's safeguarding officer); record"
        f" the day ({REFERRED_DSA_ON})"
    )
    if ticked(case, RELIGIOUS_COMMUNITY):
        return DeadlineRule(
            kind=DSA_REFERRAL,
            label=f"Religious community: {label[0].lower()}{label[1:]}",
            due_at=working_hours_after(case.received_at),
            citation=code_citation("(religious communities: verify the clause)", denomination),
            counting=f"{COMMUNITY_WORKING_HOURS} hours after receipt, counting only the hours of"
            " working days (England: weekends and bank holidays do not count; London)",
            pausable=False,
            met_by_fields=(REFERRED_DSA_ON,),
        )
    return DeadlineRule(
        kind=DSA_REFERRAL,
        label=label,
        due_at=referral_due(case.received_at),
        citation=code_citation("1.4.1", denomination),
        counting="end of the next working day after the day of disclosure (England: weekends,"
        " Good Friday, Christmas Day and bank holidays do not count; London)",
        pausable=False,
        met_by_fields=(REFERRED_DSA_ON,),
    )


def follow_up_tasks(
    case: CaseView, jurisdiction: str, denomination: str
) -> tuple[FollowUpTask, ...]:
    """England: the signed, timed and dated record of the disclosure, by the end of the day."""
    if jurisdiction != ENGLAND or not involves_safeguarding(case):
        return ()
    return (
        FollowUpTask(
            title=RECORD_TASK,
            due_at=end_of_receipt_day(case.received_at),
            citation=code_citation("1.3.1: signed, timed and dated", denomination),
        ),
    )


def confidentiality(case: CaseView, jurisdiction: str) -> tuple[ConfidentialityMinimum, ...]:
    """A safeguarding concern, or a case where someone is in danger, is sealed."""
    if not involves_safeguarding(case):
        return ()
    return (ConfidentialityMinimum("sealed", SEALED_REASONS[jurisdiction]),)


def route(case: CaseView, team: str) -> RouteSuggestion | None:
    """A safeguarding concern, a Vos estis report or immediate danger: the safeguarding team.

    Its supervisors (the safeguarding lead) are the ones paged for the case.
    """
    if is_safeguarding(case):
        reason = "safeguarding concern: handled by the safeguarding team"
    elif is_vel_report(case):
        reason = "report under Vos estis lux mundi: handled by the safeguarding team"
    elif in_immediate_danger(case):
        reason = "someone is in immediate danger: the safeguarding lead acts"
    else:
        return None
    return RouteSuggestion(team=team, reason=reason)
