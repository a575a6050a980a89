"""Assembly of the web application: ``create_app`` is the one place it happens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from asyncpg.exceptions import CharacterNotInRepertoireError, UntranslatableCharacterError
from litestar import Litestar, MediaType, Request, Response, Router
from litestar.datastructures import State
from litestar.exceptions import ClientException, SerializationException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.plugins import InitPluginProtocol
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
)
from opentelemetry.sdk.trace import TracerProvider

from core.access.api import CaseAccessController, ExclusionController
from core.apikeys.api import ApiKeyController
from core.attachments.api import AttachmentController
from core.auth.middleware import AuthenticationMiddleware
from core.auth.oidc import KeycloakSignIn
from core.auth.tokens import TokenVerifier
from core.branding.api import BrandingController
from core.bundle.api import AppealBundleController
from core.cases.api import CaseController
from core.crypto import keyring
from core.db import engine
from core.db.servers import resolve_database
from core.deadlines.api import DeadlineController
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.escrow.api import IdentityController
from core.health import healthz, readyz
from core.kpis.api import KpiController
from core.lifecycle.api import CorrespondenceController, LifecycleController, PolicyController
from core.lifecycle.machine import IllegalTransition
from core.notify.api import NotificationController
from core.plugins.api import PluginController
from core.quality.api import QualityController
from core.receipts.api import public_router
from core.reports.api import ReportController
from core.retention.api import LegalHoldController, RetentionController
from core.routing.api import (
    CaseRoutingController,
    RoutingRuleController,
    RoutingTestController,
    TeamController,
)
from core.settings import Settings
from core.staff.api import StaffController
from core.taxonomy.api import TaxonomyController
from core.telemetry import (
    build_meter_provider,
    build_tracer_provider,
    install_globally,
    instrument_asyncpg,
)
from core.tenancy.middleware import TenantTransactionMiddleware
from core.text import CONTROL_CHARACTERS
from core.webhooks.api import WebhookController

__version__ = "0.1.0"


def _error(
    status: int, detail: str, extra: list[dict[str, str]] | None = None
) -> Response[dict[str, object]]:
    body: dict[str, object] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=MediaType.JSON)


def _invalid_input(_: Request[Any, Any, Any], exc: InvalidInput) -> Response[dict[str, object]]:
    return _error(
        HTTP_400_BAD_REQUEST, "Invalid input", [{"key": exc.field, "message": exc.reason}]
    )


def _not_found(_: Request[Any, Any, Any], exc: NotFound) -> Response[dict[str, object]]:
    return _error(HTTP_404_NOT_FOUND, str(exc) or "Not found")


def _conflict(_: Request[Any, Any, Any], exc: Conflict) -> Response[dict[str, object]]:
    response = _error(HTTP_409_CONFLICT, str(exc))
    if isinstance(exc, IllegalTransition):
        response.content["allowed_actions"] = exc.allowed
    return response


def _forbidden(_: Request[Any, Any, Any], exc: Forbidden) -> Response[dict[str, object]]:
    return _error(HTTP_403_FORBIDDEN, str(exc))


def _unstorable_text(
    _: Request[Any, Any, Any], exc: CharacterNotInRepertoireError | UntranslatableCharacterError
) -> Response[dict[str, object]]:
    # PostgreSQL stores no NUL character in text or JSON; whatever field carried one, the
    # input is at fault, and the tenant transaction rolls back on the 400.
    return _error(
        HTTP_400_BAD_REQUEST,
        "The input contains a NUL character (\\u0000), which text may not contain.",
    )


def _client_error(_: Request[Any, Any, Any], exc: ClientException) -> Response[dict[str, object]]:
    if isinstance(exc.__cause__, SerializationException):
        return _error(exc.status_code, f"The request body is not valid JSON: {exc.__cause__}")
    extra = exc.extra if isinstance(exc.extra, list) else None
    for item in extra or ():
        message = item.get("message") if isinstance(item, dict) else None
        # A regular expression tells a person nothing; the text patterns have a plain meaning.
        if isinstance(message, str) and "matching regex" in message and "x00-" in message:
            item["message"] = CONTROL_CHARACTERS
    response = _error(exc.status_code, exc.detail, extra)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


@dataclass(frozen=True, slots=True)
class Security:
    """What the request middleware needs to know who is calling; kept in app state."""

    settings: Settings
    verifier: TokenVerifier
    sign_in: KeycloakSignIn


def security_of(state: Mapping[str, Any]) -> Security:
    """The ``Security`` that ``create_app`` put into the application state."""
    security: Security = state["security"]
    return security


def request_middleware(security: Security, *, tenant_required: bool = True) -> list[Any]:
    """The tenant transaction, then authentication inside it, for a router's routes."""
    return [
        DefineMiddleware(
            TenantTransactionMiddleware,
            base_domain=security.settings.base_domain,
            required=tenant_required,
        ),
        DefineMiddleware(AuthenticationMiddleware),
    ]


def create_app(
    settings: Settings | None = None,
    *,
    extensions: Sequence[InitPluginProtocol] = (),
    tracer_provider: TracerProvider | None = None,
) -> Litestar:
    """Build the Querela web application.

    ``extensions`` are Litestar plugins that add routes from outside core (the
    web pages, the control-plane API). ``tracer_provider`` overrides the one the
    settings describe (tests pass one with an in-memory exporter).
    """
    settings = settings or Settings.from_env()
    keyring.configure(settings)
    verifier = TokenVerifier(settings)
    security = Security(settings, verifier, KeycloakSignIn(settings, verifier))
    provider = tracer_provider or build_tracer_provider(settings.otel_exporter)
    install_globally(provider, build_meter_provider(settings.otel_exporter))
    instrument_asyncpg(provider)

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        target = await resolve_database(settings)
        await engine.connect(target.app_dsn, pool_max=settings.db_pool_max)
        try:
            yield
        finally:
            await engine.disconnect()
            provider.force_flush()

    api = Router(
        path="/api/v1",
        route_handlers=[
            CaseController,
            LifecycleController,
            PolicyController,
            CorrespondenceController,
            TaxonomyController,
            PluginController,
            AttachmentController,
            ApiKeyController,
            AppealBundleController,
            TeamController,
            RoutingRuleController,
            RoutingTestController,
            CaseRoutingController,
            NotificationController,
            WebhookController,
            DeadlineController,
            ExclusionController,
            CaseAccessController,
            ReportController,
            KpiController,
            QualityController,
            IdentityController,
            LegalHoldController,
            RetentionController,
            StaffController,
            BrandingController,
        ],
        middleware=request_middleware(security),
    )
    return Litestar(
        route_handlers=[
            healthz,
            readyz,
            api,
            public_router(
                request_middleware(security),
                submissions_per_window=settings.public_submissions_per_10_min,
            ),
        ],
        lifespan=[database],
        plugins=[OpenTelemetryPlugin(OpenTelemetryConfig(tracer_provider=provider)), *extensions],
        exception_handlers={
            ClientException: _client_error,
            InvalidInput: _invalid_input,
            NotFound: _not_found,
            Conflict: _conflict,
            Forbidden: _forbidden,
            CharacterNotInRepertoireError: _unstorable_text,
            UntranslatableCharacterError: _unstorable_text,
        },
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Querela",
            version=__version__,
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        state=State({"settings": settings, "security": security}),
    )
