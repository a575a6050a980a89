"""The tenant registry (control plane)."""

from __future__ import annotations

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane


class Tenant(ControlPlane, Table, tablename="tenant"):
    """An organisation served by Querela, with its own isolated slice of data."""

    app_privileges = ("SELECT", "INSERT", "UPDATE")

    id = UUID(primary_key=True, default=None)
    slug = Varchar(length=63, unique=True)
    name = Varchar(length=200)
    #: active | suspended | provisioning
    status = Varchar(length=20, default="active")
    #: First part of every case reference, e.g. ``Q`` in ``Q-2026-000123``.
    reference_prefix = Varchar(length=12, default="Q")
    timezone = Varchar(length=64, default="UTC")
    default_language = Varchar(length=8, default="en")
    created_at = Timestamptz(default=TimestamptzNow())
