"""The lifecycle API: actions on a case, its tasks, records and file."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.auth.guards import (
    guarded_principal,
    roles_required,
    staff_or_scope,
    staff_required,
)
from core.cases.schemas import CorrespondenceOut
from core.lifecycle import services
from core.lifecycle.policy import Policy, PolicyChanges, current_policy, update_policy
from core.lifecycle.schemas import (
    ActionIn,
    CaseFile,
    CaseState,
    CorrespondenceIn,
    HoldingSent,
    RecordIn,
    RecordOut,
    ResponseDraftIn,
    ResponseDraftOut,
    TaskIn,
    TaskOut,
)


class LifecycleController(Controller):
    """Move a case through its life; the state machine decides what is possible."""

    path = "/cases/{key:str}"
    tags = ["lifecycle"]
    guards = [staff_required]

    @post("/actions/{action:str}", status_code=HTTP_200_OK, summary="Take an action on a case")
    async def act(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        action: FromPath[str],
        data: JSONBody[ActionIn],
    ) -> CaseState:
        """Take one step of the case's life.

        Acknowledge, investigate, propose/return/approve a decision, respond, close,
        appeal, put on hold, escalate, resume, withdraw or reopen. An action the
        case's status does not allow is a 409 listing the ones it does.
        """
        return await services.perform(key, action, data, guarded_principal(request))

    @post("/response-draft", status_code=HTTP_200_OK, summary="See the answer as a letter")
    async def response_draft(
        self, key: FromPath[str], data: JSONBody[ResponseDraftIn]
    ) -> ResponseDraftOut:
        """The letter the written answer would become, and the required content it lacks.

        Nothing is stored or sent. ``ready`` is false while a requirement of the
        tenant's plugins is unmet; sending (``respond``) is refused until then.
        """
        return await services.draft_response(key, data)

    @post(
        "/holding-response-draft",
        status_code=HTTP_200_OK,
        summary="See a holding response as a letter",
    )
    async def holding_response_draft(
        self, key: FromPath[str], data: JSONBody[ResponseDraftIn]
    ) -> ResponseDraftOut:
        """The holding response ``response`` would become, and the required content it lacks.

        Nothing is stored or sent.
        """
        return await services.draft_holding_response(key, data)

    @post(
        "/holding-response",
        status_code=HTTP_200_OK,
        summary="Tell the complainant the answer is not ready yet",
    )
    async def holding_response(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[ResponseDraftIn]
    ) -> HoldingSent:
        """Send a holding response: why the answer is not ready and when it will be.

        Refused while the tenant's plugins miss something in it (e.g. the right to go
        to the ombudsman now). Meets the deadlines that accept a holding response when
        it goes out before they are due; the case stays open for its final response.
        """
        return await services.send_holding_response(key, data, guarded_principal(request))

    @get("/file", summary="The investigation file")
    async def file(self, key: FromPath[str]) -> CaseFile:
        """Tasks, records, decisions, appeals and the survey answer of a case."""
        return await services.case_file(key)

    @post("/tasks", status_code=HTTP_201_CREATED, summary="Add an investigation task")
    async def add_task(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[TaskIn]
    ) -> TaskOut:
        """Add a task with an owner and a due date."""
        return await services.add_task(key, data, guarded_principal(request))

    @post("/tasks/{task_id:uuid}/done", status_code=HTTP_200_OK, summary="Complete a task")
    async def complete_task(
        self, request: Request[Any, Any, Any], key: FromPath[str], task_id: FromPath[UUID]
    ) -> TaskOut:
        """Mark a task done."""
        return await services.complete_task(key, task_id, guarded_principal(request))

    @post("/records", status_code=HTTP_201_CREATED, summary="Add an investigation record")
    async def add_record(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[RecordIn]
    ) -> RecordOut:
        """Add an interview record, witness statement, internal note or evidence item."""
        return await services.add_record(key, data, guarded_principal(request))


class PolicyController(Controller):
    """The organisation's case-handling policy: approval, acknowledgement, duplicates, appeals."""

    path = "/policy"
    tags = ["policy"]
    guards = [staff_required]

    @get(summary="The case-handling policy")
    async def read(self) -> Policy:
        """What every member of staff works under."""
        return await current_policy()

    @patch(summary="Change the case-handling policy", guards=[roles_required("tenant-admin")])
    async def change(
        self, request: Request[Any, Any, Any], data: JSONBody[PolicyChanges]
    ) -> Policy:
        """Change the parts named; each change is audited with its old and new value."""
        return await update_policy(data, actor=guarded_principal(request).actor)


class CorrespondenceController(Controller):
    """Later letters, calls and visits about a case, from staff or an integration."""

    path = "/cases/{key:str}/correspondence"
    tags = ["lifecycle"]

    @post(
        status_code=HTTP_201_CREATED,
        summary="Record a call, letter or visit about a case",
        guards=[staff_or_scope("correspondence:create")],
    )
    async def record_correspondence(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[CorrespondenceIn]
    ) -> CorrespondenceOut:
        """Put a later message on the case's timeline with its channel and direction."""
        return await services.record_correspondence(key, data, guarded_principal(request))
