"""Piccolo's configuration module (found through ``PICCOLO_CONF``)."""

from piccolo.conf.apps import AppRegistry

from core.db.engine import DB

APP_REGISTRY = AppRegistry(apps=["core.db.piccolo_app"])

__all__ = ["APP_REGISTRY", "DB"]
