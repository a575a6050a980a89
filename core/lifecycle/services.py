"""Every step of a case after intake.

Each step is one service call in the caller's tenant transaction: it locks the
case, checks the state machine and the roles, makes the change and writes the
audit event, or changes nothing at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from asyncpg import UniqueViolationError

from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.tables import StaffMember
from core.cases.services import find_case_id
from core.cases.tables import Case, Correspondence, Party
from core.db.engine import DB
from core.db.rows import as_structs
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.ids import uuid7
from core.letters.services import compose
from core.lifecycle.machine import TRANSITIONS, allowed_actions, check
from core.lifecycle.schemas import (
    ActionIn,
    AppealOut,
    CaseFile,
    CaseState,
    DecisionOut,
    RecordIn,
    RecordOut,
    SurveyIn,
    TaskIn,
    TaskOut,
)
from core.lifecycle.tables import CaseAppeal, CaseDecision, CaseRecord, CaseSurvey, CaseTask
from core.mail.outbox import queue_email
from core.tenancy.context import current_tenant

#: How long after a response an appeal may be opened (until plugins set their own).
APPEAL_WINDOW = timedelta(days=60)
#: How many appeal levels a case may go through.
APPEAL_LEVELS = 2


class NotPermitted(Forbidden):
    """The person may not take this action on this case."""


async def perform(key: str, action: str, data: ActionIn, principal: Principal) -> CaseState:
    """Take ``action`` on the case ``key``: the one door every status change goes through."""
    case = await _lock(key)
    transition = check(action, case["status"])
    if not principal.holds(*transition.roles):
        raise NotPermitted(
            f"{action.replace('_', ' ')} needs one of: {', '.join(transition.roles)}"
        )
    detail: dict[str, Any] = {"from": case["status"]}
    changes: dict[Any, Any] = {}
    step = _STEPS.get(action)
    if step is not None:
        detail.update(await step(case, data, principal, changes))
    target = transition.target
    if target is None:
        target = case["status_before_pause"] or "investigating"
        changes[Case.status_before_pause] = None
    elif target in ("on_hold", "escalated"):
        changes[Case.status_before_pause] = case["status"]
    changes[Case.status] = target
    changes[Case.version] = case["version"] + 1
    changes[Case.updated_at] = datetime.now(UTC)
    await Case.update(changes).where(Case.id == case["id"])
    detail["to"] = target
    await audit.record(f"case.{action}", actor=principal.actor, case_id=case["id"], detail=detail)
    return await case_state(case["id"])


async def case_state(case_id: UUID) -> CaseState:
    """The case's status and what can be done with it now."""
    row = (
        await Case.select(Case.id, Case.reference, Case.status, Case.appeal_level, Case.version)
        .where(Case.id == case_id)
        .first()
    )
    if row is None:
        raise NotFound("no such case")
    return CaseState(**row, allowed_actions=allowed_actions(row["status"]))


# -- the work done by particular actions --------------------------------------------------


async def _acknowledge(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    letter = await _letter("acknowledgement", case, {})
    channel = await _send(case, letter.kind, letter.subject, letter.body, principal)
    return {"letter": letter.kind, "language": letter.language, "channel": channel}


async def _propose(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    if data.outcome is None:
        raise InvalidInput("outcome", "is required to propose a decision")
    await CaseDecision.insert(
        CaseDecision(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case["id"],
            level=case["appeal_level"],
            outcome=data.outcome,
            redress=data.redress,
            actions=data.actions,
            root_cause=data.root_cause,
            measures=data.measures,
            state="proposed",
            proposed_by=principal.actor,
            proposed_at=datetime.now(UTC),
        )
    )
    return {"outcome": data.outcome, "level": case["appeal_level"]}


Step = Callable[[dict[str, Any], ActionIn, Principal, dict[Any, Any]], Awaitable[dict[str, Any]]]


def _review(state: str) -> Step:
    async def review(
        case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
    ) -> dict[str, Any]:
        decision = await _pending_decision(case)
        if decision["proposed_by"] == principal.actor:
            raise NotPermitted("the person who proposed a decision cannot also review it")
        if state == "returned" and not (data.comment and data.comment.strip()):
            raise InvalidInput("comment", "say why the decision goes back")
        await CaseDecision.update(
            {
                CaseDecision.state: state,
                CaseDecision.reviewed_by: principal.actor,
                CaseDecision.reviewed_at: datetime.now(UTC),
                CaseDecision.review_comment: data.comment,
            }
        ).where(CaseDecision.id == decision["id"])
        return {"decision": str(decision["id"]), "review": state}

    return review


async def _respond(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    if not (data.response and data.response.strip()):
        raise InvalidInput("response", "the written answer is required")
    decision = (
        await CaseDecision.select()
        .where(
            (CaseDecision.case_id == case["id"])
            & (CaseDecision.level == case["appeal_level"])
            & (CaseDecision.state == "approved")
        )
        .order_by(CaseDecision.reviewed_at, ascending=False)
        .first()
    )
    if decision is None:
        raise Conflict("no approved decision to answer with")
    kind = "appeal_response" if case["appeal_level"] else "final_response"
    letter = await _letter(
        kind,
        case,
        {
            "outcome": decision["outcome"].replace("_", " "),
            "redress": decision["redress"],
            "actions": decision["actions"],
            "response": data.response.strip(),
            "appeal_level": case["appeal_level"],
        },
    )
    channel = await _send(case, letter.kind, letter.subject, letter.body, principal)
    if case["appeal_level"]:
        await CaseAppeal.update({CaseAppeal.decided_at: datetime.now(UTC)}).where(
            (CaseAppeal.case_id == case["id"]) & (CaseAppeal.level == case["appeal_level"])
        )
    return {"letter": kind, "outcome": decision["outcome"], "channel": channel}


async def _close(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    changes[Case.closed_at] = datetime.now(UTC)
    return {}


async def _open_appeal(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    if not (data.reason and data.reason.strip()):
        raise InvalidInput("reason", "an appeal needs its grounds")
    level = case["appeal_level"] + 1
    if level > APPEAL_LEVELS:
        raise Conflict(f"this case has been through all {APPEAL_LEVELS} appeal levels")
    last_answer = (
        await Correspondence.select(Correspondence.occurred_at)
        .where((Correspondence.case_id == case["id"]) & (Correspondence.direction == "outbound"))
        .order_by(Correspondence.occurred_at, ascending=False)
        .first()
    )
    now = datetime.now(UTC)
    if last_answer and now - last_answer["occurred_at"] > APPEAL_WINDOW:
        raise Conflict(f"the appeal window of {APPEAL_WINDOW.days} days has passed")
    await CaseAppeal.insert(
        CaseAppeal(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case["id"],
            level=level,
            reason=data.reason.strip(),
            opened_by=principal.actor,
            opened_at=now,
            due_at=now + timedelta(weeks=8),
        )
    )
    changes[Case.appeal_level] = level
    changes[Case.closed_at] = None
    return {"level": level}


async def _needs_reason(
    case: dict[str, Any], data: ActionIn, principal: Principal, changes: dict[Any, Any]
) -> dict[str, Any]:
    if not (data.reason and data.reason.strip()):
        raise InvalidInput("reason", "is required for this action")
    return {}


_STEPS: dict[str, Step] = {
    "acknowledge": _acknowledge,
    "return_decision": _review("returned"),
    "approve_decision": _review("approved"),
    "propose_decision": _propose,
    "respond": _respond,
    "close": _close,
    "open_appeal": _open_appeal,
    "put_on_hold": _needs_reason,
    "escalate": _needs_reason,
    "withdraw": _needs_reason,
    "reopen": _needs_reason,
}


# -- investigation records ------------------------------------------------------------


async def add_task(key: str, task: TaskIn, principal: Principal) -> TaskOut:
    """Add an investigation task, optionally owned by a staff member."""
    case = await _lock(key)
    _require_open(case)
    owner = None
    if task.owner_email:
        rows = await StaffMember.raw(
            "SELECT id FROM staff_member WHERE lower(email) = lower({}) AND active",
            task.owner_email,
        )
        if not rows:
            raise InvalidInput("owner_email", "is not an active staff member of this organisation")
        owner = rows[0]["id"]
    if task.due_at is not None and task.due_at.tzinfo is None:
        raise InvalidInput("due_at", "needs a time zone")
    task_id = uuid7()
    await CaseTask.insert(
        CaseTask(
            id=task_id,
            tenant_id=current_tenant().id,
            case_id=case["id"],
            title=task.title.strip(),
            owner_staff_id=owner,
            due_at=task.due_at,
            created_by=principal.actor,
        )
    )
    await audit.record(
        "case.task_added", actor=principal.actor, case_id=case["id"], detail={"task": str(task_id)}
    )
    return (await _tasks(case["id"]))[-1]


async def complete_task(key: str, task_id: UUID, principal: Principal) -> TaskOut:
    """Mark a task done."""
    case = await _lock(key)
    done = (
        await CaseTask.update({CaseTask.done_at: datetime.now(UTC)})
        .where(
            (CaseTask.id == task_id) & (CaseTask.case_id == case["id"]) & CaseTask.done_at.is_null()
        )
        .returning(CaseTask.id)
    )
    if not done:
        raise NotFound("no open task with that id on this case")
    await audit.record(
        "case.task_done", actor=principal.actor, case_id=case["id"], detail={"task": str(task_id)}
    )
    return next(t for t in await _tasks(case["id"]) if t.id == task_id)


async def add_record(key: str, record: RecordIn, principal: Principal) -> RecordOut:
    """Add an interview record, witness statement, internal note or evidence item."""
    case = await _lock(key)
    _require_open(case)
    if record.kind in ("interview", "statement") and not record.person:
        raise InvalidInput("person", "say who was interviewed or gave the statement")
    if record.kind == "evidence" and not record.sha256:
        raise InvalidInput("sha256", "evidence is recorded with the SHA-256 of its content")
    record_id = uuid7()
    await CaseRecord.insert(
        CaseRecord(
            id=record_id,
            tenant_id=current_tenant().id,
            case_id=case["id"],
            kind=record.kind,
            title=record.title.strip(),
            body=record.body,
            person=record.person,
            visibility=record.visibility,
            sha256=record.sha256,
            created_by=principal.actor,
        )
    )
    await audit.record(
        "case.record_added",
        actor=principal.actor,
        case_id=case["id"],
        detail={"kind": record.kind, "record": str(record_id), "visibility": record.visibility},
    )
    return next(r for r in await _records(case["id"]) if r.id == record_id)


async def answer_survey(case_id: UUID, survey: SurveyIn, *, actor: str) -> None:
    """Record the complainant's satisfaction; once per case, only after it is closed."""
    case = await Case.select(Case.status).where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    if case["status"] != "closed":
        raise Conflict("the survey opens when the case is closed")
    transaction = DB.current_transaction.get()
    assert transaction is not None
    try:
        async with transaction.connection.transaction():  # a savepoint: a repeat must not abort
            await CaseSurvey.insert(
                CaseSurvey(
                    id=uuid7(),
                    tenant_id=current_tenant().id,
                    case_id=case_id,
                    score=survey.score,
                    comment=survey.comment,
                )
            )
    except UniqueViolationError:
        raise Conflict("this case's survey has been answered already") from None
    await audit.record("case.survey_answered", actor=actor, case_id=case_id, detail={})


async def case_file(key: str) -> CaseFile:
    """The investigation file: tasks, records, decisions, appeals, survey."""
    case_id = await find_case_id(key)
    decisions = (
        await CaseDecision.select()
        .where(CaseDecision.case_id == case_id)
        .order_by(CaseDecision.proposed_at)
    )
    appeals = (
        await CaseAppeal.select().where(CaseAppeal.case_id == case_id).order_by(CaseAppeal.level)
    )
    survey = await CaseSurvey.select(CaseSurvey.score).where(CaseSurvey.case_id == case_id).first()
    return CaseFile(
        state=await case_state(case_id),
        tasks=await _tasks(case_id),
        records=await _records(case_id),
        decisions=as_structs(DecisionOut, decisions),
        appeals=as_structs(AppealOut, appeals),
        survey_score=survey["score"] if survey else None,
    )


# -- helpers ----------------------------------------------------------------------------


async def _lock(key: str) -> dict[str, Any]:
    case_id = await find_case_id(key)
    rows = await Case.raw("SELECT * FROM cases WHERE id = {} FOR UPDATE", case_id)
    if not rows:
        raise NotFound("no such case")
    row: dict[str, Any] = rows[0]
    return row


def _require_open(case: dict[str, Any]) -> None:
    if case["status"] in ("closed", "withdrawn"):
        raise Conflict(f"the case is {case['status']}; reopen it first")


async def _pending_decision(case: dict[str, Any]) -> dict[str, Any]:
    decision = (
        await CaseDecision.select()
        .where(
            (CaseDecision.case_id == case["id"])
            & (CaseDecision.level == case["appeal_level"])
            & (CaseDecision.state == "proposed")
        )
        .order_by(CaseDecision.proposed_at, ascending=False)
        .first()
    )
    if decision is None:
        raise Conflict("there is no proposed decision to review")
    result: dict[str, Any] = decision
    return result


async def _letter(kind: str, case: dict[str, Any], extra: dict[str, Any]) -> Any:
    complainant = (
        await Party.select(Party.display_name, Party.anonymous)
        .where((Party.case_id == case["id"]) & (Party.role == "complainant"))
        .first()
    )
    name = "complainant"
    if complainant and complainant["display_name"] and not complainant["anonymous"]:
        name = complainant["display_name"]
    tenant = current_tenant()
    received = case["received_at"].astimezone(tenant.zone).date().isoformat()
    return await compose(
        kind,
        case["language"],
        {
            "reference": case["reference"],
            "organisation": tenant.name,
            "complainant": name,
            "received_date": received,
            "subject": case["subject"],
            **extra,
        },
    )


async def _send(
    case: dict[str, Any], kind: str, subject: str, body: str, principal: Principal
) -> str:
    """E-mail the letter when the complainant gave an address, else record it for the post.

    The e-mail goes through the outbox in this transaction, which also records it
    as correspondence; a letter for the post is recorded here.
    """
    party = (
        await Party.select(Party.email)
        .where((Party.case_id == case["id"]) & (Party.role == "complainant"))
        .first()
    )
    if party and party["email"]:
        await queue_email(
            kind=kind,
            to=party["email"],
            subject=subject,
            body=body,
            actor=principal.actor,
            case_id=case["id"],
        )
        return "email"
    await _outbound(case, subject, body)
    return "letter"


async def _outbound(case: dict[str, Any], subject: str, body: str) -> None:
    now = datetime.now(UTC)
    await Correspondence.insert(
        Correspondence(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case["id"],
            direction="outbound",
            channel="letter",
            body=f"{subject}\n\n{body}",
            occurred_at=now,
            created_at=now,
        )
    )


async def _tasks(case_id: UUID) -> list[TaskOut]:
    rows = await CaseTask.select().where(CaseTask.case_id == case_id).order_by(CaseTask.id)
    return as_structs(TaskOut, rows)


async def _records(case_id: UUID) -> list[RecordOut]:
    rows = await CaseRecord.select().where(CaseRecord.case_id == case_id).order_by(CaseRecord.id)
    return as_structs(RecordOut, rows)


assert set(_STEPS) <= set(TRANSITIONS)
