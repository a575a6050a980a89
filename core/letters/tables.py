"""A tenant's own wording of a letter (tenant-scoped)."""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class LetterTemplate(TenantScoped, Table, tablename="letter_template"):
    """The tenant's template of one kind of letter in one language."""

    id = UUID(primary_key=True, default=None)
    kind = Varchar(length=40)
    language = Varchar(length=8)
    subject = Varchar(length=300)
    body = Text()
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())
