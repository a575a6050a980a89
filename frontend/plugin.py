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
from frontend.admin_pages import admin_home, retention_page, save_retention
from frontend.admin_people_pages import change_person, invite_person, people_page, person_page
from frontend.admin_routing_pages import (
    change_rule,
    create_rule,
    routing_page,
    rule_page,
    test_routing,
)
from frontend.admin_setup_pages import (
    admin_plugin,
    admin_plugins,
    admin_template,
    admin_templates,
    configure_plugin,
    disable_plugin,
    enable_plugin,
    reset_template,
    save_template,
)
from frontend.admin_team_pages import create_team, save_team, team_page, teams_page
from frontend.auth import callback, complete, login, logout, signed_out
from frontend.branding_pages import (
    admin_branding,
    branding_css,
    branding_logo,
    remember_branding,
    save_branding,
    upload_logo,
)
from frontend.complaint_pages import complain, complaint_form
from frontend.followup_pages import answer_survey, appeal, read_case, receipt_form, send_message
from frontend.intake_pages import intake_form, register_complaint
from frontend.pages import home
from frontend.platform_pages import platform_tenants, resume_tenant, suspend_tenant
from frontend.public import too_many_requests
from frontend.report_pages import report_page, reports_page
from frontend.staff_actions import (
    add_file,
    add_note,
    add_task,
    compose_response,
    finish_task,
    holding_response,
    record_facts,
    take_action,
)
from frontend.staff_pages import staff_case, staff_home
from frontend.supervisor_pages import (
    draw_sample,
    my_reviews,
    quality_review,
    quality_reviews,
    save_review,
    supervision,
    supervision_kpis,
)

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
                intake_form,
                register_complaint,
                take_action,
                add_file,
                add_note,
                add_task,
                finish_task,
                compose_response,
                holding_response,
                record_facts,
                reports_page,
                report_page,
                supervision,
                supervision_kpis,
                quality_reviews,
                draw_sample,
                quality_review,
                save_review,
                my_reviews,
                login,
                callback,
                complete,
                logout,
                signed_out,
                admin_home,
                people_page,
                invite_person,
                person_page,
                change_person,
                teams_page,
                create_team,
                team_page,
                save_team,
                routing_page,
                create_rule,
                rule_page,
                change_rule,
                test_routing,
                retention_page,
                save_retention,
                admin_plugins,
                admin_plugin,
                enable_plugin,
                disable_plugin,
                configure_plugin,
                admin_templates,
                admin_template,
                save_template,
                reset_template,
                admin_branding,
                save_branding,
                upload_logo,
                branding_css,
                branding_logo,
                platform_tenants,
                suspend_tenant,
                resume_tenant,
            ],
            middleware=request_middleware(security_of(app_config.state), tenant_required=False),
            before_request=remember_branding,
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
        before_request=remember_branding,
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
