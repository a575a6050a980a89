"""What the tenant's plugins contribute when a case is registered.

Each hook goes through the plugin host, which isolates every plugin: a plugin
that raises, overruns or answers with the wrong type is left out and becomes a
``plugin_failure`` flag on the case plus an audit event. Nothing a plugin does
can stop a complaint from being registered, except a validation problem it
reports on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from core.audit import services as audit
from core.cases.tables import Case, CaseFlag, Deadline
from core.errors import InvalidInput
from core.ids import uuid7
from core.lifecycle.tables import CaseTask
from core.plugins.fieldvalues import checked_value
from core.plugins.host import (
    DUPLICATE_DEADLINE,
    HookFailure,
    HookOutcome,
    PluginHost,
    plugin_host,
)
from core.plugins.services import TenantPlugins, tenant_plugins
from core.sdk import (
    CONFIDENTIALITY_ORDER,
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    FollowUpTask,
    IntakeField,
    IntakeSubmission,
    RetentionMinimum,
    RiskFlag,
    TenantView,
    ValidationIssue,
)

T = TypeVar("T")
#: The channel of the public complaint form.
PUBLIC_CHANNEL = "web"


@dataclass(slots=True)
class Contributions:
    """The tenant's plugins, and the failures seen while consulting them for one case."""

    host: PluginHost
    plugins: TenantPlugins
    tenant: TenantView
    failures: list[HookFailure] = field(default_factory=list)

    @classmethod
    async def of_tenant(cls, host: PluginHost | None = None) -> Contributions:
        """The current tenant's enabled plugins on ``host`` (the process's, by default)."""
        host = host or plugin_host()
        plugins = await tenant_plugins(host)
        return cls(host=host, plugins=plugins, tenant=plugins.view())

    async def call(self, hook: str, **kwargs: Any) -> HookOutcome:
        """Call ``hook`` on the tenant's plugins; keep the failures for the case."""
        if not self.plugins.enabled:
            return HookOutcome()
        outcome = await self.host.call(hook, self.plugins.enabled, tenant=self.tenant, **kwargs)
        self.failures.extend(outcome.failures)
        return outcome

    def items(self, outcome: HookOutcome, hook: str, kind: type[T]) -> list[tuple[str, T]]:
        """The items plugins returned, dropping (and recording) answers of the wrong type."""
        good: list[tuple[str, T]] = []
        for name, value in outcome.results:
            values = value if isinstance(value, list | tuple) else [value]
            if all(isinstance(item, kind) for item in values):
                good.extend((name, item) for item in values)
            else:
                self.failures.append(HookFailure(name, hook, "error", "InvalidResult"))
        return good

    async def check_submission(self, submission: IntakeSubmission) -> dict[str, Any]:
        """Check intake field values and the plugins' rules; return the clean field values."""
        declared = self.items(
            await self.call("querela_register_intake_fields"),
            "querela_register_intake_fields",
            IntakeField,
        )
        clean = _checked_fields([spec for _, spec in declared], submission)
        problems = self.items(
            await self.call(
                "querela_register_intake_problems",
                submission=_with_fields(submission, clean),
            ),
            "querela_register_intake_problems",
            ValidationIssue,
        )
        if problems:
            issue = problems[0][1]
            raise InvalidInput(issue.field, issue.message)
        return clean

    async def changed_fields(
        self, current: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``current`` field values with ``changes`` checked and applied; None or "" clears one.

        Any field a plugin declares may be changed, those asked at intake and those
        staff record while handling the case (``at_intake`` false) alike.
        """
        declared = self.items(
            await self.call("querela_register_intake_fields"),
            "querela_register_intake_fields",
            IntakeField,
        )
        known = {spec.name: spec for _, spec in declared}
        merged = dict(current)
        for name, value in changes.items():
            spec = known.get(name)
            if spec is None:
                raise InvalidInput(f"fields.{name}", "is not a field of this organisation's cases")
            if value is None or value == "":
                merged.pop(name, None)
                continue
            merged[name] = checked_value(f"fields.{name}", spec.type, value, choices=spec.choices)
        return merged

    async def apply_to(self, case: CaseView) -> str:
        """Store deadlines and flags the plugins set for ``case``; return its confidentiality."""
        await self.add_deadlines(case, "querela_register_deadlines")
        await self.raise_flags(case)
        level = await self.raise_confidentiality(case)
        await self.add_tasks(case)
        await self.keep_at_least(case)
        await self.call("querela_on_case_registered", case=case)
        return level

    async def reconsider(self, case: CaseView) -> list[RiskFlag]:
        """Ask the plugins again after staff recorded facts on ``case``; the flags raised now.

        A flag already open on the case is not raised twice; confidentiality only rises.
        """
        raised = await self.raise_flags(case, only_new=True)
        await self.raise_confidentiality(case)
        return raised

    async def raise_flags(self, case: CaseView, *, only_new: bool = False) -> list[RiskFlag]:
        """Flag ``case`` with what the plugins see in it.

        ``only_new``: a flag already open is not raised again, and an open notice a
        plugin no longer raises is cleared (e.g. "out of time" once permission is
        recorded); a page stays until a person clears it.
        """
        hook = "querela_register_risk_flags"
        outcome = await self.call(hook, case=case)
        risks = self.items(outcome, hook, RiskFlag)
        open_now: set[tuple[str, str]] = set()
        if only_new:
            rows = await CaseFlag.select(
                CaseFlag.id, CaseFlag.source, CaseFlag.code, CaseFlag.urgency
            ).where(
                (CaseFlag.case_id == case.id)
                & (CaseFlag.kind == "risk")
                & CaseFlag.cleared_at.is_null()
            )
            open_now = {(row["source"], row["code"]) for row in rows}
            answered = {name for name, _ in outcome.results}
            still = {(source, risk.code) for source, risk in risks}
            for row in rows:
                gone = (row["source"], row["code"]) not in still
                if gone and row["urgency"] == "notice" and row["source"] in answered:
                    await CaseFlag.update({CaseFlag.cleared_at: datetime.now(UTC)}).where(
                        CaseFlag.id == row["id"]
                    )
                    await audit.record(
                        "case.flag_cleared",
                        actor=f"plugin:{row['source']}",
                        case_id=case.id,
                        detail={"code": row["code"], "why": "no longer raised"},
                    )
        raised: list[RiskFlag] = []
        for source, risk in risks:
            if (source, risk.code) in open_now:
                continue
            await self._flag(case.id, "risk", source, risk.code, risk.message, risk.urgency)
            await audit.record(
                "case.risk_flagged",
                actor=f"plugin:{source}",
                case_id=case.id,
                detail={"code": risk.code, "urgency": risk.urgency},
            )
            raised.append(risk)
        return raised

    async def raise_confidentiality(self, case: CaseView) -> str:
        """Raise ``case`` to the highest minimum its plugins set (and its floor with it)."""
        hook = "querela_register_confidentiality_minimums"
        minimums = self.items(await self.call(hook, case=case), hook, ConfidentialityMinimum)
        level = case.confidentiality
        for source, minimum in minimums:
            if CONFIDENTIALITY_ORDER.index(minimum.level) > CONFIDENTIALITY_ORDER.index(level):
                level = minimum.level
                await audit.record(
                    "case.confidentiality_raised",
                    actor=f"plugin:{source}",
                    case_id=case.id,
                    detail={"level": level, "reason": minimum.reason},
                )
        if level != case.confidentiality:
            await Case.update(
                {Case.confidentiality: level, Case.confidentiality_floor: level}
            ).where(Case.id == case.id)
        return level

    async def keep_at_least(self, case: CaseView) -> None:
        """Keep the longest retention minimum the plugins set on ``case`` with the case."""
        hook = "querela_register_retention_minimum"
        minimums = self.items(await self.call(hook, case=case), hook, RetentionMinimum)
        valid = [
            (source, m)
            for source, m in minimums
            if m.days is None or (isinstance(m.days, int) and m.days >= 0)
        ]
        if not valid:
            return
        source, longest = max(
            valid, key=lambda item: float("inf") if item[1].days is None else item[1].days
        )
        await Case.update(
            {
                Case.retention_floor_days: longest.days,
                Case.kept_for_good: longest.days is None,
                Case.retention_reason: longest.reason[:300],
            }
        ).where(Case.id == case.id)
        await audit.record(
            "case.retention_minimum",
            actor=f"plugin:{source}",
            case_id=case.id,
            detail={"days": longest.days, "reason": longest.reason[:300]},
        )

    async def add_tasks(self, case: CaseView) -> list[str]:
        """Add the follow-up tasks the plugins ask for on ``case``; return their titles.

        A task due without a time zone is a plugin failure and is left out.
        """
        hook = "querela_register_follow_up_tasks"
        added: list[str] = []
        for source, task in self.items(await self.call(hook, case=case), hook, FollowUpTask):
            title = task.title.strip()[:200]
            if task.due_at.tzinfo is None or not title:
                self.failures.append(HookFailure(source, hook, "error", "InvalidResult"))
                continue
            task_id = uuid7()
            await CaseTask.insert(
                CaseTask(
                    id=task_id,
                    tenant_id=self.tenant.id,
                    case_id=case.id,
                    title=title,
                    due_at=task.due_at.astimezone(UTC),
                    created_by=f"plugin:{source}",
                )
            )
            await audit.record(
                "case.task_added",
                actor=f"plugin:{source}",
                case_id=case.id,
                detail={"task": str(task_id), "citation": task.citation[:200]},
            )
            added.append(title)
        return added

    async def add_deadlines(self, case: CaseView, hook: str) -> list[str]:
        """Store the deadlines ``hook`` gives for ``case``; return the kinds added.

        A rule without a time zone, or a second rule of one kind, is a plugin
        failure; a kind the case already has is left as it is.
        """
        rules = self.items(await self.call(hook, case=case), hook, DeadlineRule)
        taken = {
            row["kind"]
            for row in await Deadline.select(Deadline.kind).where(Deadline.case_id == case.id)
        }
        seen: dict[str, str] = {}
        added: list[str] = []
        for source, rule in rules:
            if rule.kind in seen:
                # Two plugins that both set one deadline: the first is kept, and said so.
                clash = f"{DUPLICATE_DEADLINE}: {rule.kind[:60]} ({seen[rule.kind][:60]})"
                self.failures.append(HookFailure(source, hook, "error", clash))
                continue
            if rule.due_at.tzinfo is None:
                self.failures.append(HookFailure(source, hook, "error", "InvalidResult"))
                continue
            seen[rule.kind] = source
            if rule.kind in taken:
                continue
            await Deadline.insert(
                Deadline(
                    id=uuid7(),
                    tenant_id=self.tenant.id,
                    case_id=case.id,
                    kind=rule.kind,
                    label=rule.label,
                    due_at=rule.due_at.astimezone(UTC),
                    source=source,
                    citation=rule.citation,
                    counting=rule.counting,
                    pausable=rule.pausable,
                    watched=rule.watched,
                    met_by=[str(kind)[:40] for kind in rule.met_by],
                    level=case.appeal_level,
                    deemed_denial=bool(rule.deemed_denial),
                    max_extension_days=_limit(rule.max_extension_days),
                    max_extensions=_limit(rule.max_extensions),
                    met_by_fields=[str(name)[:60] for name in rule.met_by_fields],
                )
            )
            added.append(rule.kind)
        return added

    async def record_failures(self, case_id: UUID) -> None:
        """Flag the case and audit each plugin failure seen for it."""
        for failure in self.failures:
            await self._flag(
                case_id,
                "plugin_failure",
                failure.plugin,
                failure.hook,
                failure.describe(),
                "notice",
            )
            await audit.record(
                "plugin.failed",
                actor=f"plugin:{failure.plugin}",
                case_id=case_id,
                detail={"hook": failure.hook, "kind": failure.kind, "error": failure.error},
            )

    async def _flag(
        self, case_id: UUID, kind: str, source: str, code: str, message: str, urgency: str
    ) -> None:
        await CaseFlag.insert(
            CaseFlag(
                id=uuid7(),
                tenant_id=self.tenant.id,
                case_id=case_id,
                kind=kind,
                source=source,
                code=code,
                message=message,
                urgency=urgency,
                raised_at=datetime.now(UTC),
            )
        )


def _with_fields(submission: IntakeSubmission, fields: dict[str, Any]) -> IntakeSubmission:
    return IntakeSubmission(
        channel=submission.channel,
        subject=submission.subject,
        description=submission.description,
        category=submission.category,
        severity=submission.severity,
        language=submission.language,
        received_at=submission.received_at,
        fields=fields,
    )


def _checked_fields(specs: Sequence[IntakeField], submission: IntakeSubmission) -> dict[str, Any]:
    known = {spec.name: spec for spec in specs}
    for name in submission.fields:
        if name not in known:
            raise InvalidInput(f"fields.{name}", "is not a field of this organisation's form")
    clean: dict[str, Any] = {}
    for spec in specs:
        applies = not spec.channels or submission.channel in spec.channels
        value = submission.fields.get(spec.name)
        if value is None or value == "":
            if spec.required and applies and spec.at_intake:
                raise InvalidInput(f"fields.{spec.name}", "is required")
            continue
        # The public form sets only what it asks: it must not name the member of staff to
        # keep off a case, nor record what staff record. Staff, who enter what arrives by
        # any channel, may record a field on a channel that does not ask it.
        if submission.channel == PUBLIC_CHANNEL and not (applies and spec.at_intake):
            raise InvalidInput(f"fields.{spec.name}", "is not asked on the public form")
        clean[spec.name] = checked_value(
            f"fields.{spec.name}", spec.type, value, choices=spec.choices
        )
    return clean


def _limit(value: object) -> int | None:
    """A plugin's extension limit as stored: a whole number from 0, else no limit."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
