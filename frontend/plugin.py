"""Adds the web pages to the application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, TooManyRequestsException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPluginProtocol
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from core.app import request_middleware, security_of
from core.receipts.api import ReceiptGuard, SubmissionThrottle
from core.receipts.guessing import GuessLimiter, GuessLimits
from core.settings import Settings
from frontend.auth import callback, complete, login, logout, signed_out
from frontend.complaint_pages import complain, complaint_form
from frontend.followup_pages import answer_survey, appeal, read_case, receipt_form, send_message
from frontend.pages import home
from frontend.public import too_many_requests
from frontend.staff_pages import staff_case, staff_home

_HERE = Path(__file__).parent


#: The longest file name most file systems allow, in bytes.
_NAME_MAX = 255


def _nameable_file(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Answer a path no file can have with 404; the file system would raise a 500 at it."""
    path = str(connection.path_params.get("file_path", ""))
    if "\x00" in path or any(len(part.encode()) > _NAME_MAX for part in path.split("/")):
        raise NotFoundException("No such file.")


class FrontendPlugin(InitPluginProtocol):
    """Public pages, served on each tenant's host and on the platform's own."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Register templates, static files and page routes."""
        app_config.template_config = TemplateConfig(
            directory=_HERE / "templates", engine=JinjaTemplateEngine
        )
        pages = Router(
            path="/",
            route_handlers=[
                home,
                staff_home,
                staff_case,
                login,
                callback,
                complete,
                logout,
                signed_out,
            ],
            middleware=request_middleware(security_of(app_config.state), tenant_required=False),
        )
        app_config.route_handlers.extend(
            [
                pages,
                _public_pages(app_config),
                create_static_files_router(
                    path="/static", directories=[_HERE / "static"], guards=[_nameable_file]
                ),
            ]
        )
        return app_config


def _public_pages(app_config: AppConfig) -> Router:
    """The complaint form and the follow-up pages, under the public API's limits.

    The limiters count in the same buckets as ``core.receipts.api.public_router``'s,
    so a form and the JSON API share one allowance per address and tenant.
    """
    settings: Settings = app_config.state["settings"]
    tenant = request_middleware(security_of(app_config.state))
    per_window = settings.public_submissions_per_10_min
    throttle = DefineMiddleware(
        SubmissionThrottle,
        limiter=GuessLimiter(
            GuessLimits(per_client=per_window, per_tenant=per_window * 50, namespace="submit:")
        ),
    )
    guard = DefineMiddleware(ReceiptGuard, limiter=GuessLimiter(GuessLimits()))
    return Router(
        path="/",
        # The limits answer from middleware; here they answer with a page, not JSON.
        exception_handlers={TooManyRequestsException: too_many_requests},
        route_handlers=[
            Router(path="/", route_handlers=[complaint_form, receipt_form], middleware=tenant),
            Router(path="/", route_handlers=[complain], middleware=[throttle, *tenant]),
            Router(
                path="/",
                route_handlers=[read_case, send_message, answer_survey, appeal],
                middleware=[guard, *tenant],
            ),
        ],
    )
