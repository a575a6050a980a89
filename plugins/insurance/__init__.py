"""Insurance: complaints about policies, claims and premiums.

For UK tenants the plugin sets the deadlines of FCA DISP on a case: the 8-week
final response, the summary resolution window (DISP 1.5, shown but never chased:
passing it is no breach, only the end of the short route) and, once the case is
answered, the complainant's six months to go to the Financial Ombudsman Service
(``deadlines.py``). It names what a final response, holding response or summary
resolution communication must say and offers letters that say it (``wording.py``),
and produces the FCA complaints return (``returns.py``).

For US tenants it produces the complaint register of the NAIC model as Connecticut
prescribes it (``register.py``); state response deadlines arrive later.

Every tenant gets the regulator's taxonomy (``taxonomy.py``), the fields staff
record while handling a case for those reports (``handling.py``), and a form field
naming the member of staff a complaint is about, who then never handles it
(``impartiality.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.sdk import (
    CaseView,
    DeadlineRule,
    IntakeField,
    IntakeSubmission,
    LetterTemplate,
    PluginInfo,
    ReportDefinition,
    ReportOutput,
    RequiredContent,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
    hookimpl,
)
from plugins.insurance import impartiality, payments, register, returns
from plugins.insurance.deadlines import (
    ENGLAND_AND_WALES,
    LONDON,
    final_response_due,
    fos_referral_due,
    src_due,
)
from plugins.insurance.handling import handling_fields
from plugins.insurance.taxonomy import taxonomy
from plugins.insurance.wording import TEMPLATES, required_content

PLUGIN_INFO = PluginInfo(
    name="insurance",
    version="0.1.0",
    description="Complaint rules for insurers: DISP deadlines (UK), state rules (US).",
    sector="insurance",
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply, and how out-of-hours receipt counts."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose complaint-handling rules the organisation follows.",
            required=True,
            default="uk",
            choices=("uk", "us"),
        ),
        SettingField(
            name="out_of_hours_receipt_next_business_day",
            type="boolean",
            label="Count out-of-hours complaints as received on the next business day",
            help="When on, a complaint arriving after close of business or on a"
            " non-business day is treated as received on the next business day.",
            default=False,
        ),
        SettingField(
            name="accounting_reference_date",
            type="string",
            label="Accounting reference date (MM-DD)",
            help="The day the firm's financial year ends, e.g. 12-31. Until the end of 2026 the"
            " FCA complaints return covers the half years ending on it; from 2027 the periods"
            " are fixed. Left empty, or not a day of the year: 12-31.",
        ),
    )


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """The DISP 8-week final response and summary resolution window, for UK tenants."""
    if _jurisdiction(tenant) != "uk":
        return ()
    out_of_hours = _out_of_hours(tenant)
    window = DeadlineRule(
        kind="summary_resolution",
        label="Summary resolution window (resolved by close of business on the 3rd business day)",
        due_at=src_due(case.received_at, ENGLAND_AND_WALES, out_of_hours),
        citation="FCA DISP 1.5",
        counting="close of business (17:00 London) on the 3rd business day after the day"
        " of receipt, England and Wales"
        + ("; out-of-hours receipt counts from the next business day" if out_of_hours else ""),
        pausable=False,
        # A route the firm may take, not a limit it must meet: shown, never chased.
        watched=False,
        # Answering in time, with a summary resolution communication or a final
        # response, uses the route.
        met_by=("summary_resolution", "final_response"),
    )
    if payments.is_payment_service(case):
        return (*payments.deadlines(case), window)
    return (
        DeadlineRule(
            # The core's own kind, so this rule replaces the organisation's generic one
            # and is marked met when the final response is sent.
            kind="final_response",
            label="Send the final response (or a holding response)",
            due_at=final_response_due(case.received_at),
            citation="FCA DISP 1.6.2R",
            counting="end of the day 8 weeks after receipt (London)",
            # DISP has no clock stop: waiting for the complainant does not move the limit.
            pausable=False,
            # DISP 1.6.2R asks for a final response or a holding response by then.
            met_by=("final_response", "holding_response"),
        ),
        window,
    )


@hookimpl
def querela_register_answer_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """The complainant's six months to refer to the Financial Ombudsman Service (DISP 2.8.2R)."""
    if _jurisdiction(tenant) != "uk" or case.appeal_level != 0 or case.answered_at is None:
        return ()
    return (
        DeadlineRule(
            kind="fos_referral",
            label="The complainant may refer the complaint to the Financial Ombudsman Service"
            " until",
            due_at=fos_referral_due(case.answered_at),
            citation="FCA DISP 2.8.2R",
            counting="6 months after the final response (month end clamps)",
            pausable=False,
            # The complainant's window, not the firm's: nothing to chase.
            watched=False,
        ),
    )


@hookimpl
def querela_register_required_content(
    tenant: TenantView, case: CaseView, response_kind: str
) -> Sequence[RequiredContent]:
    """The Ombudsman's name, website and time limit in a UK final, holding or SRC letter."""
    return required_content(_jurisdiction(tenant), response_kind)


@hookimpl
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:
    """DISP letters: acknowledgement, final and holding response, summary resolution."""
    return TEMPLATES if _jurisdiction(tenant) == "uk" else ()


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """DISP 1.10 products and causes (UK), or NAIC functions and reason codes (US)."""
    return taxonomy(_jurisdiction(tenant))


@hookimpl
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:
    """Who the complaint is about, whether it concerns a payment service, what staff record.

    The member of staff it names never handles it (DISP 1.4.1R); a payment service
    complaint runs on 15 business days (UK, DISP 1.6.2AR); the facts the regulator's
    return or register counts are recorded while handling the case.
    """
    jurisdiction = _jurisdiction(tenant)
    payment = (payments.PAYMENT_FIELD,) if jurisdiction == "uk" else ()
    return (impartiality.STAFF_FIELD, *payment, *handling_fields(jurisdiction))


@hookimpl
def querela_register_intake_problems(
    tenant: TenantView, submission: IntakeSubmission
) -> Sequence[ValidationIssue]:
    """A named member of staff must be given by e-mail address."""
    return impartiality.problems(submission)


@hookimpl
def querela_register_excluded_staff(tenant: TenantView, case: CaseView) -> Sequence[StaffExclusion]:
    """The member of staff the complaint is about (DISP 1.4.1R)."""
    return impartiality.exclusions(_jurisdiction(tenant), case)


@hookimpl
def querela_register_reports(tenant: TenantView) -> Sequence[ReportDefinition]:
    """The FCA complaints return (UK), or the complaint register (US)."""
    jurisdiction = _jurisdiction(tenant)
    if jurisdiction == "uk":
        today = datetime.now(LONDON).date()
        return (returns.definition(today, _accounting_reference_date(tenant)),)
    if jurisdiction == "us":
        return (register.definition(),)
    return ()


@hookimpl
def querela_report_for_cases(
    tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
) -> ReportOutput | None:
    """The return or register for the period in ``parameters``; None for other reports.

    A period the report cannot cover (e.g. a 2027 period of the FCA return that is
    not a fixed half year) comes back as the output's ``problem``, in words.
    """
    jurisdiction = _jurisdiction(tenant)
    try:
        if code == returns.CODE and jurisdiction == "uk":
            return returns.report(cases, parameters, out_of_hours=_out_of_hours(tenant))
        if code == register.CODE and jurisdiction == "us":
            return register.report(cases, parameters, tenant.timezone)
    except ValueError as refused:
        return ReportOutput(code=code, columns=(), rows=(), problem=str(refused))
    return None


def _jurisdiction(tenant: TenantView) -> str:
    return str(tenant.settings_for(PLUGIN_INFO.name).get("jurisdiction", "uk"))


def _out_of_hours(tenant: TenantView) -> bool:
    return bool(
        tenant.settings_for(PLUGIN_INFO.name).get("out_of_hours_receipt_next_business_day", False)
    )


def _accounting_reference_date(tenant: TenantView) -> str:
    value = tenant.settings_for(PLUGIN_INFO.name).get("accounting_reference_date")
    return returns.accounting_reference_date(value)
