"""The public complaint form and the receipt page (no JavaScript needed).

The form calls ``submit_complaint``, as the JSON API does: the rules live
there. This module only turns form fields into a ``PublicComplaint`` and the
service's refusals into messages next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from core.attachments.services import AttachmentTooLarge
from core.cases.contributions import Contributions
from core.errors import Conflict, InvalidInput
from core.receipts import files
from core.receipts.files import RECEIPT_FIELD
from core.receipts.services import PublicComplaint, SubmissionReceipt, submit_complaint
from core.sdk import IntakeField
from core.settings import Settings
from core.taxonomy.services import taxonomy
from frontend.i18n import LANGUAGES
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

#: The complainant's choice about their identity, in the order the form offers it.
IDENTITY_CHOICES = ("anonymous", "identified", "protected")
FORM_FIELDS = (
    "subject",
    "description",
    "category",
    "identity",
    "name",
    "email",
    "phone",
    "language",
)
#: Values that pass the schema, put in place of a refused one to find the next refusal.
_PASSING: dict[str, Any] = {
    "subject": "x",
    "description": "x",
    "name": "x",
    "email": "x@example.org",
    "phone": "000",
    "category": "x",
    "language": "en",
}
_AT_FIELD = re.compile(r"at `\$\.(\w+)`|required field `(\w+)`")


#: Form fields carrying the values of the plugins' intake fields: ``field.<name>``.
PLUGIN_FIELD = "field."
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,18}$")


async def _categories() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in await taxonomy("category") if t.active]


async def _intake_fields() -> list[IntakeField]:
    """The fields the tenant's plugins add to a complaint that arrives on the web."""
    contributions = await Contributions.of_tenant()
    hook = "querela_register_intake_fields"
    declared = contributions.items(await contributions.call(hook), hook, IntakeField)
    # A multichoice (several aspects of one complaint) is for staff to record on the case.
    return [
        spec
        for _, spec in declared
        if spec.at_intake
        and spec.type != "multichoice"
        and (not spec.channels or "web" in spec.channels)
    ]


def _plugin_values(form: FormMultiDict, specs: list[IntakeField]) -> dict[str, str]:
    return {PLUGIN_FIELD + spec.name: text(form, PLUGIN_FIELD + spec.name) for spec in specs}


def _typed(specs: list[IntakeField], values: dict[str, str]) -> dict[str, Any]:
    """The plugins' field values as the intake checks them; a wrong one is theirs to refuse."""
    typed: dict[str, Any] = {}
    for spec in specs:
        value = values.get(PLUGIN_FIELD + spec.name, "")
        if not value:
            continue
        if spec.type == "integer" and _WHOLE_NUMBER.fullmatch(value):
            typed[spec.name] = int(value)
        elif spec.type == "boolean":
            typed[spec.name] = value == "true"
        else:
            typed[spec.name] = value
    return typed


async def _form_page(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> Template:
    context, cookies = form_context(request)
    values.setdefault("language", context["lang"])
    context.update(
        values=values,
        errors=errors,
        categories=await _categories(),
        intake_fields=await _intake_fields(),
        plugin_field=PLUGIN_FIELD,
        identity_choices=IDENTITY_CHOICES,
    )
    return render(request, "complaint.html", context, status=status, cookies=cookies)


@get("/complain", include_in_schema=False)
async def complaint_form(request: Request[Any, Any, Any]) -> Template:
    """The empty complaint form."""
    return await _form_page(request, {}, {})


@post("/complain", include_in_schema=False, status_code=200, request_max_body_size=MAX_FORM_BYTES)
async def complain(request: Request[Any, Any, Any]) -> Template:
    """Register the complaint and show its receipt, or the form again with what to correct."""
    try:
        form = await checked_form(request)
    except PageRefusal as refusal:
        return problem(request, refusal)
    specs = await _intake_fields()
    values = {name: text(form, name) for name in FORM_FIELDS} | _plugin_values(form, specs)
    complaint, errors = _complaint(values)
    if complaint is None:
        return await _form_page(request, values, errors, status=HTTP_400_BAD_REQUEST)
    complaint.fields = _typed(specs, values)
    try:
        receipt = await submit_complaint(complaint)
        await _attach(request, form, receipt)
    except (InvalidInput, Conflict, AttachmentTooLarge) as exc:
        # The 400 rolls the tenant transaction back: no case without the file it came with.
        field = _shown_field(exc.field if isinstance(exc, InvalidInput) else "file", specs)
        return await _form_page(
            request, values, {field: _error_key(field)}, status=HTTP_400_BAD_REQUEST
        )
    context, cookies = form_context(request)
    context.update(
        receipt=receipt,
        stored=(
            "anonymous"
            if complaint.anonymous
            else "protected"
            if complaint.protected
            else "identified"
        ),
    )
    return render(request, "receipt.html", context, cookies=cookies)


async def _attach(
    request: Request[Any, Any, Any], form: FormMultiDict, receipt: SubmissionReceipt
) -> None:
    """Send the form's file, if any, as the complainant's first file on the new case."""
    upload = uploaded(form, {RECEIPT_FIELD: receipt.receipt})
    if upload is None:
        return
    settings: Settings = request.app.state["settings"]
    await files.send_file(upload, policy=files.public_policy(settings))


def _complaint(values: dict[str, str]) -> tuple[PublicComplaint | None, dict[str, str]]:
    """The form's complaint, or every field the schema refuses with its message's key."""
    errors: dict[str, str] = {}
    identity = values["identity"]
    if identity not in IDENTITY_CHOICES:
        errors["identity"] = "err_identity"
    data: dict[str, Any] = {
        "subject": values["subject"],
        "description": values["description"],
        "anonymous": identity == "anonymous",
        "protected": identity == "protected",
    }
    optional = ["category", "language"]
    if identity != "anonymous":
        optional += ["name", "email", "phone"]
    data.update({name: values[name] for name in optional if values[name]})
    if values["language"] and values["language"] not in LANGUAGES:
        errors["language"] = "err_language"
        data.pop("language")
    for _ in range(len(FORM_FIELDS)):
        try:
            complaint = msgspec.convert(data, PublicComplaint)
        except msgspec.ValidationError as exc:
            match = _AT_FIELD.search(str(exc))
            field = next((g for g in match.groups() if g), "") if match else ""
            if field not in _PASSING:
                errors.setdefault("form", "err_form")
                break
            errors[field] = _error_key(field)
            data[field] = _PASSING[field]
        else:
            return (None, _in_form_order(errors)) if errors else (complaint, errors)
    return None, _in_form_order(errors)


def _in_form_order(errors: dict[str, str]) -> dict[str, str]:
    """The errors in the order of their fields, so that the summary reads like the form."""
    order = [*FORM_FIELDS, "file", "form"]
    return dict(sorted(errors.items(), key=lambda item: order.index(item[0])))


def _shown_field(field: str, specs: Sequence[IntakeField] = ()) -> str:
    """The form field an error of the service belongs next to."""
    if field in FORM_FIELDS or field == "file":
        return field
    name = field.removeprefix("fields.")
    if field.startswith("fields.") and any(spec.name == name for spec in specs):
        return PLUGIN_FIELD + name
    return "form"


def _error_key(field: str) -> str:
    if field.startswith(PLUGIN_FIELD):
        return "err_field"
    return f"err_{field}" if field in FORM_FIELDS or field == "file" else "err_form"
