"""Adds the web pages to the application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.plugins import InitPluginProtocol
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from core.app import request_middleware, security_of
from frontend.auth import callback, complete, login, logout, signed_out
from frontend.pages import home, staff_home

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
            route_handlers=[home, staff_home, login, callback, complete, logout, signed_out],
            middleware=request_middleware(security_of(app_config.state), tenant_required=False),
        )
        app_config.route_handlers.extend(
            [
                pages,
                create_static_files_router(
                    path="/static", directories=[_HERE / "static"], guards=[_nameable_file]
                ),
            ]
        )
        return app_config
