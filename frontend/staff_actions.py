"""The forms of the case page: actions, notes, tasks, the written answer, the case facts.

Each form goes to the same service the JSON API uses (``core.lifecycle.services``;
for the facts, ``core.cases.services.update_case``, as ``PATCH /cases/{key}``),
which checks the state machine or the values and writes the audit event. A form
that worked answers 303 back to the case page; one the service refused shows the
case page again with the reason beside the form, and what was typed still in it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, cast, get_args
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Request, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_404_NOT_FOUND,
)

from core.attachments.schemas import Purpose
from core.attachments.services import AttachmentTooLarge, attach_to_case, policy_for
from core.attachments.upload import FORM_OVERHEAD
from core.auth.principal import Principal
from core.cases.api import TRIAGE_ROLES
from core.cases.schemas import CaseChanges
from core.cases.services import case_detail, find_case_id, update_case
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.letters.requirements import RequirementsUnmet
from core.lifecycle import services
from core.lifecycle.machine import READS, TRANSITIONS
from core.lifecycle.schemas import ActionIn, RecordIn, ResponseDraftIn, TaskIn
from core.settings import Settings
from core.text import has_control_characters
from frontend.case_facts import case_fields, changed_facts, error_text, typed_values
from frontend.public import text, uploaded
from frontend.staff_common import done, refused, render_staff, staff_form_page, status_of
from frontend.staff_pages import case_page

#: Form fields an action reads, beyond those of ``READS`` that are plain text.
_LISTS = frozenset({"vouched"})
#: What a file put on the case may be.
PURPOSES = get_args(Purpose)
#: What a note may be: kept inside, or shared with the complainant on their follow-up page.
VISIBILITIES = get_args(RecordIn.__annotations__["visibility"])


def _path(key: str) -> str:
    return f"/staff/cases/{quote(key, safe='')}"


async def _form(
    request: Request[Any, Any, Any], key: str
) -> tuple[dict[str, Any], FormMultiDict, Template | Redirect | None]:
    return await staff_form_page(request, _path(key))


async def _again(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    key: str,
    action: str,
    values: dict[str, Any],
    problem: Exception,
) -> Template:
    """The case page again, with the reason the form was refused beside it."""
    if isinstance(problem, NotFound):
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    field = problem.field if isinstance(problem, InvalidInput) else None
    reason = problem.reason if isinstance(problem, InvalidInput) else str(problem)
    attempt: dict[str, Any] = {"action": action, "values": values, "field": field, "reason": reason}
    if isinstance(problem, RequirementsUnmet):
        attempt["unmet"] = problem.unmet
    return await case_page(request, context, key, status=status_of(problem), attempt=attempt)


@post("/staff/cases/{key:str}/actions/{action:str}", include_in_schema=False, status_code=303)
async def take_action(
    request: Request[Any, Any, Any], key: FromPath[str], action: FromPath[str]
) -> Template | Redirect:
    """Take one step of the case's life from its page."""
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    if action not in TRANSITIONS or action == "respond":
        # Answering goes through the compose form, which shows the letter first.
        return refused(request, context, context["t"]["staff_no_such_action"], HTTP_404_NOT_FOUND)
    values = {name: text(form, name) for name in READS[action] - _LISTS}
    body = {name: value for name, value in values.items() if value}
    principal: Principal = context["principal"]
    try:
        data = msgspec.convert(body, ActionIn)
        await services.perform(key, action, data, principal)
    except msgspec.ValidationError as problem:
        return await _again(request, context, key, action, values, _invalid(problem))
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, action, values, problem)
    return done(_path(key), f"action_{action}", request)


@post("/staff/cases/{key:str}/notes", include_in_schema=False, status_code=303)
async def add_note(request: Request[Any, Any, Any], key: FromPath[str]) -> Template | Redirect:
    """Add a note to the case file: kept inside, or shared with the complainant."""
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    values = {name: text(form, name) for name in ("title", "body", "visibility")}
    try:
        record = msgspec.convert(
            {"kind": "note", **{k: v for k, v in values.items() if v}}, RecordIn
        )
        await services.add_record(key, record, context["principal"])
    except msgspec.ValidationError as problem:
        return await _again(request, context, key, "note", values, _invalid(problem))
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "note", values, problem)
    return done(_path(key), "note_added", request)


@post("/staff/cases/{key:str}/tasks", include_in_schema=False, status_code=303)
async def add_task(request: Request[Any, Any, Any], key: FromPath[str]) -> Template | Redirect:
    """Add an investigation task, for oneself or a colleague, with a due date."""
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    values = {name: text(form, name) for name in ("title", "owner_email", "due_on")}
    try:
        due_at = _day_end(values["due_on"], context) if values["due_on"] else None
        task = msgspec.convert(
            {
                "title": values["title"],
                "owner_email": values["owner_email"] or None,
                "due_at": due_at,
            },
            TaskIn,
        )
        await services.add_task(key, task, context["principal"])
    except msgspec.ValidationError as problem:
        return await _again(request, context, key, "task", values, _invalid(problem))
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "task", values, problem)
    return done(_path(key), "task_added", request)


@post("/staff/cases/{key:str}/tasks/{task_id:uuid}/done", include_in_schema=False, status_code=303)
async def finish_task(
    request: Request[Any, Any, Any], key: FromPath[str], task_id: FromPath[UUID]
) -> Template | Redirect:
    """Mark a task done."""
    context, _form_data, early = await _form(request, key)
    if early is not None:
        return early
    try:
        await services.complete_task(key, task_id, context["principal"])
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "task", {}, problem)
    return done(_path(key), "task_done", request)


@post("/staff/cases/{key:str}/response", include_in_schema=False, status_code=303)
async def compose_response(
    request: Request[Any, Any, Any], key: FromPath[str]
) -> Template | Redirect:
    """Show the written answer as the letter it becomes, or send it.

    ``intent=preview`` renders the letter from the tenant's template with the
    approved decision and lists what the tenant's plugins still require in it;
    ``intent=send`` sends it, and is refused while a requirement is unmet.
    """
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    response = text(form, "response")
    vouched = [v for v in form.getall("vouched", []) if isinstance(v, str) and v]
    letter = text(form, "letter") or None
    values = {"response": response, "vouched": vouched, "letter": letter}
    body = {"response": response, "vouched": vouched, "letter": letter}
    intent = text(form, "intent")
    try:
        if intent not in ("preview", "send"):
            raise InvalidInput("intent", "press one of the form's buttons")
        if intent == "send":
            await services.perform(
                key, "respond", msgspec.convert(body, ActionIn), context["principal"]
            )
            return done(_path(key), "action_respond", request)
        draft = await services.draft_response(key, msgspec.convert(body, ResponseDraftIn))
    except msgspec.ValidationError as problem:
        return await _again(request, context, key, "respond", values, _invalid(problem))
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "respond", values, problem)
    attempt = {"action": "respond", "values": values, "draft": draft}
    return await case_page(request, context, key, status=200, attempt=attempt)


@post("/staff/cases/{key:str}/holding", include_in_schema=False, status_code=303)
async def holding_response(
    request: Request[Any, Any, Any], key: FromPath[str]
) -> Template | Redirect:
    """Show a holding response as the letter it becomes, or send it.

    As for the answer: ``intent=preview`` renders it and lists what the plugins
    still require in it; ``intent=send`` sends it, refused while one is unmet.
    """
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    response = text(form, "response")
    vouched = [v for v in form.getall("vouched", []) if isinstance(v, str) and v]
    values = {"response": response, "vouched": vouched}
    intent = text(form, "intent")
    try:
        if intent not in ("preview", "send"):
            raise InvalidInput("intent", "press one of the form's buttons")
        data = msgspec.convert(values, ResponseDraftIn)
        if intent == "send":
            await services.send_holding_response(key, data, context["principal"])
            return done(_path(key), "holding_sent", request)
        draft = await services.draft_holding_response(key, data)
    except msgspec.ValidationError as problem:
        return await _again(request, context, key, "holding", values, _invalid(problem))
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "holding", values, problem)
    attempt = {"action": "holding", "values": values, "draft": draft}
    return await case_page(request, context, key, status=200, attempt=attempt)


#: The largest form the file upload takes: the largest file and its few text fields.
MAX_FILE_FORM_BYTES = Settings.from_env().max_attachment_bytes + FORM_OVERHEAD


@post(
    "/staff/cases/{key:str}/files",
    include_in_schema=False,
    status_code=303,
    request_max_body_size=MAX_FILE_FORM_BYTES,
)
async def add_file(request: Request[Any, Any, Any], key: FromPath[str]) -> Template | Redirect:
    """Put a file on the case: an attachment, or an item of evidence with its hash recorded."""
    context, form, early = await _form(request, key)
    if early is not None:
        return early
    purpose = text(form, "purpose")
    values = {"purpose": purpose}
    try:
        if purpose not in PURPOSES:
            raise InvalidInput("purpose", "choose what the file is")
        upload = uploaded(form, {"purpose": purpose})
        if upload is None:
            raise InvalidInput("file", "choose a file")
        await attach_to_case(
            key,
            upload.filename,
            upload.declared_type,
            upload.chunks,
            actor=context["principal"].actor,
            purpose=cast(Purpose, purpose),
            policy=policy_for(request.app.state["settings"]),
        )
    except AttachmentTooLarge as problem:
        return await _again(
            request, context, key, "file", values, InvalidInput("file", str(problem))
        )
    except (InvalidInput, Conflict, Forbidden, NotFound) as problem:
        return await _again(request, context, key, "file", values, problem)
    return done(_path(key), "file_added", request)


@post("/staff/cases/{key:str}/facts", include_in_schema=False, status_code=303)
async def record_facts(request: Request[Any, Any, Any], key: FromPath[str]) -> Template | Redirect:
    """Record the case's facts the tenant's plugins define (those that changed), or clear them.

    Only people who triage may; the version read with the page guards against
    overwriting a colleague's change. Nothing changed is said so, and writes nothing.
    """
    context, form, early = await staff_form_page(request, _path(key), roles=TRIAGE_ROLES)
    if early is not None:
        return early
    t = context["t"]
    specs = await case_fields()
    typed = typed_values(form, specs)
    version = text(form, "version")
    try:
        if len(key) > 100 or has_control_characters(key, multiline=False):
            raise NotFound("no such case")
        case = await case_detail(await find_case_id(key, part=None))
        if not (version.isdecimal() and len(version) < 10):
            raise InvalidInput("version", "is the case's version the page was read at")
        changes = changed_facts(specs, case.fields, typed)
        if not changes:
            return done(_path(key), "facts_unchanged", request)
        principal: Principal = context["principal"]
        await update_case(
            key,
            CaseChanges(version=int(version), fields=changes),
            actor=principal.actor,
            supervisor=principal.holds("supervisor"),
        )
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    except (InvalidInput, Conflict, Forbidden) as problem:
        if isinstance(problem, InvalidInput) and problem.field == "version":
            field, message = "form", t["facts_err_version"]
        elif isinstance(problem, InvalidInput):
            field, message = error_text(specs, problem.field, t)
        elif isinstance(problem, Conflict):
            field, message = "form", t["facts_err_changed"]
        else:
            field, message = "form", t["facts_err_forbidden"]
        attempt = {"action": "facts", "values": typed, "facts_error": {field: message}}
        return await case_page(request, context, key, status=status_of(problem), attempt=attempt)
    return done(_path(key), "facts_saved", request)


def _invalid(problem: msgspec.ValidationError) -> InvalidInput:
    """Msgspec's complaint about a field, as the field and the reason."""
    message = str(problem)
    field = ""
    if "at `$." in message:
        field = message.split("at `$.", 1)[1].split("`", 1)[0].split("[", 1)[0]
    elif message.startswith("Object missing required field `"):
        field = message.split("`", 2)[1]
    return InvalidInput(field or "form", message.split(" - at ", 1)[0])


def _day_end(day: str, context: dict[str, Any]) -> datetime:
    """A date from a date field, as the end of that day in the tenant's zone."""
    try:
        chosen = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("due_on", "give the date as YYYY-MM-DD") from None
    return datetime.combine(chosen, time(23, 59), context["tenant"].zone).astimezone(UTC)
