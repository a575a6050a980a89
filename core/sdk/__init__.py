"""The Querela plugin SDK: the only part of Querela a plugin imports.

Everything here is a stable, versioned surface (see ``adr/0001-compatibility.md``):
names are only ever added within a major version of ``SDK_VERSION``.
"""

from core.sdk.calendar import (
    BusinessCalendar,
    add_calendar_days,
    add_months,
    add_weeks,
    require_zone,
)
from core.sdk.fields import (
    PERSONAL_DATA,
    choices_of,
    date_field,
    personal,
    ticked,
    translated,
    translated_field,
)
from core.sdk.markers import PROJECT, hookimpl
from core.sdk.reports import Counts, long_date, report_period
from core.sdk.values import (
    CONFIDENTIALITY_ORDER,
    AppealLevel,
    ConfidentialityLevel,
    ConfidentialityMinimum,
    DeadlineRule,
    FieldType,
    FollowUpTask,
    IntakeField,
    LetterTemplate,
    PluginInfo,
    ReportDefinition,
    ReportDue,
    ReportOutput,
    RequiredContent,
    RetentionMinimum,
    RiskFlag,
    RouteSuggestion,
    SettingField,
    StaffExclusion,
    TaxonomyEntry,
    ValidationIssue,
)
from core.sdk.views import (
    CaseView,
    DeadlineView,
    IntakeSubmission,
    LevelView,
    PartyView,
    TenantView,
)

#: Version of the SDK surface. A plugin states the major version it was built for.
SDK_VERSION = "1.0"

__all__ = [
    "CONFIDENTIALITY_ORDER",
    "PERSONAL_DATA",
    "PROJECT",
    "SDK_VERSION",
    "AppealLevel",
    "BusinessCalendar",
    "CaseView",
    "ConfidentialityLevel",
    "ConfidentialityMinimum",
    "Counts",
    "DeadlineRule",
    "DeadlineView",
    "FieldType",
    "FollowUpTask",
    "IntakeField",
    "IntakeSubmission",
    "LetterTemplate",
    "LevelView",
    "PartyView",
    "PluginInfo",
    "ReportDefinition",
    "ReportDue",
    "ReportOutput",
    "RequiredContent",
    "RetentionMinimum",
    "RiskFlag",
    "RouteSuggestion",
    "SettingField",
    "StaffExclusion",
    "TaxonomyEntry",
    "TenantView",
    "ValidationIssue",
    "add_calendar_days",
    "add_months",
    "add_weeks",
    "choices_of",
    "date_field",
    "hookimpl",
    "long_date",
    "personal",
    "report_period",
    "require_zone",
    "ticked",
    "translated",
    "translated_field",
]
