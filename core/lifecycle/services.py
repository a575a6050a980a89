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

from core import clock
from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.tables import StaffMember
from core.cases.contributions import Contributions
from core.cases.schemas import CorrespondenceOut
from core.cases.sealed_rows import add_correspondence, complainant_of
from core.cases.services import add_answer_deadlines, case_view, find_case_id
from core.cases.tables import Case, Correspondence, Deadline
from core.crypto.fields import opened, sealed
from core.db.engine import DB
from core.db.rows import as_structs
from core.deadlines import services as deadlines
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.ids import uuid7
from core.letters.requirements import check_letter, requirements
from core.letters.services import compose
from core.lifecycle.machine import (
    DEEMED_APPEAL_FROM,
    READS,
    TRANSITIONS,
    WORKERS,
    allowed_actions,
    check,
    destination,
)
from core.lifecycle.policy import (
    Policy,
    current_policy,
    days_after,
    default_ladder,
    describe,
    valid_ladder,
)
from core.lifecycle.schemas import (
    ActionIn,
    AppealLevelOut,
    AppealOut,
    CaseFile,
    CaseState,
    CorrespondenceIn,
    DecisionOut,
    HoldingSent,
    NextAppeal,
    RecordIn,
    RecordOut,
    RequirementOut,
    ResponseDraftIn,
    ResponseDraftOut,
    SurveyIn,
    TaskIn,
    TaskOut,
)
from core.lifecycle.tables import CaseAppeal, CaseDecision, CaseRecord, CaseSurvey, CaseTask
from core.mail.outbox import queue_email
from core.receipts.survey import invite_to_survey
from core.routing.services import escalation_to
from core.sdk import AppealLevel
from core.tenancy.context import current_tenant
from core.webhooks.services import emit_transition

#: How the audit log names the automatic acknowledgement of the tenant's policy.
AUTO_ACKNOWLEDGER = "system:auto-acknowledge"
#: Who "reviewed" a decision in a tenant that does not require approval.
NO_APPROVAL_NEEDED = "policy:no-approval-required"


class NotPermitted(Forbidden):
    """The person may not take this action on this case."""


async def perform(key: str, action: str, data: ActionIn, principal: Principal) -> CaseState:
    """Take ``action`` on the case ``key``: the one door every status change goes through."""
    case = await _lock(key)
    transition = check(action, case["status"], deemed=await _deemed(case, action))
    _refuse_unread(action, data)
    if not principal.holds(*transition.roles):
        raise NotPermitted(
            f"{action.replace('_', ' ')} needs one of: {', '.join(transition.roles)}"
        )
    if action in ("approve_decision", "return_decision") and case["appeal_level"]:
        await _check_appeal_reviewer(case, principal)
    return await _transition(case, action, data, principal.actor)


_UNSET = ActionIn()


def _refuse_unread(action: str, data: ActionIn) -> None:
    for field in ActionIn.__struct_fields__:
        if field not in READS[action] and getattr(data, field) != getattr(_UNSET, field):
            raise InvalidInput(field, f"is not taken by {action.replace('_', ' ')}")


async def acknowledge_on_arrival(case_id: UUID) -> bool:
    """Acknowledge a new case at once when the tenant's policy says so.

    Called by every intake channel right after registration, in the same
    transaction: the acknowledgement is queued with the case or not at all.
    """
    if not (await current_policy()).auto_acknowledge:
        return False
    case = await _lock(str(case_id))
    check("acknowledge", case["status"])
    await _transition(case, "acknowledge", ActionIn(), AUTO_ACKNOWLEDGER)
    return True


async def appeal_by_complainant(case_id: UUID, reason: str, *, actor: str) -> CaseState:
    """Open the next appeal level for the complainant, who proves themselves with a receipt."""
    case = await _lock(str(case_id))
    if "open_appeal" not in allowed_actions(case["status"], deemed=await _deemed(case)):
        raise Conflict(
            "an appeal can be made once the organisation has answered, or its time to answer"
            " has passed where no answer counts as a denial"
        )
    return await _transition(case, "open_appeal", ActionIn(reason=reason), actor)


async def escalate_by_complainant(case_id: UUID, reason: str, *, actor: str) -> CaseState:
    """Escalate the case to a supervisor because its complainant asked, through a receipt."""
    case = await _lock(str(case_id))
    if "escalate" not in allowed_actions(case["status"]):
        raise Conflict(f"the case is {case['status'].replace('_', ' ')}; it cannot be escalated")
    return await _transition(case, "escalate", ActionIn(reason=reason), actor)


async def can_appeal(case_id: UUID) -> bool:
    """Whether the case could be appealed now (status and the levels left; not the window)."""
    case = (
        await Case.select(Case.id, Case.status, Case.appeal_level).where(Case.id == case_id).first()
    )
    if case is None:
        return False
    if "open_appeal" not in allowed_actions(case["status"], deemed=await _deemed(case)):
        return False
    level: int = case["appeal_level"]
    return level < len(await appeal_ladder(case_id))


async def _transition(case: dict[str, Any], action: str, data: ActionIn, actor: str) -> CaseState:
    transition = TRANSITIONS[action]
    policy = await current_policy()
    detail: dict[str, Any] = {"from": case["status"]}
    changes: dict[Any, Any] = {}
    step = _STEPS.get(action)
    if step is not None:
        detail.update(await step(case, data, actor, changes, policy))
    target = destination(
        transition,
        paused_from=case["status_before_pause"],
        approval_required=policy.approval_required,
    )
    if transition.target is None:
        changes[Case.status_before_pause] = None
    elif target in ("on_hold", "escalated"):
        changes[Case.status_before_pause] = case["status"]
    changes[Case.status] = target
    changes[Case.version] = case["version"] + 1
    changes[Case.updated_at] = clock.now()
    await Case.update(changes).where(Case.id == case["id"])
    detail["to"] = target
    await audit.record(f"case.{action}", actor=actor, case_id=case["id"], detail=detail)
    await emit_transition(case["id"], case["reference"], action, case["status"], target)
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
    # An answered case's window runs from its answer, later than any deemed denial.
    deemed = (
        await deemed_denial_at(case_id, row["appeal_level"])
        if row["status"] in DEEMED_APPEAL_FROM
        else None
    )
    allowed = allowed_actions(row["status"], deemed=deemed is not None)
    return CaseState(
        **row,
        allowed_actions=allowed,
        next_appeal=await _next_appeal(row, deemed) if "open_appeal" in allowed else None,
    )


async def deemed_denial_at(case_id: UUID, level: int) -> datetime | None:
    """When the case's ``level`` counts as denied for want of an answer in time.

    That is the due time of a deadline of that level whose passing counts as a
    denial and that went by unmet (it may be met late, or its clock stopped later).
    None while every such deadline is met in time, still running or stopped.
    """
    rows = await Deadline.raw(
        """
        SELECT min(due_at) AS at FROM deadline
         WHERE case_id = {} AND level = {} AND deemed_denial AND due_at <= {}
           AND (met_at IS NULL OR met_at > due_at)
           AND (paused_since IS NULL OR paused_since > due_at)
        """,
        case_id,
        level,
        clock.now(),
    )
    at: datetime | None = rows[0]["at"] if rows else None
    return at


async def _deemed(case: dict[str, Any], action: str = "open_appeal") -> bool:
    """Whether ``action`` is an appeal the case may take as if its level were answered."""
    if action != "open_appeal" or case["status"] not in DEEMED_APPEAL_FROM:
        return False
    return await deemed_denial_at(case["id"], case["appeal_level"]) is not None


async def _next_appeal(case: dict[str, Any], deemed: datetime | None) -> NextAppeal | None:
    """The level the complainant may appeal to now, and until when; None if none is left."""
    ladder = await appeal_ladder(case["id"])
    level = case["appeal_level"] + 1
    if level > len(ladder):
        return None
    rung = ladder[level - 1]
    since = await _window_start(case["id"], deemed)
    closes = days_after(rung, since, rung.window_days, current_tenant().timezone) if since else None
    return NextAppeal(
        level=level,
        name=rung.name,
        window_closes_at=closes,
        deemed_denial_at=deemed,
    )


async def _window_start(case_id: UUID, deemed: datetime | None) -> datetime | None:
    """What an appeal's window runs from: the last answer sent, or a later deemed denial."""
    last_answer = (
        await Correspondence.select(Correspondence.occurred_at)
        .where((Correspondence.case_id == case_id) & (Correspondence.direction == "outbound"))
        .order_by(Correspondence.occurred_at, ascending=False)
        .first()
    )
    moments = [m for m in (last_answer and last_answer["occurred_at"], deemed) if m]
    return max(moments) if moments else None


# -- the work done by particular actions --------------------------------------------------

Step = Callable[[dict[str, Any], ActionIn, str, dict[Any, Any], Policy], Awaitable[dict[str, Any]]]


async def _acknowledge(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    letter = await _letter("acknowledgement", case, {})
    channel = await _send(case, letter.kind, letter.subject, letter.body, actor)
    met = await deadlines.mark_met(case["id"], deadlines.ACKNOWLEDGEMENT)
    return {
        "letter": letter.kind,
        "language": letter.language,
        "channel": channel,
        "deadline_met": met,
    }


async def _propose(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    if data.outcome is None:
        raise InvalidInput("outcome", "is required to propose a decision")
    now = clock.now()
    approved = not policy.approval_required
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
            state="approved" if approved else "proposed",
            proposed_by=actor,
            proposed_at=now,
            reviewed_by=NO_APPROVAL_NEEDED if approved else None,
            reviewed_at=now if approved else None,
        )
    )
    detail: dict[str, Any] = {"outcome": data.outcome, "level": case["appeal_level"]}
    if approved:
        detail["approval"] = "not required by the organisation's policy"
    return detail


def _review(state: str) -> Step:
    async def review(
        case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
    ) -> dict[str, Any]:
        decision = await _pending_decision(case)
        if decision["proposed_by"] == actor:
            raise NotPermitted("the person who proposed a decision cannot also review it")
        if state == "returned" and not (data.comment and data.comment.strip()):
            raise InvalidInput("comment", "say why the decision goes back")
        await CaseDecision.update(
            {
                CaseDecision.state: state,
                CaseDecision.reviewed_by: actor,
                CaseDecision.reviewed_at: clock.now(),
                CaseDecision.review_comment: data.comment,
            }
        ).where(CaseDecision.id == decision["id"])
        return {"decision": str(decision["id"]), "review": state}

    return review


async def _respond(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    if not (data.response and data.response.strip()):
        raise InvalidInput("response", "the written answer is required")
    decision, kind, letter = await _response_letter(case, data.response, data.letter)
    met = await check_letter(
        case["id"], _response_kind(case, kind), f"{letter.subject}\n{letter.body}", data.vouched
    )
    channel = await _send(case, letter.kind, letter.subject, letter.body, actor)
    now = clock.now()
    level = case["appeal_level"]
    if level:
        await CaseAppeal.update({CaseAppeal.decided_at: now, CaseAppeal.decided_by: actor}).where(
            (CaseAppeal.case_id == case["id"]) & (CaseAppeal.level == level)
        )
        await Deadline.update({Deadline.met_at: now}).where(
            (Deadline.case_id == case["id"])
            & (Deadline.kind == f"appeal_level_{level}")
            & Deadline.met_at.is_null()
        )
    else:
        await deadlines.mark_met(case["id"], deadlines.FINAL_RESPONSE)
        if case["answered_at"] is None:
            # The first answer is the one that counts (e.g. for a regulator's return).
            await Case.update({Case.answered_at: now}).where(Case.id == case["id"])
    met_too = await deadlines.meet_by_letter(case["id"], kind)
    started = await add_answer_deadlines(case["id"])
    detail: dict[str, Any] = {"letter": kind, "outcome": decision["outcome"], "channel": channel}
    if met_too:
        detail["deadlines_met"] = met_too
    if started:
        detail["deadlines_started"] = started
    if met:
        detail["required_content"] = [r.code for r in met]
        detail["vouched"] = [r.code for r in met if r.vouched]
    return detail


#: The letter that tells the complainant the answer is not ready yet.
HOLDING = "holding_response"
#: The short answer to a complaint resolved within days (FCA DISP 1.5).
SUMMARY_RESOLUTION = "summary_resolution"


def _response_kind(case: dict[str, Any], letter: str) -> str:
    """How the plugins' required-content hook names the answer this case is due."""
    if case["appeal_level"]:
        return "appeal"
    return "summary_resolution" if letter == SUMMARY_RESOLUTION else "final"


async def _response_letter(
    case: dict[str, Any], response: str, wanted: str | None = None
) -> tuple[dict[str, Any], str, Any]:
    """The approved decision of the case's level and the letter that answers with it.

    ``wanted`` may ask for a summary resolution instead of the final response; an
    appeal is always answered with the appeal response.
    """
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
    level = case["appeal_level"]
    if level:
        kind = "appeal_response"
        if wanted == SUMMARY_RESOLUTION:
            raise InvalidInput("letter", "an appeal is answered with the appeal response")
    else:
        kind = wanted or "final_response"
    letter = await _letter(
        kind,
        case,
        {
            "outcome": decision["outcome"].replace("_", " "),
            "redress": decision["redress"],
            "actions": decision["actions"],
            "response": response.strip(),
            "appeal_level": level,
        },
    )
    return decision, kind, letter


async def draft_response(key: str, draft: ResponseDraftIn) -> ResponseDraftOut:
    """The letter a written answer would become, and what the plugins still miss in it.

    Nothing is stored or sent: this is what the person sees before pressing send.
    """
    if not draft.response.strip():
        raise InvalidInput("response", "write the answer to see the letter")
    case_id = await find_case_id(key, part="response draft")
    row = await Case.select().where(Case.id == case_id).first()
    assert row is not None, "find_case_id found it"
    _, kind, letter = await _response_letter(row, draft.response, draft.letter)
    return await _draft_out(case_id, _response_kind(row, kind), kind, letter, draft.vouched)


async def draft_holding_response(key: str, draft: ResponseDraftIn) -> ResponseDraftOut:
    """The holding response ``draft`` would become, and what the plugins still miss in it."""
    if not draft.response.strip():
        raise InvalidInput("response", "say why the answer is not ready and when it will be")
    case_id = await find_case_id(key, part="response draft")
    row = await Case.select().where(Case.id == case_id).first()
    assert row is not None, "find_case_id found it"
    letter = await _letter(HOLDING, row, {"response": draft.response.strip()})
    return await _draft_out(case_id, "holding", HOLDING, letter, draft.vouched)


async def send_holding_response(
    key: str, draft: ResponseDraftIn, principal: Principal
) -> HoldingSent:
    """Tell the complainant the answer is not ready yet, why, and when it will be.

    A holding response is what a regulator may accept instead of the final response
    at its limit (FCA DISP 1.6.2R: within 8 weeks, with the right to go to the
    ombudsman now); a deadline whose ``met_by`` names it is met when it goes out in
    time. The case stays where it is: the final response is still owed.
    """
    if not principal.holds(*WORKERS):
        raise Forbidden("only those who handle cases write to the complainant")
    if not draft.response.strip():
        raise InvalidInput("response", "say why the answer is not ready and when it will be")
    case = await _lock(key)
    _require_open(case)
    if case["status"] in ("responded", "appealed"):
        raise Conflict("the case has been answered; a holding response comes before the answer")
    letter = await _letter(HOLDING, case, {"response": draft.response.strip()})
    met = await check_letter(
        case["id"], "holding", f"{letter.subject}\n{letter.body}", draft.vouched
    )
    channel = await _send(case, HOLDING, letter.subject, letter.body, principal.actor)
    deadlines_met = await deadlines.meet_by_letter(case["id"], HOLDING)
    detail: dict[str, Any] = {"letter": HOLDING, "channel": channel}
    if deadlines_met:
        detail["deadlines_met"] = deadlines_met
    if met:
        detail["required_content"] = [r.code for r in met]
        detail["vouched"] = [r.code for r in met if r.vouched]
    await audit.record(
        "case.holding_response_sent", actor=principal.actor, case_id=case["id"], detail=detail
    )
    return HoldingSent(
        case_id=case["id"], channel=channel, sent_at=clock.now(), deadlines_met=deadlines_met
    )


async def _draft_out(
    case_id: UUID, response_kind: str, kind: str, letter: Any, vouched: list[str]
) -> ResponseDraftOut:
    found = await requirements(case_id, response_kind, f"{letter.subject}\n{letter.body}", vouched)
    return ResponseDraftOut(
        kind=kind,
        language=letter.language,
        subject=letter.subject,
        body=letter.body,
        requirements=[
            RequirementOut(
                plugin=r.plugin,
                code=r.code,
                description=r.description,
                phrases=list(r.phrases),
                met=r.met,
                vouched=r.vouched,
            )
            for r in found
        ],
        ready=all(r.met for r in found),
    )


async def _close(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    changes[Case.closed_at] = clock.now()
    invited = await invite_to_survey(case["id"], actor=actor)
    return {"survey_invited": invited}


async def _open_appeal(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    if not (data.reason and data.reason.strip()):
        raise InvalidInput("reason", "an appeal needs its grounds")
    ladder = await appeal_ladder(case["id"], policy)
    level = case["appeal_level"] + 1
    if level > len(ladder):
        raise Conflict(
            "this case has no further appeal level"
            if ladder
            else "this organisation has no internal appeal for this case"
        )
    rung = ladder[level - 1]
    tenant = current_tenant()
    now = clock.now()
    answered = case["status"] in ("responded", "closed")
    deemed = None if answered else await deemed_denial_at(case["id"], case["appeal_level"])
    since = await _window_start(case["id"], deemed)
    if since:
        closes = days_after(rung, since, rung.window_days, tenant.timezone)
        if now > closes:
            raise Conflict(
                f"the window for {rung.name} closed on {closes.astimezone(tenant.zone):%Y-%m-%d}"
            )
    handler = await _appeal_handler(data.handler_email, rung.handler_role)
    detail: dict[str, Any] = {}
    if deemed is not None:
        detail.update(await _record_deemed_denial(case, deemed, actor))
    due = days_after(rung, now, rung.response_days, tenant.timezone)
    await CaseAppeal.insert(
        CaseAppeal(
            id=uuid7(),
            tenant_id=tenant.id,
            case_id=case["id"],
            level=level,
            reason=data.reason.strip(),
            opened_by=actor,
            opened_at=now,
            due_at=due,
            handler_staff_id=handler,
            handler_role=rung.handler_role,
            name=rung.name[:200],
            citation=rung.citation[:200],
        )
    )
    await Deadline.insert(
        Deadline(
            id=uuid7(),
            tenant_id=tenant.id,
            case_id=case["id"],
            kind=f"appeal_level_{level}",
            label=f"Decision on {rung.name}"[:200],
            due_at=due,
            source="core",
            citation=rung.citation[:200],
            counting=describe(rung)[:200],
            level=level,
            deemed_denial=rung.deemed_denial,
            max_extension_days=rung.max_extension_days,
            max_extensions=rung.max_extensions,
        )
    )
    changes[Case.appeal_level] = level
    changes[Case.closed_at] = None
    changes[Case.status_before_pause] = None
    return {**detail, "level": level, "name": rung.name, "due_at": due.isoformat()}


#: Who a deemed denial is recorded as proposed and reviewed by: no one decided it.
DEEMED = "deemed: no answer in time"


async def _record_deemed_denial(
    case: dict[str, Any], deemed: datetime, actor: str
) -> dict[str, Any]:
    """Record the level's unanswered deadline as its denial, as the appeal is opened on it.

    A hold that began after the deadline passed ends here with the level.
    """
    await CaseDecision.insert(
        CaseDecision(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case["id"],
            level=case["appeal_level"],
            outcome="not_upheld",
            state="deemed",
            proposed_by=DEEMED,
            proposed_at=deemed,
            reviewed_by=DEEMED,
            reviewed_at=deemed,
        )
    )
    detail: dict[str, Any] = {"deemed_denial_at": deemed.isoformat()}
    if case["status"] == "on_hold":
        detail.update(await deadlines.restart_clocks(case["id"], actor))
    return detail


async def _needs_reason(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    if not (data.reason and data.reason.strip()):
        raise InvalidInput("reason", "is required for this action")
    return {"reason": data.reason.strip()}


async def _escalate(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    """Escalation also puts the case in a supervisor's queue (see core.routing)."""
    detail = await _needs_reason(case, data, actor, changes, policy)
    supervisor = await escalation_to(case["id"], detail["reason"], actor, changes)
    return {**detail, "escalated_to": str(supervisor)}


async def _hold(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    detail = await _needs_reason(case, data, actor, changes, policy)
    detail["clocks_stopped"] = await deadlines.stop_clocks(case["id"], detail["reason"], actor)
    return detail


async def _resume(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    return await deadlines.restart_clocks(case["id"], actor)


async def _withdraw(
    case: dict[str, Any], data: ActionIn, actor: str, changes: dict[Any, Any], policy: Policy
) -> dict[str, Any]:
    detail = await _needs_reason(case, data, actor, changes, policy)
    # Withdrawn from hold: the stop ends here, or a reopened case could never stop again.
    detail.update(await deadlines.restart_clocks(case["id"], actor))
    # The case has ended without an answer: reports count it as closed then (reopen clears it).
    changes[Case.closed_at] = clock.now()
    return detail


_STEPS: dict[str, Step] = {
    "acknowledge": _acknowledge,
    "return_decision": _review("returned"),
    "approve_decision": _review("approved"),
    "propose_decision": _propose,
    "respond": _respond,
    "close": _close,
    "open_appeal": _open_appeal,
    "put_on_hold": _hold,
    "resume": _resume,
    "escalate": _escalate,
    "withdraw": _withdraw,
    "reopen": _needs_reason,
}


# -- appeals ------------------------------------------------------------------------------


async def appeal_ladder(case_id: UUID, policy: Policy | None = None) -> list[AppealLevel]:
    """The appeal levels of a case.

    They are a plugin's when one of the tenant's plugins sets them, else the
    tenant's policy's. A plugin that fails or answers nonsense is left out.
    """
    contributions = await Contributions.of_tenant()
    if contributions.plugins.enabled:
        outcome = await contributions.call(
            "querela_appeal_levels_for_case", case=await case_view(case_id)
        )
        for _name, answer in outcome.results:
            ladder = valid_ladder(answer)
            if ladder is not None:
                return ladder
    return default_ladder(policy or await current_policy())


async def _appeal_handler(email: str | None, role: str) -> UUID | None:
    if not email:
        return None
    rows = await StaffMember.raw(
        "SELECT id, roles FROM staff_member WHERE lower(email) = lower({}) AND active", email
    )
    if not rows:
        raise InvalidInput("handler_email", "is not an active staff member of this organisation")
    if role not in rows[0]["roles"]:
        raise InvalidInput("handler_email", f"this appeal level is decided by a {role}")
    handler: UUID = rows[0]["id"]
    return handler


async def _check_appeal_reviewer(case: dict[str, Any], principal: Principal) -> None:
    appeal = (
        await CaseAppeal.select(CaseAppeal.handler_staff_id, CaseAppeal.handler_role)
        .where((CaseAppeal.case_id == case["id"]) & (CaseAppeal.level == case["appeal_level"]))
        .first()
    )
    if appeal is None:
        return
    if appeal["handler_staff_id"] is not None:
        if principal.staff_id != appeal["handler_staff_id"]:
            raise NotPermitted("this appeal level is decided by the handler it was assigned to")
    elif not principal.holds(appeal["handler_role"]):
        raise NotPermitted(f"this appeal level is decided by a {appeal['handler_role']}")


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
    if task.due_at is not None and task.due_at < case["received_at"]:
        raise InvalidInput("due_at", "lies before the complaint was received")
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
        await CaseTask.update({CaseTask.done_at: clock.now()})
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
    row = {
        "id": record_id,
        "tenant_id": current_tenant().id,
        "case_id": case["id"],
        "kind": record.kind,
        "title": record.title.strip(),
        "body": record.body,
        "person": record.person,
        "visibility": record.visibility,
        "sha256": record.sha256,
        "created_by": principal.actor,
    }
    await CaseRecord.insert(CaseRecord(**await sealed("case_record", row)))
    await audit.record(
        "case.record_added",
        actor=principal.actor,
        case_id=case["id"],
        detail={"kind": record.kind, "record": str(record_id), "visibility": record.visibility},
    )
    return next(r for r in await _records(case["id"]) if r.id == record_id)


async def record_correspondence(
    key: str, item: CorrespondenceIn, principal: Principal
) -> CorrespondenceOut:
    """Put a later call, letter or visit about a case on its timeline."""
    case = await _lock(key)
    body = item.body.strip()
    if not body:
        raise InvalidInput("body", "must not be blank")
    now = clock.now()
    occurred_at = now
    if item.occurred_at is not None:
        if item.occurred_at.tzinfo is None:
            raise InvalidInput("occurred_at", "needs a time zone")
        if item.occurred_at > now + timedelta(minutes=5):
            raise InvalidInput("occurred_at", "lies in the future")
        if item.occurred_at < case["received_at"] - timedelta(days=366):
            raise InvalidInput("occurred_at", "lies more than a year before the complaint")
        occurred_at = item.occurred_at.astimezone(UTC)
    item_id = await add_correspondence(
        case["id"],
        direction=item.direction,
        channel=item.channel,
        body=body,
        occurred_at=occurred_at,
    )
    await Case.update({Case.updated_at: now}).where(Case.id == case["id"])
    await audit.record(
        "case.correspondence_recorded",
        actor=principal.actor,
        case_id=case["id"],
        detail={"direction": item.direction, "channel": item.channel, "id": str(item_id)},
    )
    return CorrespondenceOut(
        id=item_id,
        direction=item.direction,
        channel=item.channel,
        body=body,
        occurred_at=occurred_at,
    )


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
    return await file_of(await find_case_id(key, part="file"))


async def file_of(case_id: UUID) -> CaseFile:
    """``case_file`` of a case the caller has already looked up (and was let see)."""
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
        appeal_ladder=[
            AppealLevelOut(
                level=number,
                name=level.name,
                window_days=level.window_days,
                response_days=level.response_days,
                counting=level.counting,
                handler_role=level.handler_role,
                citation=level.citation,
            )
            for number, level in enumerate(await appeal_ladder(case_id), start=1)
        ],
        survey_score=survey["score"] if survey else None,
    )


# -- helpers ----------------------------------------------------------------------------


async def _lock(key: str) -> dict[str, Any]:
    case_id = await find_case_id(key, part=None)
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
    complainant = await complainant_of(case["id"])
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


async def _send(case: dict[str, Any], kind: str, subject: str, body: str, actor: str) -> str:
    """E-mail the letter when the complainant gave an address, else record it for the post.

    The e-mail goes through the outbox in this transaction, which also records it
    as correspondence; a letter for the post is recorded here.
    """
    complainant = await complainant_of(case["id"])
    if complainant and complainant["email"]:
        await queue_email(
            kind=kind,
            to=complainant["email"],
            subject=subject,
            body=body,
            actor=actor,
            case_id=case["id"],
        )
        return "email"
    await _outbound(case, subject, body)
    return "letter"


async def _outbound(case: dict[str, Any], subject: str, body: str) -> None:
    await add_correspondence(
        case["id"], direction="outbound", channel="letter", body=f"{subject}\n\n{body}"
    )


async def _tasks(case_id: UUID) -> list[TaskOut]:
    rows = await CaseTask.select().where(CaseTask.case_id == case_id).order_by(CaseTask.id)
    return as_structs(TaskOut, rows)


async def _records(case_id: UUID) -> list[RecordOut]:
    rows = await CaseRecord.select().where(CaseRecord.case_id == case_id).order_by(CaseRecord.id)
    return as_structs(RecordOut, await opened("case_record", rows))


assert set(_STEPS) <= set(TRANSITIONS)
