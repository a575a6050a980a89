"""Healthcare: complaints about care, treatment and services of health providers.

For tenants in England the plugin sets the deadlines of the NHS complaints
regulations (SI 2009/309) on a case: the acknowledgement within 3 working days
and the response within 6 months (``england.py``, dates in ``deadlines.py``); it
flags a complaint made after the 12-month limit until the decision to accept it
is recorded, and treats an oral complaint resolved by the next working day as
outside the regulations. It asks for the Parliamentary and Health Service
Ombudsman in every final response (``wording.py``), and produces the KO41a return
(``returns.py``) and the reg. 18 annual report (``annual.py``).

For US tenants (Medicare Advantage or Part D plans) it sets the grievance
deadlines of 42 CFR 422.564 / 423.564 (30 days, or 24 hours when expedited) and
the 60 days for a HIPAA accounting of disclosures (``us.py``), pages a supervisor
on an expedited grievance, asks quality-of-care answers for the Quality
Improvement Organization, and keeps the grievance log (``grievance_log.py``).

Every tenant gets its return's taxonomy (``taxonomy.py``), the fields asked at
intake (``intake.py``) and recorded while handling (``handling.py``), and every
case is at least restricted: it carries health information (``privacy.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from core.sdk import (
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    IntakeField,
    IntakeSubmission,
    LetterTemplate,
    PluginInfo,
    ReportDefinition,
    ReportOutput,
    RequiredContent,
    RiskFlag,
    SettingField,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
    date_field,
    hookimpl,
)
from plugins.healthcare import annual, england, grievance_log, privacy, returns, us
from plugins.healthcare.deadlines import LONDON
from plugins.healthcare.handling import handling_fields
from plugins.healthcare.intake import (
    AWARE_DATE,
    EVENT_DATE,
    PATIENT_IDENTIFIER,
    intake_fields,
    nhs_number_problem,
)
from plugins.healthcare.taxonomy import taxonomy
from plugins.healthcare.wording import required_content, templates

PLUGIN_INFO = PluginInfo(
    name="healthcare",
    version="0.1.0",
    description="Complaint rules for health providers: NHS (England), CMS grievances (US).",
    sector="healthcare",
)

DEFAULT_JURISDICTION = "england"


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply; for US plans, the plan type and roll-forward."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose complaint-handling rules the organisation follows.",
            required=True,
            default=DEFAULT_JURISDICTION,
            choices=("england", "us"),
        ),
        # No defaults below: a setting left empty is read as the value its help names.
        SettingField(
            name="plan_type",
            type="choice",
            label="Medicare plan type (US)",
            help="Medicare Advantage (42 CFR 422.564) or a Part D prescription drug plan (42 CFR"
            " 423.564): Part D grievances are expedited only while the drug has not been"
            " obtained. Left empty: Medicare Advantage.",
            choices=us.PLAN_TYPES,
        ),
        SettingField(
            name="roll_forward_to_business_day",
            type="boolean",
            label="Move a US due date off weekends and federal holidays",
            help="When on, a 30-day grievance or 60-day accounting deadline that falls on a"
            " weekend or a federal holiday moves to the next business day. The federal rules"
            " count calendar days and do not move it. Left empty: off.",
        ),
    )


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """England: acknowledgement and 6-month response. US: the grievance or accounting deadline."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == "england":
        return england.deadlines(case)
    if jurisdiction == "us":
        return us.deadlines(
            case, _plan_type(tenant), tenant.timezone, roll_forward=_roll_forward(tenant)
        )
    return ()


@hookimpl
def querela_register_risk_flags(tenant: TenantView, case: CaseView) -> Sequence[RiskFlag]:
    """A late NHS complaint; an expedited, refused-expedite or late-filed US grievance."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == "england":
        return england.flags(case)
    if jurisdiction == "us":
        return us.flags(case, _plan_type(tenant), tenant.timezone)
    return ()


@hookimpl
def querela_register_confidentiality_minimums(
    tenant: TenantView, case: CaseView
) -> Sequence[ConfidentialityMinimum]:
    """Every case is at least restricted: health information, the minimum necessary."""
    return privacy.minimums(_jurisdiction(tenant))


@hookimpl
def querela_register_required_content(
    tenant: TenantView, case: CaseView, response_kind: str
) -> Sequence[RequiredContent]:
    """The Ombudsman in an English final response; the QIO in a US quality-of-care answer."""
    return required_content(_jurisdiction(tenant), _plan_type(tenant), response_kind, case)


@hookimpl
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:
    """England: acknowledgement, response, delay notice. US: decision, extension notice."""
    return templates(_jurisdiction(tenant))


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """The KO41a breakdowns (England), or the CMS grievance categories (US)."""
    return taxonomy(_jurisdiction(tenant))


@hookimpl
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:
    """What the form asks for the deadlines and flags, then what staff record while handling."""
    jurisdiction = _jurisdiction(tenant)
    return (*intake_fields(jurisdiction, _plan_type(tenant)), *handling_fields(jurisdiction))


@hookimpl
def querela_register_intake_problems(
    tenant: TenantView, submission: IntakeSubmission
) -> Sequence[ValidationIssue]:
    """A date after the day the complaint is made, or an NHS number that cannot be one."""
    jurisdiction = _jurisdiction(tenant)
    zone = LONDON if jurisdiction == "england" else ZoneInfo(tenant.timezone)
    today = submission.received_at.astimezone(zone).date()
    problems = [
        ValidationIssue(f"fields.{name}", "must not be later than the day the complaint is made")
        for name in (EVENT_DATE, AWARE_DATE)
        if (day := date_field(submission.fields, name)) is not None and day > today
    ]
    if jurisdiction == "england":
        problem = nhs_number_problem(submission.fields.get(PATIENT_IDENTIFIER))
        if problem:
            problems.append(ValidationIssue(f"fields.{PATIENT_IDENTIFIER}", problem))
    return problems


@hookimpl
def querela_register_reports(tenant: TenantView) -> Sequence[ReportDefinition]:
    """The KO41a return and the annual report (England), or the grievance log (US)."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == "england":
        return (returns.definition(), annual.definition())
    if jurisdiction == "us":
        return (grievance_log.definition(),)
    return ()


@hookimpl
def querela_report_for_cases(
    tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
) -> ReportOutput | None:
    """The report ``code`` for the period in ``parameters``; None for other plugins' reports.

    A period the report cannot cover (a KO41a period that is not a financial
    year, a period that ends before it starts) comes back as the output's
    ``problem``, in words.
    """
    jurisdiction = _jurisdiction(tenant)
    try:
        if code == returns.CODE and jurisdiction == "england":
            return returns.report(cases, parameters)
        if code == annual.CODE and jurisdiction == "england":
            return annual.report(cases, parameters)
        if code == grievance_log.CODE and jurisdiction == "us":
            return grievance_log.report(cases, parameters, tenant.timezone, _plan_type(tenant))
    except ValueError as refused:
        return ReportOutput(code=code, columns=(), rows=(), problem=str(refused))
    return None


def _settings(tenant: TenantView) -> Any:
    return tenant.settings_for(PLUGIN_INFO.name)


def _jurisdiction(tenant: TenantView) -> str:
    return str(_settings(tenant).get("jurisdiction") or DEFAULT_JURISDICTION)


def _plan_type(tenant: TenantView) -> str:
    value = _settings(tenant).get("plan_type")
    return value if value in us.PLAN_TYPES else us.MEDICARE_ADVANTAGE


def _roll_forward(tenant: TenantView) -> bool:
    return _settings(tenant).get("roll_forward_to_business_day") is True
