"""The tenant registry (control plane)."""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane


class Tenant(ControlPlane, Table, tablename="tenant"):
    """An organisation served by Querela, with its own isolated slice of data."""

    app_privileges = ("SELECT", "INSERT", "UPDATE", "DELETE")

    id = UUID(primary_key=True, default=None)
    slug = Varchar(length=63, unique=True)
    name = Varchar(length=200)
    #: provisioning | active | suspended | pending_deletion
    status = Varchar(length=20, default="active")
    #: First part of every case reference, e.g. ``Q`` in ``Q-2026-000123``.
    reference_prefix = Varchar(length=12, default="Q")
    timezone = Varchar(length=64, default="UTC")
    default_language = Varchar(length=8, default="en")
    created_at = Timestamptz(default=TimestamptzNow())
    sector = Varchar(length=40, null=True, default=None)
    #: Where the first administrator's invitation goes.
    admin_email = Varchar(length=320, null=True, default=None)
    #: The tenant's Keycloak Organization (its alias is the tenant's slug).
    keycloak_org_id = Varchar(length=64, null=True, default=None)
    #: Why provisioning stopped, for the operator who retries it.
    provisioning_error = Text(null=True, default=None)
    suspended_at = Timestamptz(null=True, default=None)
    #: When a tenant pending deletion is purged.
    delete_after = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class LoginAttempt(ControlPlane, Table, tablename="login_attempt"):
    """A staff sign-in in flight between a tenant host and Keycloak.

    It lives in the control plane because Keycloak answers on the service's one
    callback address, before any tenant is known.
    """

    app_privileges = ("SELECT", "INSERT", "UPDATE", "DELETE")

    id = Varchar(length=64, primary_key=True)
    tenant_id = UUID()
    code_verifier = Varchar(length=128)
    nonce = Varchar(length=64)
    next_path = Varchar(length=2000, default="/")
    ticket = Varchar(length=64, null=True, default=None, unique=True)
    subject = Varchar(length=64, null=True, default=None)
    email = Varchar(length=320, null=True, default=None)
    display_name = Varchar(length=200, null=True, default=None)
    id_token = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
