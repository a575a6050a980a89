"""The tenant administrator's setup pages: plugins and their settings, letter templates.

Every change goes to the service the JSON API uses (``core.plugins.services``,
``core.letters.services``), which writes the audit event. A plugin's settings
form is drawn from the fields the plugin declares; a value the plugin's schema
refuses is named beside its field, with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND

from core.errors import InvalidInput, NotFound
from core.letters import services as letters
from core.plugins import services as plugins
from core.plugins.fieldvalues import MAX_TEXT
from core.plugins.host import ENTRY_POINT_GROUP, plugin_host
from core.sdk import SettingField
from frontend.admin_pages import admin_form, admin_page
from frontend.i18n import LANGUAGES
from frontend.public import text
from frontend.staff_common import done, render_staff

PLUGINS_PATH = "/staff/admin/plugins"
TEMPLATES_PATH = "/staff/admin/templates"
#: What a refusal of the settings schema says, by how its reason begins.
_SETTING_PROBLEMS = (
    ("is required", "setup_error_required"),
    ("must be a whole number", "setup_error_number"),
    ("must be at least", "setup_error_min"),
    ("must be at most", "setup_error_max"),
    ("must be one of", "setup_error_choice"),
    ("must be a date", "setup_error_date"),
    ("must be text of at most", "setup_error_long"),
    ("must not contain control", "setup_error_control"),
    ("must be true or false", "setup_error_boolean"),
)


def _not_found(request: Request[Any, Any, Any], context: dict[str, Any]) -> Template:
    return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)


def _lang_query(context: Mapping[str, Any]) -> str:
    return f"?lang={context['lang']}" if context.get("lang_chosen") else ""


# -- plugins ------------------------------------------------------------------------------


@cache
def _distributions() -> dict[str, str]:
    """The distribution each plugin module comes from, by the entry point that names it."""
    found: dict[str, str] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.dist is not None:
            found[entry.module] = entry.dist.name
    return found


def vendor_of(name: str) -> str | None:
    """Who ships a plugin: the distribution it was installed from, when it came through one."""
    plugin = plugin_host().pm.get_plugin(name)
    module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    return _distributions().get(module)


@get(PLUGINS_PATH, include_in_schema=False)
async def admin_plugins(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Every installed plugin, whether the tenant enabled it, and buttons to change that."""
    context, refusal = admin_page(request, PLUGINS_PATH)
    if refusal is not None:
        return refusal
    statuses = await plugins.list_plugins()
    context["plugins"] = [(status, vendor_of(status.name)) for status in statuses]
    context["lang_query"] = _lang_query(context)
    return render_staff(request, "admin_plugins.html", context)


async def _switch(request: Request[Any, Any, Any], name: str, enable: bool) -> Template | Redirect:
    context, _, early = await admin_form(request, PLUGINS_PATH)
    if early is not None:
        return early
    actor = context["principal"].actor
    try:
        if enable:
            await plugins.enable_plugin(name, actor=actor)
        else:
            await plugins.disable_plugin(name, actor=actor)
    except NotFound:
        return _not_found(request, context)
    return done(PLUGINS_PATH, "plugin_enabled" if enable else "plugin_disabled", request)


@post(f"{PLUGINS_PATH}/{{name:str}}/enable", include_in_schema=False, status_code=303)
async def enable_plugin(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Template | Redirect:
    """Enable an installed plugin for the tenant."""
    return await _switch(request, name, True)


@post(f"{PLUGINS_PATH}/{{name:str}}/disable", include_in_schema=False, status_code=303)
async def disable_plugin(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Template | Redirect:
    """Disable a plugin for the tenant; its settings are kept."""
    return await _switch(request, name, False)


def _plugin_path(name: str) -> str:
    return f"{PLUGINS_PATH}/{quote(name, safe='')}"


def _shown(spec: SettingField, value: Any) -> str:
    """A stored setting as its form field shows it."""
    if value is None:
        return ""
    if spec.type == "boolean":
        return "on" if value else ""
    return str(value)


async def _plugin_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    name: str,
    *,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Template:
    found = [s for s in await plugins.list_plugins() if s.name == name]
    if not found:
        return _not_found(request, context)
    plugin = found[0]
    values = (
        dict(typed)
        if typed is not None
        else {f.name: _shown(f, plugin.settings.get(f.name, f.default)) for f in plugin.schema}
    )
    context.update(
        plugin=plugin,
        vendor=vendor_of(name),
        values=values,
        errors=dict(errors or {}),
        action=_plugin_path(name) + _lang_query(context),
        lang_query=_lang_query(context),
    )
    return render_staff(request, "admin_plugin.html", context, status=status)


@get(f"{PLUGINS_PATH}/{{name:str}}", include_in_schema=False)
async def admin_plugin(request: Request[Any, Any, Any], name: FromPath[str]) -> Template | Redirect:
    """A plugin's settings, as a form drawn from the fields it declares."""
    context, refusal = admin_page(request, _plugin_path(name))
    if refusal is not None:
        return refusal
    return await _plugin_page(request, context, name)


def _setting_problem(t: Mapping[str, str], spec: SettingField, reason: str) -> str:
    """A refusal of the settings schema in the page's language."""
    for start, key in _SETTING_PROBLEMS:
        if reason.startswith(start):
            return t[key].format(
                minimum=spec.minimum,
                maximum=spec.maximum,
                choices=", ".join(map(str, spec.choices)),
                limit=f"{MAX_TEXT:,}",
            )
    return t["setup_error_other"]


def _read_settings(
    schema: Sequence[SettingField], form: FormMultiDict, t: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """The form as typed, as typed values, and the problem of each field refused."""
    typed: dict[str, str] = {}
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in schema:
        raw = form.get(spec.name)
        shown = raw if isinstance(raw, str) else ""
        typed[spec.name] = shown
        value: Any = shown.strip() if spec.type != "text" else shown
        if spec.type == "boolean":
            value = shown == "on"
        elif spec.type == "integer" and value != "":
            try:
                value = int(value)
            except ValueError:
                errors[spec.name] = t["setup_error_number"]
                continue
        if value == "":
            value = None
        try:
            plugins.validate_settings([spec], {spec.name: value})
        except InvalidInput as problem:
            errors[spec.name] = _setting_problem(t, spec, problem.reason)
            continue
        if value is not None:
            values[spec.name] = value
    return typed, values, errors


@post(f"{PLUGINS_PATH}/{{name:str}}", include_in_schema=False, status_code=303)
async def configure_plugin(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Template | Redirect:
    """Store a plugin's settings; a refused value is named beside its field, the form kept."""
    context, form, early = await admin_form(request, _plugin_path(name))
    if early is not None:
        return early
    host = plugin_host()
    if name not in host.infos:
        return _not_found(request, context)
    typed, values, errors = _read_settings(plugins.settings_schema(host, name), form, context["t"])
    if not errors:
        try:
            await plugins.configure_plugin(name, values, actor=context["principal"].actor)
        except InvalidInput as problem:
            errors["form"] = context["t"]["setup_error_other"] + f" ({problem.reason})"
        else:
            return done(_plugin_path(name), "plugin_configured", request)
    return await _plugin_page(
        request, context, name, typed=typed, errors=errors, status=HTTP_400_BAD_REQUEST
    )


# -- letter templates ------------------------------------------------------------------------


def _template_path(kind: str, language: str) -> str:
    return f"{TEMPLATES_PATH}/{quote(kind, safe='')}/{quote(language, safe='')}"


@get(TEMPLATES_PATH, include_in_schema=False)
async def admin_templates(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Each kind of letter in each language: the tenant's own wording or the default."""
    context, refusal = admin_page(request, TEMPLATES_PATH)
    if refusal is not None:
        return refusal
    own = await letters.own_templates()
    context.update(
        kinds=letters.KINDS,
        letter_languages=letters.LANGUAGES,
        sources={
            (kind, lang): "own"
            if (kind, lang) in own
            else ("default" if (kind, lang) in letters.DEFAULTS else "fallback")
            for kind in letters.KINDS
            for lang in letters.LANGUAGES
        },
        offered=await letters.offered_templates(),
        lang_query=_lang_query(context),
    )
    return render_staff(request, "admin_templates.html", context)


def _offer(
    offered: Sequence[letters.OfferedTemplate], chosen: str
) -> letters.OfferedTemplate | None:
    for template in offered:
        if f"{template.plugin}:{template.code}" == chosen:
            return template
    return None


async def _template_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    kind: str,
    language: str,
    *,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    preview: letters.Letter | None = None,
    status: int = 200,
) -> Template:
    try:
        current = await letters.template_text(kind, language)
    except NotFound:
        return _not_found(request, context)
    offered = None
    chosen = request.query_params.get("offer")
    if typed is None and chosen is not None:
        offered = _offer(await letters.offered_templates(), chosen)
        if offered is None or (offered.kind, offered.language) != (kind, language):
            return _not_found(request, context)
        typed = {"subject": offered.subject, "body": offered.body}
    context.update(
        kind=kind,
        language=language,
        language_name=LANGUAGES[language],
        current=current,
        offered=offered,
        values=dict(typed)
        if typed is not None
        else {"subject": current.subject, "body": current.body},
        errors=dict(errors or {}),
        preview=preview,
        variables=letters.VARIABLES,
        required=letters.REQUIRED.get(kind, ()),
        action=_template_path(kind, language) + _lang_query(context),
        reset_action=_template_path(kind, language) + "/default" + _lang_query(context),
        lang_query=_lang_query(context),
    )
    return render_staff(request, "admin_template.html", context, status=status)


@get(f"{TEMPLATES_PATH}/{{letter:str}}/{{language:str}}", include_in_schema=False)
async def admin_template(
    request: Request[Any, Any, Any], letter: FromPath[str], language: FromPath[str]
) -> Template | Redirect:
    """Edit one letter's wording (or start from a plugin's, with ``?offer=plugin:code``)."""
    context, refusal = admin_page(request, _template_path(letter, language))
    if refusal is not None:
        return refusal
    return await _template_page(request, context, letter, language)


def _template_problem(t: Mapping[str, str], problem: InvalidInput) -> str:
    if isinstance(problem, letters.TemplateRefused):
        limit = letters.SUBJECT_MAX if problem.field == "subject" else letters.BODY_MAX
        return t[f"setup_template_{problem.problem}"].format(
            detail=problem.detail, variable=problem.detail, limit=f"{limit:,}"
        )
    return t["setup_error_other"]


@post(f"{TEMPLATES_PATH}/{{letter:str}}/{{language:str}}", include_in_schema=False, status_code=303)
async def save_template(
    request: Request[Any, Any, Any], letter: FromPath[str], language: FromPath[str]
) -> Template | Redirect:
    """Preview the letter with sample values, or store the wording; a broken one is refused."""
    path = _template_path(letter, language)
    context, form, early = await admin_form(request, path)
    if early is not None:
        return early
    if letter not in letters.KINDS or language not in letters.LANGUAGES:
        return _not_found(request, context)
    raw_subject, raw_body = form.get("subject"), form.get("body")
    typed = {
        "subject": raw_subject if isinstance(raw_subject, str) else "",
        "body": raw_body if isinstance(raw_body, str) else "",
    }
    intent = text(form, "intent") or "save"
    if intent not in ("save", "preview"):
        errors = {"form": context["t"]["setup_error_other"]}
        return await _template_page(
            request, context, letter, language, typed=typed, errors=errors, status=400
        )
    try:
        if intent == "preview":
            letter_shown = letters.preview(letter, language, typed["subject"], typed["body"])
            return await _template_page(
                request, context, letter, language, typed=typed, preview=letter_shown
            )
        await letters.save_template(
            letter, language, typed["subject"], typed["body"], actor=context["principal"].actor
        )
    except InvalidInput as problem:
        field = problem.field if problem.field in ("subject", "body") else "form"
        errors = {field: _template_problem(context["t"], problem)}
        return await _template_page(
            request, context, letter, language, typed=typed, errors=errors, status=400
        )
    return done(path, "template_saved", request)


@post(
    f"{TEMPLATES_PATH}/{{letter:str}}/{{language:str}}/default",
    include_in_schema=False,
    status_code=303,
)
async def reset_template(
    request: Request[Any, Any, Any], letter: FromPath[str], language: FromPath[str]
) -> Template | Redirect:
    """Drop the tenant's own wording: the default applies again."""
    path = _template_path(letter, language)
    context, _, early = await admin_form(request, path)
    if early is not None:
        return early
    try:
        await letters.reset_template(letter, language, actor=context["principal"].actor)
    except NotFound:
        return _not_found(request, context)
    return done(path, "template_reset", request)
