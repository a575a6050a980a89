"""Following a complaint up with its receipt: read the replies, write, send files.

The receipt always travels in the body of a POST, never in a URL; the case
page carries it on in hidden fields, and the page is never cached. The POST
routes sit behind the receipts' guard (``core.receipts.api.ReceiptGuard``), as
the JSON follow-up routes do: the same guessing limits, the same answer time.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND, HTTP_409_CONFLICT

from core.attachments.services import AttachmentTooLarge
from core.errors import Conflict, InvalidInput
from core.receipts import files, services, survey_answers
from core.receipts.files import NOTE_FIELD, RECEIPT_FIELD
from core.receipts.guessing import counting_refusal
from core.receipts.services import AppealIn, FollowUp, FollowUpMessageIn, UnknownReceipt
from core.receipts.survey_answers import ReceiptSurveyIn
from core.settings import Settings
from frontend.public import (
    MAX_FORM_BYTES,
    PageRefusal,
    checked_form,
    form_context,
    problem,
    render,
    text,
    uploaded,
)

#: The survey's scale, as the survey page and the API have it.
SCORES = (1, 2, 3, 4, 5)


@get("/follow-up", include_in_schema=False)
async def receipt_form(request: Request[Any, Any, Any]) -> Template:
    """The form that asks for the receipt."""
    context, cookies = form_context(request)
    return render(request, "followup.html", context, cookies=cookies)


@post("/follow-up", include_in_schema=False, status_code=200)
async def read_case(request: Request[Any, Any, Any]) -> Template:
    """The receipt's case: status, replies, what the complainant sent, what they can do."""
    try:
        form = await checked_form(request)
    except PageRefusal as refusal:
        return problem(request, refusal)
    receipt = text(form, RECEIPT_FIELD)
    try:
        with counting_refusal(request.scope):
            case = await services.follow_up(_receipt(receipt))
    except (UnknownReceipt, InvalidInput):
        return _unknown(request, receipt)
    return _case_page(request, receipt, case)


@post(
    "/follow-up/message",
    include_in_schema=False,
    status_code=200,
    request_max_body_size=MAX_FORM_BYTES,
)
async def send_message(request: Request[Any, Any, Any]) -> Template:
    """Add the complainant's message, with a file if they chose one."""
    try:
        form = await checked_form(request)
    except PageRefusal as refusal:
        return problem(request, refusal)
    receipt, message = text(form, RECEIPT_FIELD), text(form, NOTE_FIELD)
    try:
        with counting_refusal(request.scope):
            case = await _send(request, form, _receipt(receipt), message)
    except UnknownReceipt:
        return _unknown(request, receipt)
    except (InvalidInput, Conflict, AttachmentTooLarge) as exc:
        field = "message" if isinstance(exc, InvalidInput) and exc.field == NOTE_FIELD else "file"
        return await _again(request, receipt, {field: f"err_{field}"}, {"message": message})
    return _case_page(request, receipt, case, notice="message_sent")


@post("/follow-up/survey", include_in_schema=False, status_code=200)
async def answer_survey(request: Request[Any, Any, Any]) -> Template:
    """Record how satisfied the complainant is with the closed case."""
    try:
        form = await checked_form(request)
    except PageRefusal as refusal:
        return problem(request, refusal)
    receipt = text(form, RECEIPT_FIELD)
    comment = text(form, "comment")
    try:
        answer = msgspec.convert(
            {"receipt": _receipt(receipt), "score": text(form, "score"), "comment": comment},
            ReceiptSurveyIn,
            strict=False,
        )
    except (msgspec.ValidationError, InvalidInput):
        return await _again(request, receipt, {"score": "err_score"}, {"comment": comment})
    try:
        with counting_refusal(request.scope):
            case = await survey_answers.answer_with_receipt(answer)
    except UnknownReceipt:
        return _unknown(request, receipt)
    except Conflict:
        return await _again(request, receipt, {"score": "err_survey_closed"}, {}, HTTP_409_CONFLICT)
    return _case_page(request, receipt, case, notice="survey_thanks")


@post("/follow-up/appeal", include_in_schema=False, status_code=200)
async def appeal(request: Request[Any, Any, Any]) -> Template:
    """Open the next level of appeal against the answer, with the complainant's grounds."""
    try:
        form = await checked_form(request)
    except PageRefusal as refusal:
        return problem(request, refusal)
    receipt, reason = text(form, RECEIPT_FIELD), text(form, "reason")
    try:
        data = msgspec.convert({"receipt": _receipt(receipt), "reason": reason}, AppealIn)
    except (msgspec.ValidationError, InvalidInput):
        return await _again(request, receipt, {"reason": "err_reason"}, {"reason": reason})
    try:
        with counting_refusal(request.scope):
            case = await services.appeal(data)
    except UnknownReceipt:
        return _unknown(request, receipt)
    except InvalidInput:
        return await _again(request, receipt, {"reason": "err_reason"}, {"reason": reason})
    except Conflict:
        return await _again(
            request, receipt, {"reason": "err_appeal_closed"}, {"reason": reason}, HTTP_409_CONFLICT
        )
    return _case_page(request, receipt, case, notice="appeal_sent")


async def _send(
    request: Request[Any, Any, Any], form: FormMultiDict, receipt: str, message: str
) -> FollowUp:
    upload = uploaded(form, {RECEIPT_FIELD: receipt, NOTE_FIELD: message})
    if upload is None:
        try:
            checked = msgspec.convert({"receipt": receipt, "message": message}, FollowUpMessageIn)
        except msgspec.ValidationError:
            raise InvalidInput(NOTE_FIELD, "is blank, too long or has control characters") from None
        return await services.add_message(checked.receipt, checked.message)
    settings: Settings = request.app.state["settings"]
    return await files.send_file(upload, policy=files.public_policy(settings))


def _receipt(receipt: str) -> str:
    """The receipt as typed; a blank or absurdly long one opens nothing."""
    if not receipt or len(receipt) > 200:
        raise UnknownReceipt()
    return receipt


async def _again(
    request: Request[Any, Any, Any],
    receipt: str,
    errors: dict[str, str],
    values: dict[str, str],
    status: int = HTTP_400_BAD_REQUEST,
) -> Template:
    """The case page again, with what to correct next to its field."""
    try:
        with counting_refusal(request.scope):
            case = await services.follow_up(_receipt(receipt))
    except UnknownReceipt:
        return _unknown(request, receipt)
    return _case_page(request, receipt, case, errors=errors, values=values, status=status)


def _unknown(request: Request[Any, Any, Any], receipt: str) -> Template:
    context, cookies = form_context(request)
    context.update(error="unknown_receipt", values={RECEIPT_FIELD: receipt})
    return render(request, "followup.html", context, status=HTTP_404_NOT_FOUND, cookies=cookies)


def _case_page(
    request: Request[Any, Any, Any],
    receipt: str,
    case: FollowUp,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    context, cookies = form_context(request)
    context.update(
        case=case,
        receipt=receipt,
        notice=notice,
        errors=errors or {},
        values=values or {},
        scores=SCORES,
    )
    return render(request, "followup_case.html", context, status=status, cookies=cookies)
