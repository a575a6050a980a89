"""Where each table lives: in a tenant's slice of the data, or in the control plane.

Every table class inherits one of the two markers below. A tenant table carries
``tenant_id``, has forced row-level security, and every key it has includes
``tenant_id`` (so it can be distributed by tenant later). The catalog test in
``tests/integration/test_placement.py`` holds the schema to this.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from piccolo.columns import UUID
from piccolo.table import Table

Placement = Literal["tenant", "control-plane"]

#: Privileges the application role gets on an ordinary tenant table.
READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
#: Privileges on an append-only table: rows are added and read, never changed.
APPEND_ONLY = ("SELECT", "INSERT")


class TenantScoped:
    """Mixin for tables whose rows belong to one tenant."""

    placement: ClassVar[Placement] = "tenant"
    app_privileges: ClassVar[tuple[str, ...]] = READ_WRITE
    tenant_id = UUID(null=False, default=None)


class ControlPlane:
    """Mixin for tables shared by the whole service (tenants, plans, ...)."""

    placement: ClassVar[Placement] = "control-plane"
    app_privileges: ClassVar[tuple[str, ...]] = ("SELECT",)


#: Tables the frameworks create for themselves, with their placement.
FRAMEWORK_TABLES: dict[str, Placement] = {"migration": "control-plane"}


def placement_of(table: type[Table]) -> Placement | None:
    """Return the declared placement of ``table``, or None if it declares none."""
    if issubclass(table, TenantScoped):
        return "tenant"
    if issubclass(table, ControlPlane):
        return "control-plane"
    return None


def app_privileges_of(table: type[Table]) -> tuple[str, ...]:
    """Return what the application role may do with ``table``."""
    if issubclass(table, TenantScoped | ControlPlane):
        return table.app_privileges
    return ()
