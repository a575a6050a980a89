"""Religious bodies: complaints and safeguarding concerns in churches and faith charities.

Every case says what it is (``concern_type``): a safeguarding concern, a complaint
about a member of the clergy's conduct, a report under Vos estis lux mundi, or any
other complaint (the default). The rules follow from it.

England (``safeguarding.py``, dates in ``deadlines.py``): a safeguarding concern is
sealed, goes to the safeguarding team, and is referred to the police or social
care and to the Diocesan Safeguarding Adviser within one working day (a religious
community: 24 working hours), with the signed record of the disclosure due the
same day (Church of England Safeguarding Code). Someone in immediate danger, on
any case, pages the safeguarding lead with "Call the police now (999)". A
complaint about a member of the clergy gets a notice when it is out of time under
the Clergy Discipline Measure 2003, or the Clergy Conduct Measure from the day the
tenant says it applies (``clergy.py``). A serious incident is flagged for the
trustees' report to the Charity Commission.

US: a safeguarding concern is sealed and goes to the safeguarding team; immediate
danger pages with "Call 911 now"; a notice says whether clergy must report to the
civil authorities in the state (``us.py``, the table in ``mandated_reporters.py``).

Both: a Vos estis report is sealed, its accused is kept out of it, a conflict of
interest sends it to the next authority, and the Dicastery's 30 days, the 90-day
investigation and the status reports every 30 days are set (``vel.py``). Whoever a
case is about (``accused_staff``) never handles or sees it. The fields are in
``intake.py`` and ``handling.py``, the terms in ``taxonomy.py``, the letters in ``letters.py``.

A referral deadline is met when staff record the day it was made (``met_by_fields``:
``referred_statutory_on``, ``referred_dsa_on``; the police contact by the crime
reference). Safeguarding concerns and Vos estis reports are kept after closing for
the years the tenant sets, or for good (``querela_register_retention_minimum``).
Reports: annual safeguarding statistics per diocese or province, and drafts of the
trustees' serious incident reports (``reports.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from core.sdk import (
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
    RetentionMinimum,
    RiskFlag,
    RouteSuggestion,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
    date_field,
    hookimpl,
)
from plugins.religious import (
    clergy,
    handling,
    intake,
    letters,
    reports,
    safeguarding,
    taxonomy,
    us,
    vel,
)
from plugins.religious.deadlines import LONDON
from plugins.religious.intake import US_STATE, accused_staff, concern_type
from plugins.religious.taxonomy import CLERGY_CONDUCT, COMPLAINT, SAFEGUARDING, VEL_REPORT

PLUGIN_INFO = PluginInfo(
    name="religious",
    version="0.1.0",
    description="Complaint and safeguarding procedures for religious bodies (England, US).",
    sector="religious",
)

ENGLAND = "england"
US = "us"
DEFAULT_JURISDICTION = ENGLAND
DEFAULT_DENOMINATION = "other"
SAFEGUARDING_TEAM = "safeguarding_team"
NEXT_AUTHORITY_TEAM = "next_authority_team"
RETENTION_YEARS = "safeguarding_retention_years"
#: The team each team setting names when left empty.
DEFAULT_TEAMS = {SAFEGUARDING_TEAM: "Safeguarding", NEXT_AUTHORITY_TEAM: "Next authority"}

#: Denominations whose procedures the plugin will know; "other" follows general guidance.
DENOMINATIONS = (
    "church-of-england",
    "catholic",
    "methodist",
    "baptist",
    "jewish",
    "muslim",
    "other",
)

COMPLAINT_EXCLUSION_REASON = (
    "the complaint is about them: nobody handles, or sees the handling of, a complaint about"
    " themselves"
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction and denomination; the teams cases go to; when the CCM applies."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose safeguarding and complaint rules the organisation follows.",
            required=True,
            default=DEFAULT_JURISDICTION,
            choices=(ENGLAND, US),
        ),
        SettingField(
            name="denomination",
            type="choice",
            label="Denomination",
            help="The body whose complaint procedure the organisation follows.",
            required=True,
            default=DEFAULT_DENOMINATION,
            choices=DENOMINATIONS,
        ),
        # No defaults below: a tenant that saved its settings before these existed keeps
        # them valid, and a setting left empty is read as the value its help names.
        SettingField(
            name=SAFEGUARDING_TEAM,
            type="string",
            label="Safeguarding team",
            help="The name of the team that handles safeguarding concerns and Vos estis reports,"
            " and cases where someone is in immediate danger; its supervisors (the safeguarding"
            " lead) are the ones paged. Create the team under Teams. Left empty:"
            f" {DEFAULT_TEAMS[SAFEGUARDING_TEAM]}.",
        ),
        SettingField(
            name=NEXT_AUTHORITY_TEAM,
            type="string",
            label="Next authority team (Vos estis)",
            help="The name of the team that receives a Vos estis report when the authority who"
            " would receive it is accused or has a conflict of interest (the senior suffragan"
            f" bishop by promotion). Left empty: {DEFAULT_TEAMS[NEXT_AUTHORITY_TEAM]}.",
        ),
        SettingField(
            name=RETENTION_YEARS,
            type="integer",
            label="Keep safeguarding records for (years after closing)",
            help="How long a safeguarding concern or a Vos estis report is kept after it is"
            " closed, whatever the organisation keeps other cases for. The Church of England's"
            " records guidance and its assurances to the Independent Inquiry into Child Sexual"
            " Abuse ask for long retention (verify the period your guidance sets). Left empty:"
            " kept for good. A legal hold keeps any case longer still.",
            minimum=1,
            maximum=200,
        ),
        SettingField(
            name="clergy_conduct_measure_from",
            type="date",
            label="Clergy Conduct Measure applies from (England)",
            help="The day the Clergy Conduct Measure comes into force, replacing the Clergy"
            " Discipline Measure 2003: a complaint about a member of the clergy received from"
            " then on is read under it. It was not in force when this was written. Left empty:"
            " the Clergy Discipline Measure 2003 applies.",
        ),
    )


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """The concern types and the kinds of abuse."""
    return taxonomy.taxonomy() if _known(tenant) else ()


@hookimpl
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:
    """What a concern is registered with, then what staff record while handling it."""
    jurisdiction = _jurisdiction(tenant)
    return (*intake.intake_fields(jurisdiction), *handling.handling_fields(jurisdiction))


@hookimpl
def querela_register_intake_problems(
    tenant: TenantView, submission: IntakeSubmission
) -> Sequence[ValidationIssue]:
    """A member of staff who is not an e-mail address; misconduct after the day it is raised."""
    if not _known(tenant):
        return ()
    zone = LONDON if _jurisdiction(tenant) == ENGLAND else ZoneInfo(tenant.timezone)
    return intake.problems(submission, submission.received_at.astimezone(zone).date())


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """The police call on danger; England: the referrals; Vos estis: 30 and 90 days."""
    if not _known(tenant):
        return ()
    jurisdiction = _jurisdiction(tenant)
    return (
        *safeguarding.deadlines(case, jurisdiction, _denomination(tenant)),
        *vel.deadlines(case, tenant.timezone),
    )


@hookimpl
def querela_route_for_case(tenant: TenantView, case: CaseView) -> RouteSuggestion | None:
    """A conflicted Vos estis report: the next authority; safeguarding: the safeguarding team."""
    if not _known(tenant):
        return None
    return vel.conflict_route(case, _team(tenant, NEXT_AUTHORITY_TEAM)) or safeguarding.route(
        case, _team(tenant, SAFEGUARDING_TEAM)
    )


@hookimpl
def querela_register_risk_flags(tenant: TenantView, case: CaseView) -> Sequence[RiskFlag]:
    """Immediate danger (page); out of time; a conflicted report; the reporting duty (US)."""
    if not _known(tenant):
        return ()
    jurisdiction = _jurisdiction(tenant)
    found = [
        *safeguarding.flags(case, jurisdiction, _denomination(tenant)),
        *vel.flags(case, _team(tenant, NEXT_AUTHORITY_TEAM)),
    ]
    if jurisdiction == ENGLAND:
        late = clergy.out_of_time_flag(case, _conduct_measure_from(tenant))
        if late is not None:
            found.append(late)
    if jurisdiction == US and safeguarding.needs_reporting_notice(case):
        state = case.fields.get(US_STATE)
        notice = us.reporting_notice(state if isinstance(state, str) else None)
        found.append(safeguarding.mandated_reporter_flag(notice))
    return tuple(found)


@hookimpl
def querela_register_follow_up_tasks(tenant: TenantView, case: CaseView) -> Sequence[FollowUpTask]:
    """England: the signed record of a disclosure. Vos estis: status reports, the conclusion."""
    if not _known(tenant):
        return ()
    return (
        *safeguarding.follow_up_tasks(case, _jurisdiction(tenant), _denomination(tenant)),
        *vel.follow_up_tasks(case, tenant.timezone),
    )


@hookimpl
def querela_register_confidentiality_minimums(
    tenant: TenantView, case: CaseView
) -> Sequence[ConfidentialityMinimum]:
    """Safeguarding and Vos estis: sealed. England: a clergy conduct complaint is restricted."""
    if not _known(tenant):
        return ()
    jurisdiction = _jurisdiction(tenant)
    found = [*safeguarding.confidentiality(case, jurisdiction), *vel.confidentiality(case)]
    if jurisdiction == ENGLAND:
        found.extend(clergy.confidentiality(case))
    return tuple(found)


@hookimpl
def querela_register_excluded_staff(tenant: TenantView, case: CaseView) -> Sequence[StaffExclusion]:
    """Whoever the case is about (``accused_staff``) never handles or sees it."""
    email = accused_staff(case)
    if email is None or not _known(tenant):
        return ()
    reasons = {
        SAFEGUARDING: safeguarding.EXCLUSION_REASON,
        CLERGY_CONDUCT: clergy.EXCLUSION_REASON,
        VEL_REPORT: vel.EXCLUSION_REASON,
        COMPLAINT: COMPLAINT_EXCLUSION_REASON,
    }
    return (StaffExclusion(email=email, reason=reasons[concern_type(case)]),)


@hookimpl
def querela_register_retention_minimum(
    tenant: TenantView, case: CaseView
) -> RetentionMinimum | None:
    """Safeguarding concerns and Vos estis reports: kept the years the tenant sets, or for good."""
    if not _known(tenant) or not safeguarding.kept_long(case):
        return None
    years = _settings(tenant).get(RETENTION_YEARS)
    if isinstance(years, int) and not isinstance(years, bool) and years > 0:
        return RetentionMinimum(
            days=round(years * 365.25),
            reason=f"safeguarding record: kept {years} years after closing (the tenant's setting)",
        )
    return RetentionMinimum(
        days=None, reason="safeguarding record: kept for good until the organisation sets a period"
    )


@hookimpl
def querela_register_reports(tenant: TenantView) -> Sequence[ReportDefinition]:
    """Annual safeguarding statistics per diocese or province; serious incident drafts."""
    return reports.definitions(_jurisdiction(tenant))


@hookimpl
def querela_report_for_cases(
    tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
) -> ReportOutput | None:
    """The report ``code`` for the period in ``parameters``; None for another plugin's."""
    return reports.produce(code, cases, parameters, tenant.timezone)


@hookimpl
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:
    """Acknowledgements (safeguarding and Vos estis; England: clergy conduct), final response."""
    return letters.templates(_jurisdiction(tenant))


def _settings(tenant: TenantView) -> Any:
    return tenant.settings_for(PLUGIN_INFO.name)


def _jurisdiction(tenant: TenantView) -> str:
    return str(_settings(tenant).get("jurisdiction") or DEFAULT_JURISDICTION)


def _known(tenant: TenantView) -> bool:
    return _jurisdiction(tenant) in (ENGLAND, US)


def _denomination(tenant: TenantView) -> str:
    value = _settings(tenant).get("denomination")
    return value if value in DENOMINATIONS else DEFAULT_DENOMINATION


def _team(tenant: TenantView, setting: str) -> str:
    value = _settings(tenant).get(setting)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return DEFAULT_TEAMS[setting]


def _conduct_measure_from(tenant: TenantView) -> date | None:
    return date_field(_settings(tenant), "clergy_conduct_measure_from")
