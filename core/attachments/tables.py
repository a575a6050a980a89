"""Attachment records (tenant-scoped, append-only for the application role).

A row is the chain-of-custody record of one file: what it is, how big, its
SHA-256, who brought it and when. The content itself is in the attachment
storage under ``storage_key``. Rows are never changed: a file is checked
against its row, not the other way round.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from core.db.placement import APPEND_ONLY, TenantScoped


class Attachment(TenantScoped, Table, tablename="attachment"):
    """A file on a case: a document sent with the complaint, or an item of evidence."""

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: attachment | evidence
    purpose = Varchar(length=10)
    #: Where the content is; made up by Querela, never from the uploader's input.
    storage_key = Varchar(length=200)
    #: The uploader's file name, cleaned for display; never used as a path.
    filename = Varchar(length=255)
    #: The type the content was found to be (not the one declared).
    media_type = Varchar(length=100)
    size = BigInt()
    sha256 = Varchar(length=64)
    #: Who uploaded it: ``staff:<id>``, ``public``, ``api-key:<id>``, ``system``.
    uploaded_by = Varchar(length=200)
    uploaded_at = Timestamptz()


class AttachmentKey(TenantScoped, Table, tablename="attachment_key"):
    """The key a file's content is encrypted with (``core.crypto.files``), itself sealed.

    Apart from the append-only ``attachment`` row, so that a data-key rotation can
    seal it again; ``id`` is the attachment's.
    """

    id = UUID(primary_key=True, default=None)
    file_key = Text()
