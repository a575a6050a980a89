"""The staff page that registers a complaint received by telephone, letter, in person or e-mail.

The form calls ``core.cases.services.register_case`` and then
``acknowledge_on_arrival``, as ``POST /api/v1/cases`` does, with the same people
allowed: any staff member of the organisation. This module only turns the form
into a ``NewCase`` and the refusals into messages beside the fields.

The plugins' intake fields are asked for every channel a member of staff may
choose here, each saying which channels it is for when not all: the form works
without JavaScript, so the channel chosen on it cannot narrow it. A value given
for a channel its field is not for is still kept by the core, so nothing typed
is lost; a field the plugin requires is required only for its own channels.
Fields recorded while handling a case (``at_intake`` false) are not asked here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, get_args
from urllib.parse import quote
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from core.access import services as access
from core.auth.principal import Principal
from core.cases.schemas import NewCase, Severity
from core.cases.services import register_case
from core.errors import Conflict, InvalidInput, NotFound
from core.lifecycle.services import acknowledge_on_arrival
from core.plugins.fieldvalues import checked_value
from core.sdk import IntakeField
from core.taxonomy.services import taxonomy
from frontend.case_facts import FACT_FIELD, Fact, case_fields, changed_facts, error_text, facts_of
from frontend.i18n import LANGUAGES
from frontend.public import text
from frontend.staff_common import done, render_staff, staff_form_page, staff_page, status_of

PATH = "/staff/cases/new"
#: How a complaint reaches staff; the web form and the mailbox register their own. A
#: kiosk's filing is entered here when the kiosk does not post it through the API.
CHANNELS = ("phone", "letter", "in_person", "email", "kiosk")
#: What staff may know of who the complainant is, in the order the form offers it.
IDENTITIES = ("identified", "protected", "anonymous")
SEVERITIES: tuple[str, ...] = get_args(Severity)
#: The form's own fields in the order of the form: those before the plugins' fields ...
_BEFORE = (
    "channel",
    "received_on",
    "received_time",
    "arrival_note",
    "subject",
    "description",
    "identity",
    "name",
    "email",
    "phone",
    "language",
    "representative_name",
    "representative_email",
    "subjects",
    "witnesses",
)
#: ... and those after them.
_AFTER = ("category", "severity")
FORM_FIELDS = (*_BEFORE, *_AFTER)
#: A letter of 50,000 characters, each as long as UTF-8 and percent-encoding make it, and the rest.
MAX_INTAKE_FORM_BYTES = 1_048_576
#: The text beside a form field the schema refuses, by the field.
_ERRORS = {
    "channel": "intake_err_channel",
    "received_at": "intake_err_received",
    "arrival_note": "intake_err_arrival_note",
    "subject": "err_subject",
    "description": "err_description",
    "identity": "intake_err_identity",
    "name": "err_name",
    "email": "err_email",
    "phone": "err_phone",
    "language": "err_language",
    "representative_name": "intake_err_representative",
    "representative_email": "err_email",
    "subjects": "intake_err_names",
    "witnesses": "intake_err_names",
    "category": "err_category",
    "severity": "intake_err_severity",
    "form": "err_form",
}
_AT = re.compile(r"at `\$((?:\.\w+|\[\d+\])+)`")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")


@dataclass(frozen=True, slots=True)
class AskedField:
    """A plugin's intake field as the form asks it."""

    fact: Fact
    #: The channels of this form it is asked for, when not all of them.
    channels: tuple[str, ...]
    #: Required on every channel of this form (else at most on ``channels``).
    required: bool
    #: Required on ``channels`` only.
    required_there: bool


async def intake_fields() -> list[IntakeField]:
    """The plugins' fields asked when a complaint comes in on any channel of this form."""
    return [
        spec
        for spec in await case_fields()
        if spec.at_intake and (not spec.channels or set(CHANNELS) & set(spec.channels))
    ]


@get(PATH, include_in_schema=False)
async def intake_form(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The empty form: received now, in the organisation's time zone."""
    context, refusal = staff_page(request, PATH)
    if refusal is not None:
        return refusal
    tenant = context["tenant"]
    now = context["now"].astimezone(tenant.zone)
    language = tenant.default_language
    values = {
        "received_on": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
        "identity": IDENTITIES[0],
        "severity": "normal",
        "language": language if language in LANGUAGES else context["lang"],
    }
    return await _page(request, context, values, {}, await intake_fields())


@post(
    PATH,
    include_in_schema=False,
    status_code=303,
    request_max_body_size=MAX_INTAKE_FORM_BYTES,
)
async def register_complaint(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Register the complaint and go to its page, or show the form again with what to correct."""
    context, form, early = await staff_form_page(request, PATH)
    if early is not None:
        return early
    t = context["t"]
    specs = await intake_fields()
    values = _values(form, specs)
    new, errors = _new_case(values, specs, context["tenant"].zone, t)
    if new is None:
        return await _page(request, context, values, errors, specs, status=HTTP_400_BAD_REQUEST)
    principal: Principal = context["principal"]
    try:
        case = await register_case(new, actor=principal.actor)
        await acknowledge_on_arrival(case.id)
    except (InvalidInput, Conflict) as problem:
        # The 400 rolls the tenant transaction back: nothing of the case is kept.
        field, message = _refusal(problem, specs, values, t)
        return await _page(
            request, context, values, {field: message}, specs, status=status_of(problem)
        )
    try:
        await access.checked(case.id, None)
    except NotFound:
        # A plugin's confidentiality or exclusion keeps the case from whoever typed it in.
        return done("/staff", "case_registered_unseen", request)
    return done(f"/staff/cases/{quote(case.reference, safe='')}", "case_registered", request)


def _values(form: FormMultiDict, specs: list[IntakeField]) -> dict[str, str]:
    """Everything typed, as the form shows it again."""
    return {name: text(form, name) for name in FORM_FIELDS} | {
        FACT_FIELD + spec.name: text(form, FACT_FIELD + spec.name) for spec in specs
    }


async def _page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    specs: list[IntakeField],
    *,
    status: int = 200,
) -> Template:
    t, language = context["t"], context["lang"]
    facts = facts_of(specs, {}, t, language, values)
    asked = [_asked(fact, spec) for fact, spec in zip(facts, specs, strict=True)]
    # The form's order, so that the list of problems reads like the form.
    before = ["received_at" if name == "received_on" else name for name in _BEFORE]
    order = [*before, *(f.field for f in facts), *_AFTER, "form"]
    context.update(
        section="intake",
        values=values,
        errors=dict(sorted(errors.items(), key=lambda e: _place(order, e[0]))),
        # Where the list of problems leads to, for a problem not named after its field.
        anchors={
            "received_at": "received_on",
            "channel": f"channel-{CHANNELS[0]}",
            "identity": f"identity-{IDENTITIES[0]}",
            **{f.field: f"{f.field}-true" for f in facts if f.type == "boolean"},
        },
        channels=CHANNELS,
        identities=IDENTITIES,
        severities=SEVERITIES,
        categories=[(term.code, term.label) for term in await taxonomy("category") if term.active],
        asked=asked,
        zone=context["tenant"].timezone,
    )
    return render_staff(request, "staff_intake.html", context, status=status)


def _place(order: list[str], field: str) -> int:
    return order.index(field) if field in order else len(order)


def _asked(fact: Fact, spec: IntakeField) -> AskedField:
    channels = tuple(c for c in CHANNELS if c in spec.channels) if spec.channels else CHANNELS
    everywhere = channels == CHANNELS
    return AskedField(
        fact=fact,
        channels=() if everywhere else channels,
        required=spec.required and everywhere,
        required_there=spec.required and not everywhere,
    )


# -- from the form to a NewCase ----------------------------------------------------------------


def _new_case(
    values: Mapping[str, str], specs: list[IntakeField], zone: ZoneInfo, t: Mapping[str, str]
) -> tuple[NewCase | None, dict[str, str]]:
    """The form's complaint, or every field the form or the schema refuses, with its text."""
    wrong: set[str] = set()
    for name, allowed in (
        ("channel", CHANNELS),
        ("severity", SEVERITIES),
        ("language", tuple(LANGUAGES)),
        ("identity", IDENTITIES),
    ):
        if values[name] not in allowed:
            wrong.add(name)
    received_at = _received_at(values["received_on"], values["received_time"], zone)
    if received_at is None:
        wrong.add("received_at")
    complainant, problems = _complainant(values)
    parties, party_fields = _parties(values)
    if values["representative_email"] and not values["representative_name"]:
        wrong.add("representative_name")
    data: dict[str, Any] = {
        "subject": values["subject"],
        "description": values["description"],
        "channel": values["channel"] if "channel" not in wrong else CHANNELS[0],
        "received_at": received_at,
        "severity": values["severity"] if "severity" not in wrong else "normal",
        "fields": changed_facts(specs, {}, values),  # the facts the form gives, none stored
        "parties": parties,
    }
    if complainant is not None:
        data["complainant"] = complainant
    optional = ("arrival_note", "category") + (() if "language" in wrong else ("language",))
    data.update({name: values[name] for name in optional if values[name]})
    # Each refusal is set aside with a passing value, to find the next: all are shown at once.
    for _ in range(len(FORM_FIELDS) + 2 * len(parties) + 1):
        try:
            new = msgspec.convert(data, NewCase)
        except msgspec.ValidationError as exc:
            field = _set_aside(data, _path(str(exc)), party_fields)
            wrong.add(field or "form")
            if field is None:
                break
        else:
            if not (wrong or problems):
                return new, {}
            break
    else:
        wrong.add("form")
    errors = {field: t[_ERRORS[field]] for field in wrong}
    return None, errors | {field: t[key] for field, key in problems.items()}


def _received_at(on: str, at: str, zone: ZoneInfo) -> datetime | None:
    """The date and time typed, in the organisation's zone; None when they are no time."""
    clock = _TIME.fullmatch(at)
    if not _DATE.fullmatch(on) or clock is None:
        return None
    try:
        day = date.fromisoformat(on)
    except ValueError:
        return None
    hour, minute, second = (int(part or 0) for part in clock.groups())
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def _complainant(values: Mapping[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The complainant as ``PersonIn`` takes them, and what the identity choice refuses."""
    identity = values["identity"]
    contacts = {name: values[name] for name in ("name", "email", "phone") if values[name]}
    if identity == "anonymous":
        # Dropping what was typed would lose it without a word: say so instead.
        problems = {"identity": "intake_err_anonymous"} if contacts else {}
        return {"anonymous": True}, problems
    if identity not in IDENTITIES:
        return None, {}
    if not contacts:
        return None, {"name": "intake_err_no_contact"}
    return {**contacts, "protected": identity == "protected"}, {}


def _parties(values: Mapping[str, str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The other parties, and for each the form field of its name and of its e-mail."""
    parties: list[dict[str, str]] = []
    fields: list[dict[str, str]] = []
    if values["representative_name"]:
        party = {"role": "representative", "name": values["representative_name"]}
        if values["representative_email"]:
            party["email"] = values["representative_email"]
        parties.append(party)
        fields.append({"name": "representative_name", "email": "representative_email"})
    for role, field in (("subject", "subjects"), ("witness", "witnesses")):
        for name in values[field].splitlines():
            if name.strip():
                parties.append({"role": role, "name": name.strip()})
                fields.append({"name": field})
    return parties, fields


def _path(message: str) -> tuple[str | int, ...]:
    """Where in ``NewCase`` a validation error is: ``("complainant", "email")``."""
    found = _AT.search(message)
    if found is None:
        return ()
    steps = re.findall(r"\.(\w+)|\[(\d+)\]", found.group(1))
    return tuple(name or int(index) for name, index in steps)


def _set_aside(
    data: dict[str, Any], path: tuple[str | int, ...], party_fields: list[dict[str, str]]
) -> str | None:
    """Put a passing value in place of the refused one; return its form field (None: unknown)."""
    match path:
        case ("subject" | "description" as name,):
            data[name] = "x"
            return name
        case ("arrival_note" | "category" | "language" as name,):
            data.pop(name, None)
            return name
        case ("complainant", "name" | "email" | "phone" as name):
            data["complainant"].pop(name, None)
            return name
        case ("parties", int(index), "email") if index < len(party_fields):
            data["parties"][index].pop("email", None)
            return party_fields[index].get("email", party_fields[index]["name"])
        case ("parties", int(index), *_) if index < len(party_fields):
            data["parties"][index]["name"] = "x"
            return party_fields[index]["name"]
        case ("parties",):
            data["parties"] = []  # more than the schema takes: the names are the many
            return "subjects"
    return None


def _refusal(
    problem: InvalidInput | Conflict,
    specs: list[IntakeField],
    values: Mapping[str, str],
    t: Mapping[str, str],
) -> tuple[str, str]:
    """The form field a refusal of the core belongs beside, and what it says there."""
    where = problem.field if isinstance(problem, InvalidInput) else ""
    if isinstance(problem, InvalidInput) and where.startswith("fields."):
        return _field_refusal(problem, specs, values, t)
    parts = tuple(where.split("."))
    field = {
        ("received_at",): "received_at",
        ("subject",): "subject",
        ("description",): "description",
        ("category",): "category",
        ("language",): "language",
        ("arrival_note",): "arrival_note",
        ("complainant", "name"): "name",
        ("complainant", "email"): "email",
        ("complainant", "phone"): "phone",
    }.get(parts, "form")
    return field, t[_ERRORS[field]]


def _field_refusal(
    problem: InvalidInput,
    specs: list[IntakeField],
    values: Mapping[str, str],
    t: Mapping[str, str],
) -> tuple[str, str]:
    """A plugin field's refusal: missing, of the wrong kind, or against the plugin's rule."""
    field, message = error_text(specs, problem.field, t)
    spec = next((s for s in specs if FACT_FIELD + s.name == field), None)
    if spec is None:
        return field, message
    given = changed_facts([spec], {}, values).get(spec.name)
    if given is None:
        return field, t["intake_err_required"]
    try:
        checked_value(problem.field, spec.type, given, choices=spec.choices)
    except InvalidInput:
        return field, message
    # The value is of the right kind: a plugin's own rule refused it, in the plugin's words.
    return field, t["intake_err_rule"].format(reason=problem.reason)
