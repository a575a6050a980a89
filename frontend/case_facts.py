"""The case facts the tenant's plugins define, as the case page shows them and its form sends them.

A plugin declares each fact once (``core.sdk.IntakeField``): some are asked on the
complaint form, others (``at_intake`` false) are recorded by staff while they
handle the case, such as the product or the redress paid. The case page lists
them all with their values; whoever may triage (``TRIAGE_ROLES``) gets a form
that sends the changed ones to ``core.cases.services.update_case``, which checks
them and keeps the values of sensitive facts out of the audit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar.datastructures import FormMultiDict

from core.cases.contributions import Contributions
from core.plugins.fieldvalues import MAX_TEXT
from core.sdk import IntakeField
from frontend.public import text

#: Form fields carrying the facts' values: ``field.<name>``, as on the complaint form.
FACT_FIELD = "field."
#: The longest whole number the form turns into a number; a longer one is the core's to refuse.
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,18}$")
#: The text beside a refused fact, by the fact's type.
_ERRORS = {
    "integer": "facts_err_integer",
    "date": "facts_err_date",
    "choice": "facts_err_choice",
    "multichoice": "facts_err_choice",
    "boolean": "facts_err_boolean",
    "string": "facts_err_text",
    "text": "facts_err_text",
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact as the page shows it and as its form field is filled."""

    name: str
    #: The form field's name (``field.<name>``).
    field: str
    type: str
    label: str
    help: str
    sensitive: bool
    at_intake: bool
    #: The value in words: a choice's label, yes or no, or "not recorded".
    shown: str
    #: What the form field holds: the stored value, or what was typed when refused.
    value: str
    #: A choice's options, as (code, label).
    choices: tuple[tuple[str, str], ...]


async def case_fields() -> list[IntakeField]:
    """Every fact the tenant's enabled plugins declare, asked at intake or recorded later."""
    contributions = await Contributions.of_tenant()
    hook = "querela_register_intake_fields"
    declared = contributions.items(await contributions.call(hook), hook, IntakeField)
    seen: dict[str, IntakeField] = {}
    for _, spec in declared:
        seen.setdefault(spec.name, spec)  # a name two plugins declare is the first one's
    return list(seen.values())


def form_value(spec: IntakeField, value: Any) -> str:
    """A stored value as its form field holds it."""
    if value is None:
        return ""
    if spec.type == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if spec.type == "multichoice" and isinstance(value, list):
        return _JOINED.join(str(v) for v in value)
    return str(value)


#: How the form keeps a multichoice's ticked codes in one string (codes hold no comma).
_JOINED = ","


def ticked(fact: Fact) -> list[str]:
    """The codes of a multichoice fact that its form shows ticked."""
    return [code for code in fact.value.split(_JOINED) if code]


def facts_of(
    specs: list[IntakeField],
    stored: Mapping[str, Any],
    t: Mapping[str, str],
    language: str,
    typed: Mapping[str, str] | None = None,
) -> list[Fact]:
    """The facts for the page: each with its value in words and in its form field."""
    facts = []
    for spec in specs:
        value = stored.get(spec.name)
        field = FACT_FIELD + spec.name
        facts.append(
            Fact(
                name=spec.name,
                field=field,
                type=spec.type,
                label=spec.label_in(language),
                help=spec.help_in(language),
                sensitive=spec.sensitive,
                at_intake=spec.at_intake,
                shown=_shown(spec, value, t, language),
                value=typed[field] if typed and field in typed else form_value(spec, value),
                choices=tuple((c, spec.choice_in(c, language)) for c in spec.choices),
            )
        )
    return facts


def _shown(spec: IntakeField, value: Any, t: Mapping[str, str], language: str) -> str:
    if value is None or value == "":
        return t["facts_not_recorded"]
    if spec.type == "boolean" and isinstance(value, bool):
        return t["facts_yes"] if value else t["facts_no"]
    if spec.type == "choice":
        return spec.choice_in(str(value), language)
    if spec.type == "multichoice" and isinstance(value, list):
        return ", ".join(spec.choice_in(str(v), language) for v in value)
    return str(value)


def typed_values(form: FormMultiDict, specs: list[IntakeField]) -> dict[str, str]:
    """What the form says for each fact it carries (a fact it leaves out is not in it)."""
    typed: dict[str, str] = {}
    for spec in specs:
        name = FACT_FIELD + spec.name
        if name not in form:
            continue
        if spec.type == "multichoice":
            # A hidden empty value always comes first, so that ticking none clears it.
            codes = [v for v in form.getall(name, []) if isinstance(v, str) and v]
            typed[name] = _JOINED.join(codes)
        else:
            typed[name] = text(form, name)
    return typed


def changed_facts(
    specs: list[IntakeField], stored: Mapping[str, Any], typed: Mapping[str, str]
) -> dict[str, Any]:
    """The facts whose value the form changes: the new value, or None to clear one."""
    changes: dict[str, Any] = {}
    for spec in specs:
        given = typed.get(FACT_FIELD + spec.name)
        if given is None:
            continue
        new = _typed(spec, given)
        old = stored.get(spec.name)
        if type(new) is type(old) and new == old:
            continue
        if new is None and old is None:
            continue
        changes[spec.name] = new
    return changes


def _typed(spec: IntakeField, given: str) -> Any:
    """The form's text as the core checks it; a value that does not fit is its to refuse."""
    if given == "":
        return None
    if spec.type == "integer" and _WHOLE_NUMBER.fullmatch(given):
        return int(given)
    if spec.type == "boolean" and given in ("true", "false"):
        return given == "true"
    if spec.type == "multichoice":
        return given.split(_JOINED)
    return given


def error_text(specs: list[IntakeField], field: str, t: Mapping[str, str]) -> tuple[str, str]:
    """The form field a refusal of ``fields.<name>`` belongs beside, and what it says there.

    A name the tenant's plugins no longer declare belongs to the whole form.
    """
    name = field.removeprefix("fields.")
    spec = next((s for s in specs if s.name == name), None)
    if spec is None or not field.startswith("fields."):
        return "form", t["facts_err_form"]
    return FACT_FIELD + name, t[_ERRORS.get(spec.type, "facts_err_text")].format(max=MAX_TEXT)
