"""Insurance: complaints about policies, claims and premiums.

For UK tenants the plugin sets the FCA DISP 8-week final response of a case and
the wording a final response must carry (see ``deadlines.py`` and ``wording.py``).
Every tenant gets the regulator's taxonomy (``taxonomy.py``: DISP 1.10 products and
causes in the UK, NAIC functions and reasons in the US) and a form field naming the
member of staff a complaint is about, who then never handles it (``impartiality.py``).
The summary resolution window (DISP 1.5) is computed there too, but is not yet set
on cases: passing it is no breach, only the end of the short route, and the core
pages supervisors about every deadline that passes. US state rules arrive later.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import (
    CaseView,
    DeadlineRule,
    IntakeField,
    IntakeSubmission,
    LetterTemplate,
    PluginInfo,
    RequiredContent,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
    hookimpl,
)
from plugins.insurance import impartiality
from plugins.insurance.deadlines import final_response_due
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
    )


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """The DISP 8-week final response, for UK tenants."""
    if _jurisdiction(tenant) != "uk":
        return ()
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
        ),
    )


@hookimpl
def querela_register_required_content(
    tenant: TenantView, case: CaseView, response_kind: str
) -> Sequence[RequiredContent]:
    """The Ombudsman's name, website and time limit in every UK final response."""
    return required_content(_jurisdiction(tenant), response_kind)


@hookimpl
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:
    """An acknowledgement with the DISP timetable and a final response with the referral."""
    return TEMPLATES if _jurisdiction(tenant) == "uk" else ()


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """DISP 1.10 products and causes (UK), or NAIC functions and reason codes (US)."""
    return taxonomy(_jurisdiction(tenant))


@hookimpl
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:
    """Who the complaint is about, so that they never handle it (DISP 1.4.1R)."""
    return (impartiality.STAFF_FIELD,)


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


def _jurisdiction(tenant: TenantView) -> str:
    return str(tenant.settings_for(PLUGIN_INFO.name).get("jurisdiction", "uk"))
