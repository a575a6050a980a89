"""Public submission and anonymous follow-up through a receipt.

A public submission returns a receipt: 256 random bits, shown once, of which only
the SHA-256 is stored. Whoever holds the receipt can read the case's
correspondence meant for the complainant and add messages, without an account.

A plain SHA-256 suffices here, where passwords would need a slow, salted hash:
slow hashing only helps against guessing a low-entropy secret from its hash.
Each guess at a 256-bit secret succeeds with probability 2**-256 however fast it
is, so a leaked hash table yields nothing; and a fast hash keeps the work of a
right and a wrong receipt equally small.

Every function runs inside the request's tenant transaction. The guessing
limits and the uniform answer time live in ``core.receipts.guessing`` and
``core.receipts.api``, outside that transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from core.attachments.tables import Attachment
from core.audit import services as audit
from core.cases.schemas import (
    Category,
    Email,
    Language,
    Name,
    Narrative,
    NewCase,
    PersonIn,
    Phone,
    Subject,
)
from core.cases.sealed_rows import add_correspondence
from core.cases.services import register_case
from core.cases.tables import Case, Correspondence
from core.crypto.fields import opened
from core.errors import InvalidInput
from core.ids import uuid7
from core.lifecycle.services import (
    acknowledge_on_arrival,
    appeal_by_complainant,
    can_appeal,
    escalate_by_complainant,
)
from core.lifecycle.tables import CaseSurvey
from core.receipts.guessing import RefusedSecret
from core.receipts.tables import CaseReceipt
from core.tenancy.context import current_tenant

#: Who the audit log names for anything done through the public routes.
PUBLIC_ACTOR = "public"
#: Random bytes in a receipt: 256 bits, beyond any guessing.
RECEIPT_BYTES = 32
#: Characters per group in the printed receipt.
RECEIPT_GROUP = 4

#: Crockford's base 32: no I, L, O or U, so a receipt read aloud or retyped survives.
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TO_CROCKFORD = str.maketrans(_RFC4648, _CROCKFORD)
#: Characters people type for the ones the alphabet leaves out, and separators they add.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
#: Compared against when no receipt matched, so both paths do the same comparison.
_NO_MATCH = "0" * 64

#: Correspondence the complainant may see; ``internal`` notes never leave the staff side.
VISIBLE_DIRECTIONS = ("inbound", "outbound")

ADVICE = (
    "Keep this receipt somewhere safe. It is shown only this once and cannot be recovered:"
    " with it you can read our replies and send further messages about your complaint."
    " Anyone who has it can do the same, so do not share it."
)
ANONYMOUS_NOTE = (
    "You chose to stay anonymous: no name, email address or phone number was stored with"
    " your complaint. Only what you wrote in it is kept."
)
IDENTIFIED_NOTE = "Your contact details were stored with your complaint so that we can reply."
PROTECTED_NOTE = (
    "Your contact details were stored, encrypted, so that we can reply. The people handling"
    " your complaint know you only by a pseudonym; revealing who you are needs a recorded"
    " reason and a supervisor's approval, and is logged."
)

#: Room for a receipt with separators and stray spaces, and not much more.
ReceiptText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class UnknownReceipt(RefusedSecret):
    """No case of this tenant matches the receipt (or it is malformed)."""

    def __init__(self) -> None:
        super().__init__("No complaint matches this receipt. Check it and try again.")


# -- what crosses the boundary --------------------------------------------------------------


class PublicComplaint(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A complaint from the public form.

    ``anonymous`` has no default: the complainant states the choice. Contact
    details sent with an anonymous complaint are dropped, never stored.
    ``protected`` keeps them (for replies) but shows staff a pseudonym only.
    """

    subject: Subject
    description: Narrative
    anonymous: bool
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    protected: bool = False
    category: Category | None = None
    language: Language | None = None
    #: Values for the intake fields the tenant's plugins add to the form.
    fields: dict[str, Any] = msgspec.field(default_factory=dict)


class SubmissionReceipt(msgspec.Struct, kw_only=True):
    """The answer to a public submission; the only time the receipt is ever shown."""

    reference: str
    receipt: str
    advice: str
    anonymous: bool
    #: What personal data was stored, in words.
    personal_data: str


class ReceiptIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A receipt, sent in the body so that it stays out of URLs and access logs."""

    receipt: ReceiptText


class AppealIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The complainant's appeal against the answer they were sent, with its grounds."""

    receipt: ReceiptText
    reason: Narrative


class EscalationIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The complainant's request that a supervisor take over the case, and why."""

    receipt: ReceiptText
    reason: Narrative


class FollowUpMessageIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A further message from the complainant."""

    receipt: ReceiptText
    message: Narrative


class VisibleMessage(msgspec.Struct, kw_only=True):
    """One item of correspondence as the complainant sees it."""

    direction: Literal["inbound", "outbound"]
    channel: str
    body: str
    occurred_at: datetime


class VisibleFile(msgspec.Struct, kw_only=True):
    """A file the complainant sent, with the hash that lets them check what we hold."""

    filename: str
    media_type: str
    size: int
    sha256: str
    sent_at: datetime


class FollowUp(msgspec.Struct, kw_only=True):
    """A case as its complainant sees it through the receipt."""

    reference: str
    status: str
    received_at: datetime
    correspondence: list[VisibleMessage]
    #: Only the files sent through the public routes; staff files never show here.
    files: list[VisibleFile]
    #: The case is closed and its satisfaction survey not answered yet.
    survey_open: bool
    #: The organisation has answered and a further level of appeal is open to the complainant.
    appeal_possible: bool


@dataclass(frozen=True, slots=True)
class ReceiptHolder:
    """Proof that the caller holds the receipt of ``case_id``.

    Everything done through a receipt starts from ``open_receipt``; a new
    capability (sending files, answering a survey) takes a holder, never a
    case id from the request.
    """

    receipt_id: UUID
    case_id: UUID


# -- receipts -------------------------------------------------------------------------------


def new_receipt() -> str:
    """Return a fresh receipt for people: 52 characters in groups, e.g. ``7K2M-QX9A-...``."""
    raw = secrets.token_bytes(RECEIPT_BYTES)
    text = base64.b32encode(raw).decode("ascii").rstrip("=").translate(_TO_CROCKFORD)
    return "-".join(text[i : i + RECEIPT_GROUP] for i in range(0, len(text), RECEIPT_GROUP))


def receipt_hash(receipt: str) -> str:
    """Return the stored form of a receipt: SHA-256 of its canonical spelling.

    Case, separators and look-alike letters do not matter, so a receipt copied
    by hand still works; anything else that differs is another receipt.
    """
    canonical = receipt.upper().translate(_TYPED)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def issue_receipt(case_id: UUID) -> str:
    """Create a receipt for ``case_id`` in the current tenant; return it (it is not kept)."""
    tenant = current_tenant()
    receipt = new_receipt()
    receipt_id = uuid7()
    await CaseReceipt.insert(
        CaseReceipt(
            id=receipt_id,
            tenant_id=tenant.id,
            case_id=case_id,
            secret_hash=receipt_hash(receipt),
            created_at=datetime.now(UTC),
        )
    )
    await audit.record(
        "case.receipt_issued",
        actor=PUBLIC_ACTOR,
        case_id=case_id,
        detail={"receipt_id": str(receipt_id)},
    )
    return receipt


async def open_receipt(receipt: str) -> ReceiptHolder:
    """Return the holder of ``receipt`` in the current tenant, or raise ``UnknownReceipt``.

    A wrong, malformed and another tenant's receipt all take this one path: one
    hash, one lookup on the unique index, one constant-time comparison.
    """
    tenant = current_tenant()
    digest = receipt_hash(receipt)
    row = (
        await CaseReceipt.select(CaseReceipt.id, CaseReceipt.case_id, CaseReceipt.secret_hash)
        .where((CaseReceipt.tenant_id == tenant.id) & (CaseReceipt.secret_hash == digest))
        .first()
    )
    stored = row["secret_hash"] if row is not None else _NO_MATCH
    if not hmac.compare_digest(stored.encode("ascii"), digest.encode("ascii")) or row is None:
        raise UnknownReceipt()
    await CaseReceipt.update({CaseReceipt.last_used_at: datetime.now(UTC)}).where(
        CaseReceipt.id == row["id"]
    )
    return ReceiptHolder(receipt_id=row["id"], case_id=row["case_id"])


# -- public submission ----------------------------------------------------------------------


async def submit_complaint(complaint: PublicComplaint) -> SubmissionReceipt:
    """Register a complaint from the public form and issue its receipt."""
    if complaint.anonymous:
        person = PersonIn(anonymous=True)
    else:
        person = PersonIn(
            name=complaint.name,
            email=complaint.email,
            phone=complaint.phone,
            protected=complaint.protected,
        )
    case = await register_case(
        NewCase(
            subject=complaint.subject,
            description=complaint.description,
            channel="web",
            complainant=person,
            category=complaint.category,
            language=complaint.language,
            fields=complaint.fields,
        ),
        actor=PUBLIC_ACTOR,
    )
    await acknowledge_on_arrival(case.id)
    receipt = await issue_receipt(case.id)
    return SubmissionReceipt(
        reference=case.reference,
        receipt=receipt,
        advice=ADVICE,
        anonymous=complaint.anonymous,
        personal_data=(
            ANONYMOUS_NOTE
            if complaint.anonymous
            else PROTECTED_NOTE
            if complaint.protected
            else IDENTIFIED_NOTE
        ),
    )


# -- follow-up ------------------------------------------------------------------------------


async def follow_up(receipt: str) -> FollowUp:
    """Return the case of ``receipt`` with the correspondence its complainant may see."""
    holder = await open_receipt(receipt)
    return await case_as_seen(holder)


async def appeal(data: AppealIn) -> FollowUp:
    """Open the next level of appeal on the receipt's case; return the case as they see it."""
    holder = await open_receipt(data.receipt)
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the answer is not right")
    await appeal_by_complainant(holder.case_id, reason, actor=PUBLIC_ACTOR)
    return await case_as_seen(holder)


async def escalate(data: EscalationIn) -> FollowUp:
    """Escalate the receipt's open case to a supervisor; return the case as they see it."""
    holder = await open_receipt(data.receipt)
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why a supervisor should look at it")
    await escalate_by_complainant(holder.case_id, reason, actor=PUBLIC_ACTOR)
    return await case_as_seen(holder)


async def add_message(receipt: str, message: str) -> FollowUp:
    """Add the complainant's message to the case of ``receipt``; return the case as they see it."""
    holder = await open_receipt(receipt)
    await record_message(holder, message)
    return await case_as_seen(holder)


async def record_message(
    holder: ReceiptHolder, message: str, *, attachments: Sequence[UUID] = ()
) -> UUID:
    """Store an inbound web message on the holder's case, audit it, and return its id.

    ``attachments`` are the files the complainant sent with the message; the
    audit event ties them to the correspondence item whose id this returns.
    """
    body = message.strip()
    if not body:
        raise InvalidInput("message", "must not be blank")
    now = datetime.now(UTC)
    correspondence_id = await add_correspondence(
        holder.case_id, direction="inbound", channel="web", body=body, occurred_at=now
    )
    detail: dict[str, Any] = {"correspondence_id": str(correspondence_id), "channel": "web"}
    if attachments:
        detail["attachment_ids"] = [str(attachment) for attachment in attachments]
    await audit.record(
        "case.message_added", actor=PUBLIC_ACTOR, case_id=holder.case_id, detail=detail
    )
    return correspondence_id


async def case_as_seen(holder: ReceiptHolder) -> FollowUp:
    """The holder's case as its complainant may see it: status, correspondence, own files."""
    case = (
        await Case.select(Case.reference, Case.status, Case.received_at)
        .where(Case.id == holder.case_id)
        .first()
    )
    if case is None:  # the receipt's foreign key makes this unreachable short of a bug
        raise UnknownReceipt()
    letters = (
        await Correspondence.select(
            Correspondence.id,
            Correspondence.direction,
            Correspondence.channel,
            Correspondence.body,
            Correspondence.occurred_at,
        )
        .where(
            (Correspondence.case_id == holder.case_id)
            & Correspondence.direction.is_in(list(VISIBLE_DIRECTIONS))
        )
        .order_by(Correspondence.occurred_at)
        .order_by(Correspondence.id)
    )
    files = (
        await Attachment.select(
            Attachment.filename,
            Attachment.media_type,
            Attachment.size,
            Attachment.sha256,
            Attachment.uploaded_at.as_alias("sent_at"),
        )
        .where(
            (Attachment.case_id == holder.case_id)
            & (Attachment.uploaded_by == PUBLIC_ACTOR)
            & (Attachment.purpose == "attachment")
        )
        .order_by(Attachment.uploaded_at)
        .order_by(Attachment.id)
    )
    answered = await CaseSurvey.exists().where(CaseSurvey.case_id == holder.case_id)
    return FollowUp(
        reference=case["reference"],
        status=case["status"],
        received_at=case["received_at"],
        correspondence=[
            VisibleMessage(**{k: v for k, v in letter.items() if k != "id"})
            for letter in await opened("correspondence", letters)
        ],
        files=[VisibleFile(**file) for file in files],
        survey_open=case["status"] == "closed" and not answered,
        appeal_possible=await can_appeal(holder.case_id),
    )
