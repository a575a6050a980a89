"""Every hook a Querela plugin can implement.

Three shapes, named by prefix:

- ``querela_register_*`` contribute things. Every enabled plugin is asked and
  all answers are collected (a list of lists, flattened by the core).
- ``querela_*_for_case`` decide. Plugins are asked in turn and the first answer
  that is not None wins.
- ``querela_on_*`` react to something that happened. Return values are ignored.

Every call is made for one tenant, to the plugins that tenant has enabled. Each
plugin's implementation runs on its own with a time limit: one that raises or
overruns is recorded (audit event, span, metric, a flag on the case) and left
out of the result; the case goes on without it. Hooks receive read-only views
(``core.sdk``) and return the value types of ``core.sdk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pluggy

from core.sdk import (
    AppealLevel,
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    FollowUpTask,
    IntakeField,
    IntakeSubmission,
    LetterTemplate,
    ReportDefinition,
    ReportOutput,
    RequiredContent,
    RetentionMinimum,
    RiskFlag,
    RouteSuggestion,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    TenantView,
    ValidationIssue,
)
from core.sdk.markers import PROJECT

hookspec = pluggy.HookspecMarker(PROJECT)

#: The sentence every "decide" hook's docstring carries.
FIRST_RESULT = "Stops at the first plugin that returns a value that is not None."

# -- settings --------------------------------------------------------------------------


@hookspec
def querela_register_settings() -> Sequence[SettingField]:  # type: ignore[empty-body]
    """The settings the plugin accepts from a tenant administrator.

    Fires: when the admin pages draw the plugin's settings form, and when a
    tenant administrator saves settings (which are checked against these fields).
    Arguments: none. Returns: the plugin's settings fields.
    Calling mode: collected per plugin; the core asks each plugin on its own.
    """


# -- taxonomy --------------------------------------------------------------------------


@hookspec
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:  # type: ignore[empty-body]
    """Categories, causes and product groupings cases of this tenant can be filed under.

    Fires: when intake forms are drawn and when a case's category is set.
    ``tenant``: the tenant, with its settings for the plugin (``settings_for``).
    Returns: taxonomy entries. Calling mode: all results are collected.
    """


# -- intake ----------------------------------------------------------------------------


@hookspec
def querela_register_intake_fields(tenant: TenantView) -> Sequence[IntakeField]:  # type: ignore[empty-body]
    """Extra fields the complaint form and the intake API ask for.

    Fires: when a complaint form is drawn and when a submission is checked.
    ``tenant``: the tenant. Returns: fields. Calling mode: all results are collected.
    """


@hookspec
def querela_register_intake_problems(  # type: ignore[empty-body]
    tenant: TenantView, submission: IntakeSubmission
) -> Sequence[ValidationIssue]:
    """What is wrong with a submission under the plugin's rules (none if it is fine).

    Fires: before a complaint is registered, on every channel. A problem stops
    the registration with a 400 naming the field.
    ``tenant``: the tenant. ``submission``: the complaint as submitted.
    Returns: problems. Calling mode: all results are collected.
    """


# -- deadlines -------------------------------------------------------------------------


@hookspec
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:  # type: ignore[empty-body]
    """The deadlines the plugin's rules set for a case (acknowledgement, response, ...).

    Fires: when a case is registered, and again when its category or channel
    changes. ``tenant``: the tenant. ``case``: the case.
    Returns: deadlines with their due times. Calling mode: all results are collected.
    """


@hookspec
def querela_register_answer_deadlines(  # type: ignore[empty-body]
    tenant: TenantView, case: CaseView
) -> Sequence[DeadlineRule]:
    """Deadlines that start when the case is answered, e.g. the time to go to an ombudsman.

    Fires: when the written answer of the case, or of one of its appeal levels, is
    sent (``case.answered_at`` and ``case.appeal_level`` say which). ``tenant``: the
    tenant. ``case``: the case as answered. Returns: deadlines with their due times
    (a kind the case already has is left as it is). Calling mode: all results are collected.
    """


# -- routing ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def querela_route_for_case(tenant: TenantView, case: CaseView) -> RouteSuggestion | None:
    """Which team should handle a case, if the plugin has a view.

    Fires: when a case is registered and none of the tenant's own routing rules
    matched it (the tenant admin's rules come first). ``tenant``: the tenant.
    ``case``: the case.
    Returns: a suggestion naming one of the tenant's teams by name, or None to
    leave it to others (then the case goes to the default queue).
    Calling mode: Stops at the first plugin that returns a value that is not None.
    """


# -- risk and confidentiality ----------------------------------------------------------


@hookspec
def querela_register_risk_flags(tenant: TenantView, case: CaseView) -> Sequence[RiskFlag]:  # type: ignore[empty-body]
    """Abnormal situations in a case (threat of harm, safeguarding, media, legal action).

    Fires: when a case is registered and when correspondence is added to it.
    ``tenant``: the tenant. ``case``: the case.
    Returns: flags; ``urgency="page"`` pages a supervisor at once.
    Calling mode: all results are collected.
    """


@hookspec
def querela_register_follow_up_tasks(  # type: ignore[empty-body]
    tenant: TenantView, case: CaseView
) -> Sequence[FollowUpTask]:
    """Work the plugin's rules ask for once a case is in, with when each is due.

    E.g. checks for retaliation at 30, 60 and 90 days after a grievance against
    staff (28 CFR 115.67(c)). Fires: when a case is registered. ``tenant``: the
    tenant. ``case``: the case. Returns: tasks, added to the case's investigation
    tasks with no owner (the case's handler takes them). Calling mode: all results
    are collected.
    """


@hookspec
def querela_register_retention_minimum(
    tenant: TenantView, case: CaseView
) -> RetentionMinimum | None:
    """How long the case must be kept after closing at least, if the plugin's rules say.

    E.g. a safeguarding concern kept for 75 years. Fires: when a case is registered.
    ``tenant``: the tenant. ``case``: the case. Returns: a minimum, or None. The
    longest of all plugins' minimums is kept with the case (None days: for good);
    the tenant's retention periods and the purge never go below it.
    Calling mode: all results are collected.
    """


@hookspec
def querela_register_confidentiality_minimums(  # type: ignore[empty-body]
    tenant: TenantView, case: CaseView
) -> Sequence[ConfidentialityMinimum]:
    """The lowest confidentiality level the plugin's rules allow for a case.

    Fires: when a case is registered and when its category changes. The case
    gets the highest level any plugin or person asks for.
    ``tenant``: the tenant. ``case``: the case.
    Returns: minimums with reasons. Calling mode: all results are collected.
    """


@hookspec
def querela_register_excluded_staff(tenant: TenantView, case: CaseView) -> Sequence[StaffExclusion]:  # type: ignore[empty-body]
    """Staff who must never handle or see a case (e.g. the officer a grievance names).

    Fires: when a case is registered and when its parties change.
    ``tenant``: the tenant. ``case``: the case.
    Returns: exclusions with reasons. Calling mode: all results are collected.
    """


# -- responses and letters -------------------------------------------------------------


@hookspec
def querela_register_required_content(  # type: ignore[empty-body]
    tenant: TenantView, case: CaseView, response_kind: str
) -> Sequence[RequiredContent]:
    """What a response of ``response_kind`` must contain before it may be sent.

    Fires: when a response is drafted and again before it is sent; sending is
    refused while a requirement is unmet. ``tenant``: the tenant. ``case``: the
    case. ``response_kind``: acknowledgement, holding, final, ...
    Returns: requirements. Calling mode: all results are collected.
    """


@hookspec
def querela_register_letter_templates(tenant: TenantView) -> Sequence[LetterTemplate]:  # type: ignore[empty-body]
    """Letter templates the plugin offers (tenants may copy and edit them).

    Fires: when templates are listed or a letter is composed.
    ``tenant``: the tenant. Returns: templates. Calling mode: all results are collected.
    """


# -- appeals ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def querela_appeal_levels_for_case(
    tenant: TenantView, case: CaseView
) -> Sequence[AppealLevel] | None:
    """The appeal ladder a case follows: its levels in order.

    Each level has its window, its deadline and the role that decides it.
    Fires: when an appeal is opened on a case (and when the case's options are shown).
    ``tenant``: the tenant. ``case``: the case. Returns: the levels (an empty
    sequence: no internal appeal), or None to leave it to the tenant's policy.
    Calling mode: Stops at the first plugin that returns a value that is not None.
    """


# -- reports ---------------------------------------------------------------------------


@hookspec
def querela_register_reports(tenant: TenantView) -> Sequence[ReportDefinition]:  # type: ignore[empty-body]
    """Reports the plugin can produce, e.g. a regulator's return.

    Fires: when the reports page is drawn. ``tenant``: the tenant.
    Returns: report definitions. Calling mode: all results are collected.
    """


@hookspec(firstresult=True)
def querela_report_for_cases(
    tenant: TenantView, code: str, cases: Sequence[CaseView], parameters: dict[str, Any]
) -> ReportOutput | None:
    """Produce report ``code`` over ``cases`` (already redacted for the audience).

    Fires: when someone runs a report. ``tenant``: the tenant. ``code``: which
    report. ``cases``: the cases in scope. ``parameters``: e.g. the period.
    Returns: the report, or None if ``code`` is not the plugin's.
    Calling mode: Stops at the first plugin that returns a value that is not None.
    """


# -- reactions -------------------------------------------------------------------------


@hookspec
def querela_on_case_registered(tenant: TenantView, case: CaseView) -> None:
    """A case was registered.

    Fires: right after the case, its deadlines and flags are written.
    ``tenant``: the tenant. ``case``: the new case.
    Returns: nothing. Calling mode: every plugin is told; results are ignored.
    """
