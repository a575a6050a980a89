"""The whole service as operators run it: core, the web pages, the control plane."""

from __future__ import annotations

from litestar import Litestar

from core.app import create_app
from core.settings import Settings
from frontend import FrontendPlugin
from tenants.api import ControlPlanePlugin


def asgi_app() -> Litestar:
    """ASGI factory for ``uvicorn --factory``; reads its settings from the environment."""
    settings = Settings.from_env()
    return create_app(settings, extensions=[FrontendPlugin(), ControlPlanePlugin()])
