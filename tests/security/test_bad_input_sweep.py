"""Bad input on every route gets a clear 4xx and writes nothing, not even half of something.

The routes are read off the app (``sweep_routes.py``), so a route added later is
swept without being listed here. Each probe (``sweep_probes.py``) is the route's
valid request with one thing wrong, and the census of every table and of the
stored files (``sweep_scene.py``) must be the same after it as before. The valid
request itself is sent too (``test_the_valid_request_gets_through``): that proves
the probes reach validation rather than bouncing off authentication or a missing case.

What the app does not declare is said here: routes left alone (``EXCLUDED``),
the fields of bodies the OpenAPI document leaves open (``BODY_SCHEMAS``), real
values for path parameters (``REAL_VALUES``) and valid bodies (``VALID_BODIES``).
``test_every_route_is_swept_or_excluded`` fails on a route that needs one of them.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import quote

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar
from opentelemetry.sdk.trace import TracerProvider

from core.app import create_app
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.receipts.survey_answers import LinkSurveyIn
from core.sdk import (
    CaseView,
    PluginInfo,
    ReportDefinition,
    ReportOutput,
    SettingField,
    TenantView,
    hookimpl,
)
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from frontend import FrontendPlugin
from frontend.csrf import COOKIE as FORM_COOKIE
from frontend.csrf import FIELD as FORM_TOKEN_FIELD
from tenants.api import ControlPlanePlugin, SignupIn
from tenants.provisioning import SECTORS
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import new_tenant
from tests.security.sweep_probes import Probe, Upload, encoded, probes
from tests.security.sweep_routes import BodyKind, Endpoint, endpoints_of, inline, minimal
from tests.security.sweep_scene import Sent, Sweep, census, changes, refusal_faults, report

#: Routes the sweep leaves alone, and why.
EXCLUDED: dict[str, str] = {
    "GET /auth/login": (
        "starts a sign-in: each call stores a login attempt and redirects to Keycloak; a"
        " `next` leaving the host is replaced, not refused (tests/security/test_authentication.py)"
    ),
    "GET /auth/callback": (
        "Keycloak's redirect with a one-time code: no valid request exists without a browser"
        " sign-in (tests/e2e/test_staff_sign_in.py)"
    ),
    "GET /auth/complete": "redeems the ticket the callback issues; as the callback",
    "GET /auth/signed-out": (
        "Keycloak's return after sign-out: anything but a tenant slug sends the browser home,"
        " by design"
    ),
    "POST /auth/logout": "takes nothing but the session cookie, and ends the session",
    "GET /schema/{path}": "Litestar's OpenAPI router: a 404 for every path, none of our code",
}

#: Tables that bad input may change on purpose.
IGNORED_TABLES = {
    "receipt_attempt": (
        "guess counters, written on a connection of their own so that a refused receipt stays"
        " counted (core/receipts/guessing.py); a malformed receipt is a refused one"
    ),
}

#: Probes whose success is the design, not a bug.
ANSWERED_BY_DESIGN: dict[str, str] = {
    "PUT /api/v1/taxonomy/{kind}/{code} | path code: an id of nothing": (
        "PUT adds the term when its code is new: a well-formed code naming nothing yet is a"
        " valid request"
    ),
    "GET /api/v1/cases | query q: an unknown value": (
        "q is a search: any word is a valid one, and a word no case has finds nothing"
    ),
    "POST /complain | body: a form without a file": (
        "the complaint form's attachment is optional: a complaint without a file is a good one"
    ),
    "POST /follow-up/message | body: a form without a file": (
        "a message may go without a file; the form's file field is optional"
    ),
    "GET /staff | query q: an unknown value": (
        "the queue's search box: any word is a valid search, as on GET /api/v1/cases"
    ),
    "GET /staff | query category: an unknown value": (
        "a category filter: a category no case has is a valid filter that finds nothing"
    ),
    "GET /s/{token} | path token: an id of nothing": (
        "the survey page shows its form for any well-formed token without looking it up, so"
        " that the page tells a guesser nothing; the answer posted from it is checked"
        " (core/receipts/survey_page.py)"
    ),
}


# -- bodies the app does not describe ---------------------------------------------------------


class SweepPlugin:
    """An installed plugin with a setting of each kind: its form is the settings route's body."""

    SETTINGS = (
        SettingField(name="regulator", type="string", label="Regulator", required=True),
        SettingField(name="days", type="integer", label="Days", default=56, minimum=1, maximum=90),
        SettingField(name="tier", type="choice", label="Tier", choices=("gold", "silver")),
    )

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1.0.0", description="Bad-input sweep")

    @hookimpl
    def querela_register_settings(self) -> list[SettingField]:
        return list(self.SETTINGS)


class SweepReports:
    """An enabled plugin with one report, so that running a plugin report has a valid request."""

    CODE = "sweep-report"

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1.0.0", description="Sweep report")

    @hookimpl
    def querela_register_reports(self, tenant: TenantView) -> list[ReportDefinition]:
        return [ReportDefinition(code=self.CODE, title="Cases by channel")]

    @hookimpl
    def querela_report_for_cases(
        self, tenant: TenantView, code: str, cases: list[CaseView], parameters: dict[str, Any]
    ) -> ReportOutput | None:
        if code != self.CODE:
            return None
        channels = sorted({case.channel for case in cases})
        counts = [[c, sum(case.channel == c for case in cases)] for c in channels]
        return ReportOutput(code=code, columns=["channel", "cases"], rows=counts)


def settings_schema(settings: tuple[SettingField, ...]) -> dict[str, Any]:
    """A plugin's settings form as the JSON schema of the body that fills it in."""
    kinds = {"string": "string", "text": "string", "integer": "integer", "boolean": "boolean"}
    properties: dict[str, Any] = {}
    for f in settings:
        if f.type == "choice":
            properties[f.name] = {"type": "string", "enum": list(f.choices)}
        elif f.type == "date":
            properties[f.name] = {"type": "string", "format": "date"}
        else:
            bounds = {"minimum": f.minimum, "maximum": f.maximum}
            properties[f.name] = {
                "type": kinds[f.type],
                **{k: v for k, v in bounds.items() if v is not None},
            }
    required = [f.name for f in settings if f.required]
    return {"type": "object", "properties": properties, "required": required}


def _schema_of(struct: type) -> dict[str, Any]:
    (schema,), components = msgspec.json.schema_components([struct])
    return dict(inline(schema, {"$defs": components}))


#: Bodies whose fields the OpenAPI document does not spell out.
BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "PUT /api/v1/plugins/{name}/settings": settings_schema(SweepPlugin.SETTINGS),
    "POST /join": _schema_of(SignupIn),
    "POST /s": _schema_of(LinkSurveyIn),
    # The text fields of the form, ahead of its file (core/receipts/files.py).
    "POST /public/v1/followup/files": {
        "type": "object",
        "properties": {"receipt": {"type": "string"}, "message": {"type": "string"}},
        "required": ["receipt"],
    },
}

_TEXT = {"type": "string"}
#: A one-pixel PNG: what a logo upload's valid form carries.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
    "rkJggg=="
)
_ROLE = {
    "type": "string",
    "enum": ["handler", "investigator", "supervisor", "tenant-admin", "auditor"],
}
_ADMIN_TEAM_FORM = {
    "type": "object",
    "properties": {
        "name": _TEXT,
        "assignment": {"type": "string", "enum": ["round_robin", "least_loaded"]},
    },
    "required": ["name"],
}
_ADMIN_RULE_FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{
            name: _TEXT
            for name in ("name", "team", "assignee", "categories", "languages", "keywords", "flags")
        },
        "channels": {"type": "string", "enum": ["phone", "letter"]},
        "active": {"type": "string", "enum": ["yes"]},
    },
    "required": ["name", "team"],
}
#: The public pages' forms (frontend/complaint_pages.py, frontend/followup_pages.py), without
#: their form token: a probe that spoils the token is refused before the input is read.
PAGE_FORMS: dict[str, dict[str, Any]] = {
    "POST /complain": {
        "type": "object",
        "properties": {
            name: _TEXT
            for name in (
                "subject",
                "description",
                "identity",
                "name",
                "email",
                "phone",
                "category",
                "language",
            )
        },
        "required": ["subject", "description", "identity"],
    },
    "POST /follow-up": {
        "type": "object",
        "properties": {"receipt": _TEXT},
        "required": ["receipt"],
    },
    "POST /follow-up/message": {
        "type": "object",
        "properties": {"receipt": _TEXT, "message": _TEXT},
        "required": ["receipt"],
    },
    "POST /follow-up/survey": {
        "type": "object",
        "properties": {"receipt": _TEXT, "score": {"type": "integer"}, "comment": _TEXT},
        "required": ["receipt", "score"],
    },
    "POST /follow-up/appeal": {
        "type": "object",
        "properties": {"receipt": _TEXT, "reason": _TEXT},
        "required": ["receipt", "reason"],
    },
    # The case page's forms (frontend/staff_actions.py).
    "POST /staff/cases/{key}/actions/{action}": {
        "type": "object",
        "properties": {"reason": _TEXT},
        "required": ["reason"],
    },
    "POST /staff/cases/{key}/notes": {
        "type": "object",
        "properties": {
            "title": _TEXT,
            "body": _TEXT,
            "visibility": {"type": "string", "enum": ["internal", "shared"]},
        },
        "required": ["title"],
    },
    "POST /staff/cases/{key}/tasks": {
        "type": "object",
        "properties": {"title": _TEXT, "owner_email": _TEXT, "due_on": _TEXT},
        "required": ["title"],
    },
    "POST /staff/cases/{key}/tasks/{task_id}/done": {"type": "object", "properties": {}},
    "POST /staff/cases/{key}/files": {
        "type": "object",
        "properties": {"purpose": {"type": "string", "enum": ["attachment", "evidence"]}},
        "required": ["purpose"],
    },
    "POST /staff/cases/{key}/response": {
        "type": "object",
        "properties": {
            "intent": {"type": "string", "enum": ["preview", "send"]},
            "response": _TEXT,
            "letter": {"type": "string", "enum": ["final_response", "summary_resolution"]},
        },
        "required": ["intent", "response"],
    },
    "POST /staff/cases/{key}/holding": {
        "type": "object",
        "properties": {
            "intent": {"type": "string", "enum": ["preview", "send"]},
            "response": _TEXT,
        },
        "required": ["intent", "response"],
    },
    # The plugins' case facts (frontend/staff_actions.py): the sweep's tenant declares none,
    # so the form is its version alone (``field.<name>`` values come with a plugin).
    "POST /staff/cases/{key}/facts": {
        "type": "object",
        "properties": {"version": {"type": "integer"}},
        "required": ["version"],
    },
    # Registering a complaint received by phone, letter, in person or e-mail
    # (frontend/intake_pages.py); the sweep's tenant asks no plugin fields.
    "POST /staff/cases/new": {
        "type": "object",
        "properties": {
            "channel": {"type": "string", "enum": ["phone", "letter", "in_person", "email"]},
            "identity": {"type": "string", "enum": ["identified", "protected", "anonymous"]},
            "severity": {"type": "string", "enum": ["low", "normal", "high", "critical"]},
            "language": {"type": "string", "enum": ["en", "de", "ru", "et"]},
            **{
                name: _TEXT
                for name in (
                    "received_on",
                    "received_time",
                    "arrival_note",
                    "subject",
                    "description",
                    "name",
                    "email",
                    "phone",
                    "representative_name",
                    "representative_email",
                    "subjects",
                    "witnesses",
                    "category",
                )
            },
        },
        "required": ["channel", "received_on", "received_time", "subject", "description"],
    },
    # The supervisor's quality review (frontend/supervisor_pages.py).
    "POST /staff/supervision/quality/sample": {
        "type": "object",
        "properties": {
            "size": {"type": "integer"},
            "period": {"type": "string", "enum": ["30d", "90d", "365d"]},
        },
    },
    "POST /staff/supervision/quality/{review_id}": {
        "type": "object",
        "properties": {
            "score_acknowledged_on_time": {"type": "string", "enum": [*"12345", "na"]},
            "comment": _TEXT,
            "handler_comment": _TEXT,
            "final": {"type": "string", "enum": ["0", "1"]},
        },
    },
    # The tenant admin's pages (frontend/admin_pages.py, admin_people_pages.py,
    # admin_routing_pages.py).
    "POST /staff/admin/people/invite": {
        "type": "object",
        "properties": {
            "email": _TEXT,
            "display_name": _TEXT,
            "roles": _ROLE,
        },
        "required": ["email", "roles"],
    },
    "POST /staff/admin/people/{staff_id}": {
        "type": "object",
        "properties": {
            "change": {"type": "string", "enum": ["roles", "deactivate", "reactivate"]},
            "roles": _ROLE,
        },
        "required": ["change"],
    },
    "POST /staff/admin/teams": _ADMIN_TEAM_FORM,
    "POST /staff/admin/teams/{team_id}": _ADMIN_TEAM_FORM,
    "POST /staff/admin/routing/rules": _ADMIN_RULE_FORM,
    "POST /staff/admin/routing/rules/{rule_id}": {
        **_ADMIN_RULE_FORM,
        "properties": {
            **_ADMIN_RULE_FORM["properties"],
            "intent": {"type": "string", "enum": ["save", "up", "down", "delete"]},
        },
        "required": ["intent", "name", "team"],
    },
    "POST /staff/admin/routing/test": {
        "type": "object",
        "properties": {
            **{name: _TEXT for name in ("subject", "description", "category", "language", "flags")},
            "channel": {"type": "string", "enum": ["web", "letter", "phone"]},
            "severity": {"type": "string", "enum": ["normal", "high"]},
        },
        "required": ["subject"],
    },
    "POST /staff/admin/retention": {
        "type": "object",
        "properties": {
            "default_days": {"type": "integer"},
            "new_code": _TEXT,
            "new_days": {"type": "integer"},
        },
        "required": ["default_days"],
    },
}
# The setup pages (frontend/admin_setup_pages.py, frontend/branding_pages.py) and the
# platform's tenant list (frontend/platform_pages.py).
PAGE_FORMS.update(
    {
        "POST /staff/admin/plugins/{name}": settings_schema(SweepPlugin.SETTINGS),
        "POST /staff/admin/plugins/{name}/enable": {"type": "object", "properties": {}},
        "POST /staff/admin/plugins/{name}/disable": {"type": "object", "properties": {}},
        "POST /staff/admin/templates/{letter}/{language}": {
            "type": "object",
            "properties": {"subject": _TEXT, "body": _TEXT},
            "required": ["subject", "body"],
        },
        "POST /staff/admin/templates/{letter}/{language}/default": {
            "type": "object",
            "properties": {},
        },
        "POST /staff/admin/branding": {
            "type": "object",
            "properties": {"display_name": _TEXT, "primary_colour": _TEXT, "accent_colour": _TEXT},
        },
        "POST /staff/admin/branding/logo": {"type": "object", "properties": {}},
        "POST /platform/tenants/{slug}/suspend": {
            "type": "object",
            "properties": {"reason": _TEXT},
            "required": ["reason"],
        },
        "POST /platform/tenants/{slug}/resume": {"type": "object", "properties": {}},
    }
)
BODY_SCHEMAS.update(PAGE_FORMS)
#: The sweep's browser holds the token's cookie, and each valid form the same token.
FORM_TOKEN = "sweep-form-token-0123456789abcdefghijklmnop"

#: Routes whose handler reads its body by hand, so that no declared input says what it takes.
READ_BY_HAND: dict[str, BodyKind] = {
    "POST /s": "form",
    "POST /complain": "multipart",
    "POST /follow-up": "form",
    "POST /follow-up/message": "multipart",
    "POST /follow-up/survey": "form",
    "POST /follow-up/appeal": "form",
    "POST /staff/cases/{key}/actions/{action}": "form",
    "POST /staff/cases/{key}/notes": "form",
    "POST /staff/cases/{key}/tasks": "form",
    "POST /staff/cases/{key}/tasks/{task_id}/done": "form",
    "POST /staff/cases/{key}/files": "multipart",
    "POST /staff/cases/{key}/response": "form",
    "POST /staff/cases/{key}/holding": "form",
    "POST /staff/cases/{key}/facts": "form",
    "POST /staff/cases/new": "form",
    "POST /staff/supervision/quality/sample": "form",
    "POST /staff/supervision/quality/{review_id}": "form",
    "POST /staff/admin/people/invite": "form",
    "POST /staff/admin/people/{staff_id}": "form",
    "POST /staff/admin/teams": "form",
    "POST /staff/admin/teams/{team_id}": "form",
    "POST /staff/admin/routing/rules": "form",
    "POST /staff/admin/routing/rules/{rule_id}": "form",
    "POST /staff/admin/routing/test": "form",
    "POST /staff/admin/retention": "form",
    **{
        name: "form"
        for name in (
            "POST /staff/admin/plugins/{name}",
            "POST /staff/admin/plugins/{name}/enable",
            "POST /staff/admin/plugins/{name}/disable",
            "POST /staff/admin/templates/{letter}/{language}",
            "POST /staff/admin/templates/{letter}/{language}/default",
            "POST /staff/admin/branding",
            "POST /platform/tenants/{slug}/suspend",
            "POST /platform/tenants/{slug}/resume",
        )
    },
    "POST /staff/admin/branding/logo": "multipart",
}

ACTION_ROUTE = "POST /api/v1/cases/{key}/actions/{action}"
#: Actions, each with the status it is taken from, the fields it reads and a valid body.
#: ``ActionIn`` holds the fields of all of them; each is swept with an action that reads it.
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    "put_on_hold": ("received", ("reason",), {"reason": "Waiting for documents"}),
    "propose_decision": (
        "investigating",
        ("outcome", "redress", "actions", "root_cause", "measures"),
        {"outcome": "upheld"},
    ),
    "return_decision": ("decision_proposed", ("comment",), {"comment": "Ask the branch again."}),
    "respond": ("decision_approved", ("response",), {"response": "We agree with you."}),
    "open_appeal": ("responded", ("reason", "handler_email"), {"reason": "It misses my point."}),
}


def as_swept(endpoint: Endpoint) -> Endpoint:
    """The endpoint with what the sweep is told beyond what the app declares."""
    if endpoint.name in READ_BY_HAND:
        endpoint = replace(endpoint, body=READ_BY_HAND[endpoint.name])
    if endpoint.name in BODY_SCHEMAS:
        endpoint = replace(endpoint, body_schema=BODY_SCHEMAS[endpoint.name])
    return endpoint


def action_routes(endpoint: Endpoint) -> list[Endpoint]:
    """The action route once per action, with the body fields that action reads."""
    properties = (endpoint.body_schema or {}).get("properties", {})
    return [
        replace(
            endpoint,
            path=endpoint.path.replace("{action}", action),
            path_params=("key",),
            body_schema={
                "type": "object",
                "properties": {f: properties[f] for f in reads if f in properties},
            },
        )
        for action, (_, reads, _) in ACTIONS.items()
    ]


# -- known bugs in code the sweep's author may not change -------------------------------------


@dataclass(frozen=True)
class KnownBug:
    """Probes failing today for one reason, marked as a strict xfail."""

    probes: frozenset[str]
    reason: str


#: Probes that fail in code someone else is changing, with the bug report's gist. Strict:
#: a probe that starts passing fails the run until its entry goes, so a fix is noticed.
#: For instance ``KnownBug(frozenset({"POST /api/v1/cases | body.subject: NUL byte"}),
#: "core/cases: a NUL in the subject is a 500")``.
KNOWN_BUGS: list[KnownBug] = []


# -- the routes, as the app built at collection time has them ----------------------------------


def _collection_app() -> Litestar:
    """The app as the ``app`` fixture builds it, without installing its tracing globally."""
    settings = Settings(database_url="postgresql://sweep@localhost/sweep", keycloak_url="http://x")
    with mock.patch("core.app.install_globally"), mock.patch("core.app.instrument_asyncpg"):
        return create_app(
            settings,
            extensions=[FrontendPlugin(), ControlPlanePlugin()],
            tracer_provider=TracerProvider(),
        )


ENDPOINTS = [as_swept(e) for e in endpoints_of(_collection_app())]
SWEPT = [e for e in ENDPOINTS if e.takes_input and e.name not in EXCLUDED]


def _all_probes() -> Iterator[Probe]:
    for endpoint in SWEPT:
        yield from probes(endpoint)
        if endpoint.name == ACTION_ROUTE:
            for action in action_routes(endpoint):
                yield from (p for p in probes(action) if p.what.startswith("body."))


def _marked(probe: Probe) -> Any:
    bugs = [bug for bug in KNOWN_BUGS if probe.id in bug.probes]
    marks = [pytest.mark.xfail(strict=True, reason=bugs[0].reason)] if bugs else []
    return pytest.param(probe, id=probe.id, marks=marks)


PROBES = [_marked(p) for p in _all_probes() if p.id not in ANSWERED_BY_DESIGN]
#: The valid requests the probes spoil: every swept route, and the action route per action.
VALID = SWEPT + [a for e in SWEPT if e.name == ACTION_ROUTE for a in action_routes(e)]


# -- real values, valid bodies ----------------------------------------------------------------


async def _fixed(value: Any) -> Any:
    return value


async def _case_id(sweep: Sweep, endpoint: Endpoint) -> str:
    if "/identity" in endpoint.path:
        return str((await sweep.protected_case())["id"])
    action = endpoint.path.rsplit("/actions/", 1)[-1] if "/actions/" in endpoint.path else ""
    if endpoint.path.endswith(("/response", "/response-draft")):
        action = "respond"  # the answer to a case whose decision is approved
    status = ACTIONS[action][0] if action in ACTIONS else "received"
    return str((await sweep.case(status))["id"])


#: How the sweep gets a real value for a path parameter, by the parameter's name.
REAL_VALUES: dict[str, Callable[[Sweep, Endpoint], Awaitable[str]]] = {
    "key": _case_id,
    "case_key": _case_id,
    "task_id": lambda sweep, _: sweep.task_id(),
    "attachment_id": lambda sweep, _: sweep.attachment_id(),
    "key_id": lambda sweep, _: sweep.api_key_id(),
    "staff_id": lambda sweep, endpoint: (
        sweep.named_staff_id()
        if "/access/" in endpoint.path
        else sweep.excluded_staff_id(awaiting_approval=endpoint.path.endswith("/approve"))
    ),
    "notification_id": lambda sweep, _: sweep.notification_id(),
    "hold_id": lambda sweep, _: _hold_id(sweep),
    "request_id": lambda sweep, _: sweep.reveal_request_id(),
    "webhook_id": lambda sweep, _: sweep.webhook_id(),
    "team_id": lambda sweep, _: _team(sweep, "id"),
    "rule_id": lambda sweep, _: _rule_id(sweep),
    "slug": lambda sweep, _: sweep.tenant_slug(),
    "action": lambda *_: _fixed("put_on_hold"),
    "name": lambda sweep, _: _fixed(sweep.plugin),
    "file_path": lambda *_: _fixed("querela.css"),
    "kind": lambda *_: _fixed("category"),
    "deadline_kind": lambda *_: _fixed("final_response"),
    "code": lambda _, endpoint: _fixed(
        SweepReports.CODE if "/reports/" in endpoint.path else "swept-term"
    ),
    # The survey page looks no token up; any well-formed one shows the form.
    "token": lambda *_: _fixed("swept-survey-link-token-0123456789"),
    "letter": lambda *_: _fixed("acknowledgement"),
    "language": lambda *_: _fixed("de"),
    "review_id": lambda sweep, _: _review_id(sweep),
    # The core's own counts: every tenant has them (frontend/report_pages.py).
    "report": lambda *_: _fixed("cases"),
}


async def _signup(_: Sweep) -> dict[str, str]:
    slug = f"s{uuid.uuid4().hex[:12]}"
    name, sector = "Swept Organisation", SECTORS[0]
    return {
        "name": name,
        "slug": slug,
        "admin_email": f"admin-{slug}@example.org",
        "sector": sector,
    }


async def _reveal_request(sweep: Sweep) -> dict[str, Any]:
    party = (await sweep.protected_case())["parties"][0]["id"]
    return {"party_id": party, "reason": "The police ask who reported it."}


async def _triage(sweep: Sweep) -> dict[str, Any]:
    return {"version": (await sweep.case())["version"], "severity": "high"}


async def _extension(sweep: Sweep) -> dict[str, Any]:
    """A week more than the swept case's final response has now."""
    case_id = (await sweep.case())["id"]
    listed = await sweep.call("GET", f"/api/v1/cases/{case_id}/deadlines", as_=sweep.staff)
    [final] = [d for d in listed["deadlines"] if d["kind"] == "final_response"]
    later = datetime.fromisoformat(final["due_at"]) + timedelta(days=7)
    return {"due_at": later.isoformat(), "reason": "The complainant asked for more time"}


async def _with_closed(sweep: Sweep, secret: str, **body: Any) -> dict[str, Any]:
    return {secret: (await sweep.closed_case())[secret], **body}


async def _team(sweep: Sweep, field: str) -> str:
    """A team of the sweep's tenant (its ``id`` or ``name``), made on first use."""
    body = {"name": f"Swept {uuid.uuid4().hex[:8]}"}
    team = await sweep.made(
        "team", lambda: sweep.call("POST", "/api/v1/teams", body, as_=sweep.staff)
    )
    return str(team[field])


async def _rule_id(sweep: Sweep) -> str:
    """A routing rule that matches no swept case, so that their routing stays the default."""

    async def make() -> Any:
        body = await _new_rule(sweep)
        return await sweep.call("POST", "/api/v1/routing-rules", body, as_=sweep.staff)

    return str((await sweep.made("rule", make))["id"])


HOLD_REASON = {"reason": "A claim about this case is pending in court."}


async def _hold_id(sweep: Sweep) -> str:
    """An active legal hold on the received case (releasing it is the valid request)."""

    async def make() -> Any:
        path = f"/api/v1/cases/{(await sweep.case())['id']}/legal-holds"
        return await sweep.call("POST", path, HOLD_REASON, as_=sweep.staff)

    return str((await sweep.made("legal hold", make))["id"])


async def _review_id(sweep: Sweep) -> str:
    """A review of a closed case, drawn by the sweep's staff (who neither handled nor decided
    it, so saving its scorecard is a valid request)."""

    async def make() -> Any:
        body = {"size": 1, "period": "30d"}
        for _ in range(2):
            drawn = await sweep.call("POST", "/api/v1/quality/samples", body, as_=sweep.staff)
            if drawn["items"]:
                return drawn["items"][0]
            complaint = {"subject": "Swept", "description": "A complaint."}
            case = await sweep.call("POST", "/api/v1/cases", complaint, as_=sweep.staff)
            await sweep.take(case["id"], "closed")
        raise AssertionError("setting up: no closed case left to review")

    return str((await sweep.made("review", make))["id"])


async def _new_rule(sweep: Sweep) -> dict[str, Any]:
    team = await _team(sweep, "name")
    return {"name": "Swept", "team": team, "conditions": {"keywords": ["no-swept-case-says"]}}


async def _team_body(sweep: Sweep) -> dict[str, Any]:
    return {"team": await _team(sweep, "name")}


async def _rule_order(sweep: Sweep) -> dict[str, Any]:
    await _rule_id(sweep)
    listed = await sweep.call("GET", "/api/v1/routing-rules", as_=sweep.staff)
    return {"rule_ids": [rule["id"] for rule in listed]}


async def _admin_form(sweep: Sweep, **fields: Any) -> dict[str, Any]:
    """An admin page's form with its token; awaitable fields are awaited first."""
    form = {FORM_TOKEN_FIELD: FORM_TOKEN}
    for name, value in fields.items():
        form[name] = await value if isinstance(value, Awaitable) else value
    return form


async def _facts(sweep: Sweep) -> dict[str, Any]:
    """The case facts form at the received case's version (with no facts, nothing changes)."""
    return {FORM_TOKEN_FIELD: FORM_TOKEN, "version": str((await sweep.case())["version"])}


async def _escalation(sweep: Sweep) -> dict[str, Any]:
    """An open public complaint's receipt: escalating it once makes it unescalatable."""
    complaint = {"subject": "Swept", "description": "A complaint.", "anonymous": True}
    submitted = await sweep.made(
        "open receipt", lambda: sweep.call("POST", "/public/v1/complaints", complaint)
    )
    return {"receipt": submitted["receipt"], "reason": "Nobody answers me."}


#: Valid bodies the schema alone does not give; every other route gets its schema's smallest.
VALID_BODIES: dict[str, Callable[[Sweep], Awaitable[Any]]] = {
    "PATCH /api/v1/cases/{key}": _triage,
    ACTION_ROUTE: lambda _: _fixed(ACTIONS["put_on_hold"][2]),
    **{
        f"POST /api/v1/cases/{{key}}/actions/{action}": lambda _, body=body: _fixed(body)
        for action, (_, _, body) in ACTIONS.items()
    },
    "POST /api/v1/cases/{key}/records": lambda _: _fixed({"kind": "note", "title": "Phoned"}),
    "POST /api/v1/cases/{case_key}/attachments": lambda _: _fixed(Upload()),
    "PATCH /api/v1/policy": lambda _: _fixed({"duplicate_window_hours": 72}),
    # Port 9 (discard) on this machine: a valid endpoint that no delivery ever reaches.
    "POST /api/v1/webhooks": lambda _: _fixed(
        {"url": "http://127.0.0.1:9/swept", "events": ["case.escalated"]}
    ),
    "POST /api/v1/cases/{key}/deadlines/{deadline_kind}/extend": _extension,
    "PUT /api/v1/plugins/{name}/settings": lambda _: _fixed({"regulator": "Ombudsman"}),
    "POST /api/v1/teams": lambda _: _fixed({"name": f"Swept {uuid.uuid4().hex[:8]}"}),
    "PATCH /api/v1/teams/{team_id}": lambda _: _fixed({"assignment": "least_loaded"}),
    "POST /api/v1/routing-rules": _new_rule,
    "PATCH /api/v1/routing-rules/{rule_id}": lambda _: _fixed({"active": True}),
    "PUT /api/v1/routing-rules/order": _rule_order,
    "POST /api/v1/cases/{key}/assign": lambda sweep: _team_body(sweep),
    "POST /api/v1/cases/{key}/access": lambda sweep: _fixed(
        {"staff_email": sweep.reviewer[0], "reason": "Needs to read the file to advise."}
    ),
    "POST /api/v1/cases/{key}/legal-holds": lambda _: _fixed(HOLD_REASON),
    "POST /api/v1/cases/{key}/legal-holds/{hold_id}/release": lambda _: _fixed(
        {"reason": "The claim was withdrawn."}
    ),
    "PUT /api/v1/retention": lambda _: _fixed({"default_days": 2190, "days_by_category": {}}),
    "POST /api/v1/cases/{key}/identity/requests": _reveal_request,
    "POST /api/v1/cases/{key}/identity/requests/{request_id}/decision": lambda _: _fixed(
        {"approve": False, "note": "Not needed for the investigation."}
    ),
    "POST /api/v1/cases/{key}/exclusions/{staff_id}/override": lambda _: _fixed(
        {"reason": "The only speaker of the complainant's language."}
    ),
    "POST /public/v1/followup/escalate": _escalation,
    "POST /public/v1/followup": lambda sweep: _fixed({"receipt": sweep.receipt}),
    "POST /public/v1/followup/messages": lambda sweep: _fixed(
        {"receipt": sweep.receipt, "message": "Any news?"}
    ),
    "POST /public/v1/followup/files": lambda sweep: _fixed(Upload({"receipt": sweep.receipt})),
    "POST /public/v1/followup/survey": lambda sweep: _with_closed(sweep, "receipt", score=4),
    "POST /public/v1/followup/appeal": lambda sweep: _with_closed(
        sweep, "receipt", reason="You missed my point."
    ),
    "POST /public/v1/survey": lambda sweep: _with_closed(sweep, "token", score=4),
    "POST /s": lambda sweep: _with_closed(sweep, "token", score="4"),
    "POST /complain": lambda _: _fixed(
        Upload(
            {
                FORM_TOKEN_FIELD: FORM_TOKEN,
                "subject": "Swept",
                "description": "A complaint.",
                "identity": "identified",
                "name": "Swept Person",
                "email": "swept@example.org",
                "phone": "+372 5555 0000",
                "language": "en",
            }
        )
    ),
    "POST /follow-up": lambda sweep: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "receipt": sweep.receipt}
    ),
    "POST /follow-up/message": lambda sweep: _fixed(
        Upload({FORM_TOKEN_FIELD: FORM_TOKEN, "receipt": sweep.receipt, "message": "Any news?"})
    ),
    "POST /follow-up/survey": lambda sweep: _with_closed(
        sweep, "receipt", score="4", comment="Fine.", **{FORM_TOKEN_FIELD: FORM_TOKEN}
    ),
    "POST /follow-up/appeal": lambda sweep: _with_closed(
        sweep, "receipt", reason="You missed my point.", **{FORM_TOKEN_FIELD: FORM_TOKEN}
    ),
    "POST /staff/cases/{key}/actions/{action}": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "reason": "Waiting for documents"}
    ),
    "POST /staff/cases/{key}/notes": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "title": "Phone call", "visibility": "internal"}
    ),
    "POST /staff/cases/{key}/tasks": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "title": "Call back", "due_on": "2030-01-15"}
    ),
    "POST /staff/cases/{key}/tasks/{task_id}/done": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN}
    ),
    "POST /staff/cases/{key}/files": lambda _: _fixed(
        Upload({FORM_TOKEN_FIELD: FORM_TOKEN, "purpose": "evidence"})
    ),
    "POST /staff/cases/{key}/response": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "intent": "preview", "response": "We agree with you."}
    ),
    "POST /staff/cases/{key}/holding": lambda _: _fixed(
        {
            FORM_TOKEN_FIELD: FORM_TOKEN,
            "intent": "preview",
            "response": "We are waiting for a report and will answer by 20 March.",
        }
    ),
    "POST /staff/cases/{key}/facts": lambda sweep: _facts(sweep),
    "POST /staff/cases/new": lambda _: _fixed(
        {
            FORM_TOKEN_FIELD: FORM_TOKEN,
            "channel": "letter",
            # Two days back is in the past in every time zone.
            "received_on": (datetime.now() - timedelta(days=2)).date().isoformat(),
            "received_time": "09:30",
            "arrival_note": "Letter dated 20 November, post room",
            "subject": "Swept",
            "description": "A complaint by letter.",
            "identity": "identified",
            "name": "Swept Person",
            "email": "swept@example.org",
            "phone": "+372 5555 0000",
            "language": "et",
            "representative_name": "Swept Representative",
            "representative_email": "representative@example.org",
            "subjects": "Swept Clerk",
            "witnesses": "Swept Witness",
            "severity": "normal",
        }
    ),
    "POST /staff/supervision/quality/sample": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "size": "2", "period": "90d"}
    ),
    "POST /staff/supervision/quality/{review_id}": lambda _: _fixed(
        {
            FORM_TOKEN_FIELD: FORM_TOKEN,
            "score_acknowledged_on_time": "4",
            "comment": "Swept.",
            "handler_comment": "Swept.",
            "final": "0",
        }
    ),
    "POST /api/v1/staff/invitations": lambda _: _fixed(
        {"email": f"invited-{uuid.uuid4().hex[:10]}@example.org", "roles": ["handler"]}
    ),
    "PATCH /api/v1/staff/{staff_id}": lambda _: _fixed({"roles": ["handler"]}),
    "POST /api/v1/routing/test": lambda _: _fixed({"subject": "Swept", "channel": "letter"}),
    "POST /staff/admin/people/invite": lambda _: _fixed(
        {
            FORM_TOKEN_FIELD: FORM_TOKEN,
            "email": f"invited-{uuid.uuid4().hex[:10]}@example.org",
            "roles": "handler",
        }
    ),
    "POST /staff/admin/people/{staff_id}": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "change": "roles", "roles": "handler"}
    ),
    "POST /staff/admin/teams": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "name": f"Swept {uuid.uuid4().hex[:8]}"}
    ),
    # The team keeps its name: the rules the sweep makes name it.
    "POST /staff/admin/teams/{team_id}": lambda sweep: _admin_form(
        sweep, name=_team(sweep, "name"), assignment="least_loaded"
    ),
    "POST /staff/admin/routing/rules": lambda sweep: _admin_form(
        sweep, team=_team(sweep, "name"), name="Swept", keywords="no-swept-case-says"
    ),
    "POST /staff/admin/routing/rules/{rule_id}": lambda sweep: _admin_form(
        sweep,
        team=_team(sweep, "name"),
        intent="save",
        name="Swept",
        keywords="no-swept-case-says",
        active="yes",
    ),
    "POST /staff/admin/routing/test": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "subject": "Swept", "channel": "letter"}
    ),
    "POST /staff/admin/retention": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "default_days": "2190"}
    ),
    "POST /staff/admin/plugins/{name}": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "regulator": "Ombudsman"}
    ),
    **{
        f"POST /staff/admin/plugins/{{name}}/{switch}": lambda _: _fixed(
            {FORM_TOKEN_FIELD: FORM_TOKEN}
        )
        for switch in ("enable", "disable")
    },
    "POST /staff/admin/templates/{letter}/{language}": lambda _: _fixed(
        {
            FORM_TOKEN_FIELD: FORM_TOKEN,
            "subject": "Beschwerde {{ reference }}",
            "body": "Guten Tag,\n\nwir haben {{ reference }} erhalten.\n",
        }
    ),
    "POST /staff/admin/templates/{letter}/{language}/default": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN}
    ),
    "POST /staff/admin/branding": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "display_name": "Swept", "primary_colour": "#0b4f9c"}
    ),
    "POST /staff/admin/branding/logo": lambda _: _fixed(
        Upload(
            {FORM_TOKEN_FIELD: FORM_TOKEN},
            filename="logo.png",
            content=LOGO,
            content_type="image/png",
        )
    ),
    "PUT /api/v1/branding/logo": lambda _: _fixed(
        Upload(filename="logo.png", content=LOGO, content_type="image/png")
    ),
    "POST /platform/tenants/{slug}/suspend": lambda _: _fixed(
        {FORM_TOKEN_FIELD: FORM_TOKEN, "reason": "Swept: unpaid invoices"}
    ),
    "POST /platform/tenants/{slug}/resume": lambda _: _fixed({FORM_TOKEN_FIELD: FORM_TOKEN}),
    "POST /signup": _signup,
    "POST /join": _signup,
    "POST /platform/v1/tenants": _signup,
}


async def build(probe: Probe, sweep: Sweep) -> Sent:
    """The probe's request: real values everywhere except in the one place it spoils."""
    endpoint = probe.endpoint
    path = endpoint.path
    for name in endpoint.path_params:
        value = probe.path.get(name) or quote(await REAL_VALUES[name](sweep, endpoint), safe="")
        path = path.replace("{" + name + "}", value)
    content = content_type = None
    if endpoint.body is not None:
        make = VALID_BODIES.get(endpoint.name)
        base = await make(sweep) if make else minimal(endpoint.body_schema or {})
        payload = probe.body(base) if probe.body else encoded(endpoint.body, base)
        content, content_type = payload.content, payload.content_type
    return Sent(endpoint.method, path, dict(probe.query), content, content_type)


async def send(sweep: Sweep, endpoint: Endpoint, sent: Sent) -> httpx.Response:
    headers = sweep.headers(endpoint)
    if endpoint.name in PAGE_FORMS:
        headers["cookie"] = f"{FORM_COOKIE}={FORM_TOKEN}"
    if sent.content_type:
        headers["content-type"] = sent.content_type
    return await sweep.send(
        sent.method, sent.path, headers, params=sent.params, content=sent.content
    )


# -- the sweep's world ------------------------------------------------------------------------

ALL_ROLES = ("handler", "investigator", "supervisor", "tenant-admin", "auditor")
ADMIN_PASSWORD = "sweep-platform-admin-1"


@pytest.fixture(scope="module")
async def sweep(
    app: Litestar,
    client: httpx.AsyncClient,
    keycloak: KeycloakInstance,
    mailbox: Mailbox,
    settings: Settings,
) -> AsyncIterator[Sweep]:
    """A tenant with a member of every role, a reviewer, a platform admin, a plugin, a receipt."""
    tenant = await new_tenant(keycloak)
    staff = await tenant.add_staff(roles=ALL_ROLES)
    reviewer = await tenant.add_staff(roles=("supervisor",))
    plugin = SweepPlugin(f"sweep-{uuid.uuid4().hex[:12]}")
    plugin_host().register(plugin)
    reports = SweepReports(f"sweep-reports-{uuid.uuid4().hex[:12]}")
    plugin_host().register(reports)
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(reports.PLUGIN_INFO.name, actor="sweep")
    found = Sweep(
        app,
        keycloak,
        tenant,
        staff=(staff.email, staff.password),
        reviewer=(reviewer.email, reviewer.password),
        platform_admin=_platform_admin(keycloak),
        plugin=plugin.PLUGIN_INFO.name,
        files=settings.attachments_root,
        leeway=settings.token_leeway,
    )
    complaint = {"subject": "Swept", "description": "A complaint.", "anonymous": True}
    found.receipt = (await found.call("POST", "/public/v1/complaints", complaint))["receipt"]
    try:
        yield found
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)
        plugin_host().unregister(reports.PLUGIN_INFO.name)


def _platform_admin(keycloak: KeycloakInstance) -> tuple[str, str]:
    """A Keycloak user holding the realm role platform-admin."""
    name = f"sweep-operator-{uuid.uuid4().hex[:12]}@example.org"
    keycloak.admin(
        "POST",
        "/users",
        json={
            "username": name,
            "email": name,
            "firstName": "Sweep",
            "lastName": "Operator",
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": ADMIN_PASSWORD, "temporary": False}],
        },
    )
    [user] = keycloak.admin("GET", "/users", params={"username": name, "exact": "true"}).json()
    role = keycloak.admin("GET", "/roles/platform-admin").json()
    keycloak.admin("POST", f"/users/{user['id']}/role-mappings/realm", json=[role])
    return name, ADMIN_PASSWORD


# -- the tests -------------------------------------------------------------------------------


def _problems_with(endpoint: Endpoint) -> Iterator[str]:
    if not endpoint.takes_input:
        if endpoint.method != "GET":
            yield "changes something but declares no input the sweep could spoil"
        return
    for name in endpoint.path_params:
        if name not in REAL_VALUES:
            yield f"the sweep cannot fill the path parameter {{{name}}}: teach REAL_VALUES"
    if endpoint.body in ("json", "form") and endpoint.body_schema is None:
        yield "its body has no schema in the OpenAPI document: give one in BODY_SCHEMAS"
    if endpoint.body == "multipart" and endpoint.name not in VALID_BODIES:
        yield "it takes an upload: give its valid form (an Upload) in VALID_BODIES"


def test_every_route_is_swept_or_excluded(app: Litestar):
    live = {e.name: as_swept(e) for e in endpoints_of(app)}
    problems = [f"{name}: excluded, but no longer exists" for name in EXCLUDED if name not in live]
    sent = {p.id for e in live.values() for p in probes(e)}
    problems += [
        f"{p}: answered by design, but not sent" for p in ANSWERED_BY_DESIGN if p not in sent
    ]
    swept = {p.values[0].id for p in PROBES}
    problems += [
        f"{id_}: a known bug of a probe the sweep no longer sends"
        for bug in KNOWN_BUGS
        for id_ in sorted(bug.probes - swept)
    ]
    told = {*VALID_BODIES, *BODY_SCHEMAS, *READ_BY_HAND}
    names = {
        *live,
        *(a.name for e in live.values() if e.name == ACTION_ROUTE for a in action_routes(e)),
    }
    problems += [
        f"{name}: the sweep is told about it, but it no longer exists"
        for name in sorted(told - names)
    ]
    collected = {e.name for e in ENDPOINTS}
    for name, endpoint in live.items():
        if name in EXCLUDED:
            continue
        if name not in collected:
            problems.append(f"{name}: in the app fixture, not in the app built at collection")
        problems += [f"{name}: {problem}" for problem in _problems_with(endpoint)]
    assert not problems, "Routes the sweep does not cover:\n" + "\n".join(problems)


@pytest.mark.parametrize("endpoint", VALID, ids=lambda e: e.name)
async def test_the_valid_request_gets_through(endpoint: Endpoint, sweep: Sweep):
    """The request every probe spoils is a good one: its refusals are the bad input's doing."""
    sent = await build(Probe(endpoint, "valid request"), sweep)
    response = await send(sweep, endpoint, sent)
    sweep.forget()
    assert 200 <= response.status_code < 400, report(
        endpoint, "valid request", sent, response, ["the valid request was refused"]
    )


@pytest.mark.parametrize("probe", PROBES)
async def test_bad_input_gets_a_clear_4xx_and_writes_nothing(
    probe: Probe, sweep: Sweep, owner: asyncpg.Connection
):
    sent = await build(probe, sweep)
    before = await census(owner, sweep.tenant_ids, sweep.files, IGNORED_TABLES)
    response = await send(sweep, probe.endpoint, sent)
    after = await census(owner, sweep.tenant_ids, sweep.files, IGNORED_TABLES)
    faults = refusal_faults(probe.endpoint, response) + changes(before, after)
    if faults:
        sweep.forget()
    assert not faults, report(probe.endpoint, probe.what, sent, response, faults)
