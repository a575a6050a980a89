"""Prisons: grievances of people in custody.

For US tenants the plugin encodes PREA's grievance rules (28 CFR 115.52) and the
Federal Bureau of Prisons' administrative remedy program (28 CFR 542)
(``us.py``, dates in ``deadlines.py``): a grievance alleging sexual abuse or
sexual harassment is sealed, kept from the member of staff it names and decided
within 90 days across its appeals, an emergency one pages the duty supervisor
and runs on 48 hours and 5 days, a sensitive Request goes to the region, and any
other is answered within the Warden's 20 days, with a notice when it was filed
after 20 days. No answer in time is a denial at that level: the next (BP-10,
BP-11) opens with its window. A grievance naming a member of staff, or reporting
sexual abuse, gets a retaliation watch with checks at 30, 60 and 90 days (115.67).

For England and Wales it sets the reply target of the Prisoner Complaints Policy
Framework, restricts a COMP2, asks the final reply for the Prisons and Probation
Ombudsman and starts the prisoner's 3 months to go there (``englandwales.py``).

Every tenant gets the fields staff register a grievance with (``intake.py``), the
grievance types or complaint subjects (``taxonomy.py``), the receipt and answer
letters (``letters.py``), the appeal ladder of its jurisdiction, and reports:
volumes and outcomes per facility (``reports.py``), PREA incident data and the
annual aggregate (``prea_data.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.sdk import (
    AppealLevel,
    BusinessCalendar,
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    FollowUpTask,
    IntakeField,
    IntakeSubmission,
    LetterTemplate,
    PluginInfo,
    ReportDefinition,
    ReportOutput,
    RequiredContent,
    RiskFlag,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
    hookimpl,
)
from plugins.prisons import englandwales, intake, letters, prea_data, reports, taxonomy, us
from plugins.prisons.deadlines import LONDON, REPLY_WORKING_DAYS

PLUGIN_INFO = PluginInfo(
    name="prisons",
    version="0.1.0",
    description="Grievance rules for custodial settings: PREA (US), prisoner complaints (E&W).",
    sector="prisons",
)

US = "us"
ENGLAND_WALES = "england-wales"
DEFAULT_JURISDICTION = US


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply; the US roll-forward and the E&W reply target."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose grievance rules the establishment follows.",
            required=True,
            default=DEFAULT_JURISDICTION,
            choices=(US, ENGLAND_WALES),
        ),
        # No defaults below: a setting left empty is read as the value its help names.
        SettingField(
            name="roll_forward_to_business_day",
            type="boolean",
            label="Move a US due date off weekends and federal holidays",
            help="When on, a PREA 90-day or BP-9 20-day deadline that falls on a weekend or a"
            " federal holiday moves to the next business day. The federal rules count calendar"
            " days and do not move it; emergency deadlines never move. Left empty: off.",
        ),
        SettingField(
            name="reply_working_days",
            type="integer",
            label="Reply target in working days (England and Wales)",
            help="Working days after the day of receipt within which a COMP1 or COMP2 is"
            f" answered (Prisoner Complaints Policy Framework). Left empty: {REPLY_WORKING_DAYS}.",
            minimum=1,
            maximum=20,
        ),
    )


@hookimpl
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:
    """What staff are asked when they register a grievance, then what they record later."""
    jurisdiction = _jurisdiction(tenant)
    return (*intake.intake_fields(jurisdiction), *taxonomy.handling_fields(jurisdiction))


@hookimpl
def querela_register_intake_problems(
    tenant: TenantView, submission: IntakeSubmission
) -> Sequence[ValidationIssue]:
    """A named member of staff who is not an e-mail address; an incident after the filing day."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction not in (US, ENGLAND_WALES):
        return ()
    zone = LONDON if jurisdiction == ENGLAND_WALES else ZoneInfo(tenant.timezone)
    return intake.problems(submission, submission.received_at.astimezone(zone).date())


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """US: PREA, PREA emergency or BP-9 answer deadlines. E&W: the reply target."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == US:
        return us.deadlines(case, tenant.timezone, roll_forward=_roll_forward(tenant))
    if jurisdiction == ENGLAND_WALES:
        return englandwales.deadlines(case, _reply_working_days(tenant))
    return ()


@hookimpl
def querela_register_answer_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """E&W: the prisoner's 3 months to go to the Prisons and Probation Ombudsman."""
    if _jurisdiction(tenant) != ENGLAND_WALES:
        return ()
    return englandwales.answer_deadlines(case)


@hookimpl
def querela_register_risk_flags(tenant: TenantView, case: CaseView) -> Sequence[RiskFlag]:
    """US: a PREA emergency (page), third-party filings, a late BP-9, a retaliation watch."""
    if _jurisdiction(tenant) != US:
        return ()
    return us.flags(case, tenant.timezone)


@hookimpl
def querela_register_follow_up_tasks(tenant: TenantView, case: CaseView) -> Sequence[FollowUpTask]:
    """US: retaliation checks at 30, 60 and 90 days (28 CFR 115.67(c))."""
    if _jurisdiction(tenant) != US:
        return ()
    return us.follow_up_tasks(case, tenant.timezone)


@hookimpl
def querela_register_confidentiality_minimums(
    tenant: TenantView, case: CaseView
) -> Sequence[ConfidentialityMinimum]:
    """US: a PREA grievance is sealed. E&W: a COMP2 is restricted."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == US:
        return us.confidentiality(case)
    if jurisdiction == ENGLAND_WALES:
        return englandwales.confidentiality(case)
    return ()


@hookimpl
def querela_register_excluded_staff(tenant: TenantView, case: CaseView) -> Sequence[StaffExclusion]:
    """US: the member of staff a PREA grievance names never handles or sees it."""
    if _jurisdiction(tenant) != US:
        return ()
    return us.exclusions(case)


@hookimpl
def querela_register_required_content(
    tenant: TenantView, case: CaseView, response_kind: str
) -> Sequence[RequiredContent]:
    """E&W: the Prisons and Probation Ombudsman and its website in the final reply."""
    if _jurisdiction(tenant) != ENGLAND_WALES:
        return ()
    return englandwales.required_content(case, response_kind)


@hookimpl
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:
    """The receipt every filing gets, and the answers, worded for the jurisdiction."""
    return letters.templates(_jurisdiction(tenant))


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """US grievance types, or E&W complaint subjects."""
    return taxonomy.taxonomy(_jurisdiction(tenant))


@hookimpl
def querela_appeal_levels_for_case(tenant: TenantView, case: CaseView) -> Sequence[AppealLevel]:
    """The appeal ladder of the establishment's jurisdiction (US: as the case left it)."""
    if _jurisdiction(tenant) == ENGLAND_WALES:
        calendar = BusinessCalendar("GB", "ENG", timezone=tenant.timezone)
        return tuple(
            AppealLevel(
                name=name,
                window_days=window,
                response_days=response,
                counting="business" if counting == "business" else "calendar",
                calendar=calendar,
                handler_role=role,
                citation=englandwales.FRAMEWORK,
            )
            for name, window, response, counting, role in englandwales.APPEAL_LEVELS
        )
    return us.appeal_levels(case, tenant.timezone)


@hookimpl
def querela_register_reports(tenant: TenantView) -> Sequence[ReportDefinition]:
    """Grievances by facility; US also the PREA incident data and annual data."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == US:
        today = datetime.now(ZoneInfo(tenant.timezone)).date()
        return (
            reports.definition(),
            prea_data.incident_definition(),
            prea_data.annual_definition(today),
        )
    if jurisdiction == ENGLAND_WALES:
        return (reports.definition(),)
    return ()


@hookimpl
def querela_report_for_cases(
    tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
) -> ReportOutput | None:
    """The report ``code`` for the period in ``parameters``; None for other plugins' reports.

    A period the report cannot cover (a PREA annual period that is not a calendar
    year, a period that ends before it starts) comes back as the output's
    ``problem``, in words.
    """
    jurisdiction = _jurisdiction(tenant)
    zone = tenant.timezone
    roll_forward = _roll_forward(tenant)
    try:
        if code == reports.CODE and jurisdiction == US:
            target = reports.us_target(zone, roll_forward=roll_forward)
            return reports.report(cases, parameters, zone, target)
        if code == reports.CODE and jurisdiction == ENGLAND_WALES:
            target = reports.england_wales_target(_reply_working_days(tenant))
            return reports.report(cases, parameters, zone, target)
        if code == prea_data.INCIDENT_CODE and jurisdiction == US:
            return prea_data.incident_report(cases, parameters, zone, roll_forward=roll_forward)
        if code == prea_data.ANNUAL_CODE and jurisdiction == US:
            return prea_data.annual_report(cases, parameters, zone, roll_forward=roll_forward)
    except ValueError as refused:
        return ReportOutput(code=code, columns=(), rows=(), problem=str(refused))
    return None


def _settings(tenant: TenantView) -> Any:
    return tenant.settings_for(PLUGIN_INFO.name)


def _jurisdiction(tenant: TenantView) -> str:
    return str(_settings(tenant).get("jurisdiction") or DEFAULT_JURISDICTION)


def _roll_forward(tenant: TenantView) -> bool:
    return _settings(tenant).get("roll_forward_to_business_day") is True


def _reply_working_days(tenant: TenantView) -> int:
    value = _settings(tenant).get("reply_working_days")
    valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 20
    return value if valid else REPLY_WORKING_DAYS
