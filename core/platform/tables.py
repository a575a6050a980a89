"""Sign-ins and browser sessions of the platform's operators (control plane, no tenant)."""

from __future__ import annotations

from piccolo.columns import Boolean, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane


class PlatformLoginAttempt(ControlPlane, Table, tablename="platform_login_attempt"):
    """An operator's sign-in in flight between the platform host and Keycloak."""

    app_privileges = ("SELECT", "INSERT", "DELETE")

    id = Varchar(length=64, primary_key=True)
    code_verifier = Varchar(length=128)
    nonce = Varchar(length=64)
    next_path = Varchar(length=2000, default="/platform/tenants")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()


class PlatformSession(ControlPlane, Table, tablename="platform_session"):
    """A signed-in operator's browser on the platform host; ``id`` is the cookie's SHA-256."""

    app_privileges = ("SELECT", "INSERT", "UPDATE", "DELETE")

    id = Varchar(length=64, primary_key=True)
    subject = Varchar(length=64)
    email = Varchar(length=320, null=True, default=None)
    display_name = Varchar(length=200, null=True, default=None)
    #: Whether the token at sign-in carried the realm role ``platform-admin``.
    platform_admin = Boolean(default=False)
    id_token = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
