"""Files a complainant sends later, through the receipt.

The receipt travels in the upload form itself, as the field ``receipt`` before
the field ``file``, never in the URL or a header: a plain HTML form without
JavaScript can send it, as it can every other follow-up. Because it comes first,
the receipt is checked before a byte of the file is read, so a wrong receipt
costs the guesser an upload and the service nothing.

The content passes the same checks as a staff upload (its type is sniffed,
programs and markup are refused), under a lower size limit: the public routes
take files from anyone holding a receipt, and there is no staff member who
answers for them.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from core.attachments.services import AttachmentPolicy, policy_for, store_attachment
from core.attachments.tables import Attachment
from core.attachments.upload import UploadedFile
from core.errors import Conflict, InvalidInput
from core.receipts.services import (
    PUBLIC_ACTOR,
    FollowUp,
    case_as_seen,
    open_receipt,
    record_message,
)
from core.settings import Settings
from core.text import CONTROL_CHARACTERS, has_control_characters

#: Largest file the public routes accept (10 MiB), unless the staff limit is lower still.
PUBLIC_MAX_BYTES = 10 * 1024 * 1024
#: Files one case may receive through its receipt; beyond that, the staff are asked instead.
PUBLIC_FILES_PER_CASE = 20
#: The form fields read before the file: the receipt, and an optional note on the file.
RECEIPT_FIELD = "receipt"
NOTE_FIELD = "message"
FORM_FIELDS = (RECEIPT_FIELD, NOTE_FIELD)
#: Longest note sent with a file, in characters.
NOTE_LENGTH = 5_000


@functools.cache
def public_policy(settings: Settings) -> AttachmentPolicy:
    """The staff policy of ``settings`` with the lower public size limit."""
    staff = policy_for(settings)
    return replace(staff, max_bytes=min(staff.max_bytes, PUBLIC_MAX_BYTES))


async def send_file(upload: UploadedFile, *, policy: AttachmentPolicy) -> FollowUp:
    """Store the file of a public upload form on the case its receipt opens.

    The file becomes inbound web correspondence from the complainant (with the
    note, if any), so it shows on the case's timeline; both are audited. Raises
    ``UnknownReceipt`` before any of the file is read if the receipt opens
    nothing, and the attachment errors of ``store_attachment`` for the content.
    """
    receipt = upload.fields.get(RECEIPT_FIELD, "").strip()
    if not receipt:
        raise InvalidInput(
            RECEIPT_FIELD, f"send the receipt in the form field {RECEIPT_FIELD!r}, before the file"
        )
    note = upload.fields.get(NOTE_FIELD, "").strip()
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(NOTE_FIELD, f"may be at most {NOTE_LENGTH} characters")
    if has_control_characters(note):
        raise InvalidInput(NOTE_FIELD, CONTROL_CHARACTERS)
    holder = await open_receipt(receipt)
    sent = await Attachment.count().where(
        (Attachment.case_id == holder.case_id) & (Attachment.uploaded_by == PUBLIC_ACTOR)
    )
    if sent >= PUBLIC_FILES_PER_CASE:
        raise Conflict(
            f"this complaint has {PUBLIC_FILES_PER_CASE} files from you already;"
            " write to us if you need to send more"
        )
    stored = await store_attachment(
        holder.case_id,
        upload.filename,
        upload.declared_type,
        upload.chunks,
        PUBLIC_ACTOR,
        policy=policy,
    )
    # The name, size and hash on the timeline let the staff match the message to the file.
    line = f"File: {stored.filename} ({stored.size} bytes, SHA-256 {stored.sha256})"
    await record_message(holder, f"{note}\n\n{line}" if note else line, attachments=[stored.id])
    return await case_as_seen(holder)
