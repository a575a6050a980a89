"""What hooks return. Frozen dataclasses: the core copies nothing it cannot trust."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from core.sdk.calendar import BusinessCalendar

ConfidentialityLevel = Literal["standard", "restricted", "sealed"]
#: Order of the levels, lowest first.
CONFIDENTIALITY_ORDER: tuple[ConfidentialityLevel, ...] = ("standard", "restricted", "sealed")


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """Who a plugin is. Every plugin module or object sets ``PLUGIN_INFO`` to one."""

    name: str
    version: str
    description: str
    #: Sector the plugin serves, if any (insurance, healthcare, prisons, religious).
    sector: str | None = None


#: ``multichoice``: any number of distinct choices, a list (intake and case fields only),
#: e.g. the several aspects of one complaint.
FieldType = Literal["string", "text", "boolean", "integer", "date", "choice", "multichoice"]


@dataclass(frozen=True, slots=True)
class SettingField:
    """One setting of a plugin, from which the admin form is drawn and input is checked."""

    name: str
    type: FieldType
    label: str
    help: str = ""
    required: bool = False
    default: Any = None
    choices: Sequence[str] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class TaxonomyEntry:
    """A category, cause or product grouping a case can be filed under."""

    code: str
    label: str
    #: category | cause | product | any term the plugin's reports use
    kind: str = "category"
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class IntakeField:
    """An extra field on the complaint form and the intake API."""

    name: str
    type: FieldType
    label: str
    help: str = ""
    required: bool = False
    choices: Sequence[str] = ()
    #: Channels that show the field; empty means all.
    channels: Sequence[str] = ()
    #: Personal or health data: kept out of logs and audit details.
    sensitive: bool = False
    #: ``label`` in other languages, by language code: ``{"de": "Häftlingsnummer"}``.
    labels: Mapping[str, str] = field(default_factory=dict)
    #: ``help`` in other languages, by language code.
    helps: Mapping[str, str] = field(default_factory=dict)
    #: What each choice says, by language code then choice: ``{"en": {"n": "North wing"}}``;
    #: a choice without one shows its code.
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: False: not asked when the complaint comes in; staff record it while handling the
    #: case (``PATCH /cases/{key}`` with ``fields``), e.g. a root cause or redress paid.
    at_intake: bool = True

    def label_in(self, language: str) -> str:
        """The label in ``language``, else the plugin's own."""
        return self.labels.get(language) or self.label

    def help_in(self, language: str) -> str:
        """The help text in ``language``, else the plugin's own."""
        return self.helps.get(language) or self.help

    def choice_in(self, choice: str, language: str) -> str:
        """What ``choice`` says in ``language``, else in English, else its code."""
        for words in (self.choice_labels.get(language), self.choice_labels.get("en")):
            if words and words.get(choice):
                return words[choice]
        return choice


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """Why a submission cannot be registered as it is."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A deadline a case must meet, computed by the plugin that knows the rule."""

    kind: str
    label: str
    due_at: datetime
    #: Where the rule comes from, e.g. "FCA DISP 1.6.2R".
    citation: str = ""
    #: How the time is counted, for people: "8 weeks", "3 business days (England)".
    counting: str = ""
    #: Whether stopping the clock (waiting for the complainant) moves it.
    pausable: bool = True
    #: Whether staff are reminded before it and supervisors paged when it passes unmet.
    #: False for a window that is an opportunity or the complainant's own (a summary
    #: resolution window, the time to go to an ombudsman): shown, never chased.
    watched: bool = True
    #: Kinds of letter whose sending meets it, when one goes out before it is due: a
    #: summary resolution window is met by the final response ("final_response"), an
    #: 8-week limit also by a holding response ("holding_response").
    met_by: Sequence[str] = ()
    #: No answer by the due time may be taken as a denial at the case's level (28 CFR
    #: 542.18, 115.52(d)(4)): once it has passed unmet, the complainant may appeal to the
    #: next level as if answered, the window counted from the due time.
    deemed_denial: bool = False
    #: The most days it may be extended by in all (None: no limit), e.g. 70 for a PREA
    #: decision (115.52(d)(3)); time on hold does not count.
    max_extension_days: int | None = None
    #: How many times it may be extended (None: no limit), e.g. once under 542.18.
    max_extensions: int | None = None
    #: Fields whose recording meets it, when no letter does: e.g. the date a referral
    #: to the police was made (``referred_statutory_on``).
    met_by_fields: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class AppealLevel:
    """One rung of the appeal ladder a case climbs after its decision.

    The window runs from the last answer the complainant was sent; the level's
    own deadline runs from the day the appeal is opened. Business days are
    counted on ``calendar`` (required when ``counting`` is "business").
    """

    name: str
    window_days: int
    response_days: int
    counting: Literal["calendar", "business"] = "calendar"
    calendar: BusinessCalendar | None = None
    #: The role of the person who decides this level, e.g. "supervisor".
    handler_role: str = "supervisor"
    citation: str = ""
    #: No decision by the level's due time may be taken as a denial at this level: the
    #: next level may then be appealed to, its window counted from that due time.
    deemed_denial: bool = False
    #: Limits on extending the level's deadline, as ``DeadlineRule``'s (None: none).
    max_extension_days: int | None = None
    max_extensions: int | None = None


@dataclass(frozen=True, slots=True)
class RouteSuggestion:
    """Where a plugin thinks a case should go."""

    team: str
    reason: str
    assignee_email: str | None = None


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """Something abnormal about a case that a supervisor must see at once."""

    code: str
    message: str
    #: page: tell a supervisor now; notice: show on the case
    urgency: Literal["page", "notice"] = "page"


@dataclass(frozen=True, slots=True)
class RetentionMinimum:
    """How long a case must be kept after it is closed, at least, whatever the tenant's period.

    E.g. safeguarding records, which churches keep for decades. ``days`` None: for good.
    """

    days: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class FollowUpTask:
    """Work a rule asks for on a case after it is registered, e.g. a retaliation check."""

    title: str
    due_at: datetime
    #: Where the rule comes from, e.g. "28 CFR 115.67(c)".
    citation: str = ""


@dataclass(frozen=True, slots=True)
class StaffExclusion:
    """A member of staff who must never handle or see the case, and why."""

    email: str
    reason: str


@dataclass(frozen=True, slots=True)
class ConfidentialityMinimum:
    """The lowest confidentiality level a case may have, and why."""

    level: ConfidentialityLevel
    reason: str


@dataclass(frozen=True, slots=True)
class RequiredContent:
    """Something a response must contain before it may be sent."""

    code: str
    description: str
    #: Text that satisfies the requirement when it appears in the response.
    phrases: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    """A letter the plugin offers (acknowledgement, final response, ...)."""

    code: str
    kind: str
    language: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class ReportDue:
    """When the report for one period is due, e.g. a regulator's half-yearly return."""

    period_start: date
    period_end: date
    due_on: date
    #: What is due, for people: "DISP 1.10 return, 1 Jul - 31 Dec 2026".
    label: str = ""


@dataclass(frozen=True, slots=True)
class ReportDefinition:
    """A report a plugin can produce, e.g. a regulatory return."""

    code: str
    title: str
    description: str = ""
    #: Formats the core serves it in: the table as ``json`` and ``csv``, drawn as ``pdf``.
    formats: Sequence[str] = ("json", "csv", "pdf")
    #: The coming periods it is due for, soonest first; shown to the tenant's admins.
    due: Sequence[ReportDue] = ()
    #: Where the rule comes from, e.g. "FCA DISP 1.10".
    citation: str = ""
    #: The report lists each case's complainant by name, as a register the rule requires
    #: by name does (e.g. 42 CFR 438.416(b)(6)). The report's case views then carry the
    #: complainant (no one else) as a party, the name withheld for an anonymous or
    #: protected one, and every read of a restricted or sealed case's name is audited.
    complainant_names: bool = False


@dataclass(frozen=True, slots=True)
class ReportOutput:
    """A produced report: a table of rows, and optionally rendered files."""

    code: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    files: dict[str, bytes] = field(default_factory=dict)
    #: Heading of the readable (PDF) form, e.g. "Complaints return (DISP 1.10)".
    title: str = ""
    #: Lines printed under the table: which version of the return, how it was counted.
    notes: Sequence[str] = ()
    #: Set when the report cannot be made for the parameters given, saying why (e.g.
    #: "1 Mar - 31 Aug 2027 is not a reporting period"); the caller gets it as the error.
    problem: str = ""
