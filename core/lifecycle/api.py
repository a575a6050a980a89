"""The lifecycle API: actions on a case, its tasks, records and file."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.auth.guards import principal_of, staff_required
from core.auth.principal import Principal
from core.lifecycle import services
from core.lifecycle.schemas import (
    ActionIn,
    CaseFile,
    CaseState,
    RecordIn,
    RecordOut,
    TaskIn,
    TaskOut,
)


def _principal(request: Request[Any, Any, Any]) -> Principal:
    principal = principal_of(request)
    assert principal is not None, "the staff_required guard lets no anonymous request in"
    return principal


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
        return await services.perform(key, action, data, _principal(request))

    @get("/file", summary="The investigation file")
    async def file(self, key: FromPath[str]) -> CaseFile:
        """Tasks, records, decisions, appeals and the survey answer of a case."""
        return await services.case_file(key)

    @post("/tasks", status_code=HTTP_201_CREATED, summary="Add an investigation task")
    async def add_task(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[TaskIn]
    ) -> TaskOut:
        """Add a task with an owner and a due date."""
        return await services.add_task(key, data, _principal(request))

    @post("/tasks/{task_id:uuid}/done", status_code=HTTP_200_OK, summary="Complete a task")
    async def complete_task(
        self, request: Request[Any, Any, Any], key: FromPath[str], task_id: FromPath[UUID]
    ) -> TaskOut:
        """Mark a task done."""
        return await services.complete_task(key, task_id, _principal(request))

    @post("/records", status_code=HTTP_201_CREATED, summary="Add an investigation record")
    async def add_record(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[RecordIn]
    ) -> RecordOut:
        """Add an interview record, witness statement, internal note or evidence item."""
        return await services.add_record(key, data, _principal(request))
