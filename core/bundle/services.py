"""Gathering and exporting the appeal bundle of a case.

Everything is read in the caller's tenant transaction, so the bundle is one
consistent picture of the case, and the export's audit event commits with it.
The PDF is rendered in a worker thread: a long case takes long enough to stall
every other request on the event loop. The bundle is gathered whole, as staff
see the case, and then cut down to its audience (``core.bundle.audiences``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread
import msgspec
from piccolo.columns import Column
from piccolo.table import Table

from core.attachments.tables import Attachment
from core.audit import services as audit
from core.audit.tables import AuditEvent
from core.auth.principal import Principal
from core.auth.tables import StaffMember
from core.bundle.audiences import AUDIENCES, Audience
from core.bundle.chronology import describe
from core.bundle.redaction import StaffName, people_named, redacted
from core.bundle.render import render_bundle
from core.bundle.schemas import (
    AppealBundle,
    AppealEntry,
    CaseHeader,
    ChronologyEntry,
    DecisionEntry,
    EvidenceEntry,
    LetterEntry,
    PartyEntry,
    RecordEntry,
    TaskEntry,
    content_sha256,
)
from core.cases.services import find_case_id
from core.cases.tables import Case, Correspondence, Party
from core.crypto.fields import SEALED, opened
from core.db.rows import as_structs
from core.errors import Forbidden, InvalidInput, NotFound
from core.escrow import services as escrow
from core.lifecycle.tables import CaseAppeal, CaseDecision, CaseRecord, CaseTask
from core.tenancy.context import current_tenant

S = TypeVar("S", bound=msgspec.Struct)


@dataclass(frozen=True, slots=True)
class ExportedBundle:
    """A rendered bundle and what identifies it."""

    reference: str
    pdf: bytes
    #: SHA-256 of the PDF file, as recorded in the audit log.
    sha256: str
    audience: str = "internal"

    @property
    def filename(self) -> str:
        """The name the download is offered under."""
        suffix = "" if self.audience == "internal" else f"-{self.audience}"
        return f"{self.reference}-appeal-bundle{suffix}.pdf"


def audience_for(name: str, viewer: Principal) -> Audience:
    """The audience called ``name``, if ``viewer`` may export bundles for it.

    Checked before the case is looked up: a refusal says nothing about the case.
    """
    if name not in AUDIENCES:
        raise InvalidInput("audience", f"is one of {', '.join(AUDIENCES)}")
    audience = AUDIENCES[name]
    if not viewer.holds(*audience.exporters):
        raise Forbidden(
            f"A bundle for the {name} audience is exported by the roles"
            f" {', '.join(sorted(audience.exporters))}."
        )
    return audience


async def export_bundle(
    key: str, *, viewer: Principal, audience: str = "internal"
) -> ExportedBundle:
    """Gather and render the bundle of case ``key`` for ``audience``; audit the export.

    The audit event carries the audience, the PDF's hash and the content hash.
    """
    audience_for(audience, viewer)
    bundle = await gather_bundle(key, audience=audience)
    pdf = await anyio.to_thread.run_sync(render_bundle, bundle)
    digest = hashlib.sha256(pdf).hexdigest()
    await audit.record(
        "case.bundle_exported",
        actor=viewer.actor,
        case_id=bundle.header.id,
        detail={
            "audience": audience,
            "sha256": digest,
            "content_sha256": content_sha256(bundle),
            "bytes": len(pdf),
        },
    )
    return ExportedBundle(
        reference=bundle.header.reference, pdf=pdf, sha256=digest, audience=audience
    )


async def gather_bundle(
    key: str, *, audience: str = "internal", now: datetime | None = None
) -> AppealBundle:
    """What ``audience`` may see of case ``key``, with an anonymous complainant withheld."""
    if audience not in AUDIENCES:
        raise InvalidInput("audience", f"is one of {', '.join(AUDIENCES)}")
    tenant = current_tenant()
    case_id = await find_case_id(key, part="appeal_bundle")
    case = await Case.select().where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    parties = await _rows(Party, case_id, Party.id)
    hide = escrow.withholder(parties)
    events = await _rows(AuditEvent, case_id, AuditEvent.seq)
    letters = as_structs(
        LetterEntry, await _rows(Correspondence, case_id, Correspondence.occurred_at)
    )
    tasks = as_structs(TaskEntry, await _rows(CaseTask, case_id, CaseTask.id))
    records = as_structs(RecordEntry, await _rows(CaseRecord, case_id, CaseRecord.id))
    decisions = as_structs(
        DecisionEntry, await _rows(CaseDecision, case_id, CaseDecision.proposed_at)
    )
    appeals = as_structs(AppealEntry, await _rows(CaseAppeal, case_id, CaseAppeal.level))
    files = await _rows(Attachment, case_id, Attachment.uploaded_at)
    evidence = [
        EvidenceEntry(
            source="attachment",
            title=hide(f["filename"]),
            media_type=f["media_type"],
            size=f["size"],
            sha256=f["sha256"],
            received_at=f["uploaded_at"],
            received_by=f["uploaded_by"],
        )
        for f in files
    ] + [
        EvidenceEntry(
            source="evidence record",
            title=hide(r.title),
            media_type=None,
            size=None,
            sha256=r.sha256,
            received_at=r.created_at,
            received_by=r.created_by,
        )
        for r in records
        if r.kind == "evidence" and r.sha256
    ]
    evidence.sort(key=lambda e: e.received_at)
    actors = {e["actor"] for e in events} | {e.received_by for e in evidence}
    actors |= {t.created_by for t in tasks} | {r.created_by for r in records}
    actors |= {d.proposed_by for d in decisions}
    actors |= {d.reviewed_by for d in decisions if d.reviewed_by}
    actors |= {a.opened_by for a in appeals}
    actors |= {a.decided_by for a in appeals if a.decided_by}
    staff = await _staff(actors, [t.owner_staff_id for t in tasks if t.owner_staff_id])
    whole = AppealBundle(
        header=CaseHeader(
            id=case["id"],
            reference=case["reference"],
            organisation=tenant.name,
            subject=hide(case["subject"]),
            category=case["category"],
            severity=case["severity"],
            channel=case["channel"],
            language=case["language"],
            confidentiality=case["confidentiality"],
            received_at=case["received_at"],
            status=case["status"],
            appeal_level=case["appeal_level"],
            closed_at=case["closed_at"],
        ),
        timezone=tenant.timezone,
        parties=[
            PartyEntry(
                role=p["role"],
                name=None if escrow.escrowed(p) else p["display_name"],
                email=None if escrow.escrowed(p) else p["email"],
                phone=None if escrow.escrowed(p) else p["phone"],
                anonymous=escrow.escrowed(p),
            )
            for p in parties
        ],
        chronology=[
            ChronologyEntry(
                seq=e["seq"],
                occurred_at=e["occurred_at"],
                actor=e["actor"],
                action=e["action"],
                description=hide(describe(e["action"], _json(e["detail"]))),
            )
            for e in events
        ],
        correspondence=[_hidden(hide, c, "body") for c in letters],
        tasks=[_hidden(hide, t, "title") for t in tasks],
        records=[_hidden(hide, r, "title", "body", "person") for r in records],
        decisions=[
            _hidden(hide, d, "redress", "actions", "root_cause", "measures", "review_comment")
            for d in decisions
        ],
        appeals=[_hidden(hide, a, "reason") for a in appeals],
        evidence=evidence,
        people=people_named(staff, AUDIENCES["internal"]),
        generated_at=now or datetime.now(UTC),
    )
    return redacted(whole, AUDIENCES[audience], staff)


async def _rows(table: type[Table], case_id: UUID, order: Column) -> list[dict[str, Any]]:
    """The rows of ``table`` about the case, in ``order`` and then by id."""
    rows: list[dict[str, Any]] = (
        await table.select()
        .where(table._meta.get_column_by_name("case_id") == case_id)
        .order_by(order)
        .order_by(table._meta.primary_key)
    )
    name = table._meta.tablename
    return await opened(name, rows) if name in SEALED else rows


def _hidden(hide: Callable[[str], str], entry: S, *fields: str) -> S:
    """``entry`` with ``hide`` applied to its free-text ``fields``."""
    changes = {name: hide(value) for name in fields if (value := getattr(entry, name))}
    return msgspec.structs.replace(entry, **changes)


async def _staff(actors: Iterable[str], owners: Iterable[UUID]) -> dict[str, StaffName]:
    """The ``staff:<id>`` actors and the task owners the bundle mentions, by actor and by id."""
    ids = set(owners)
    for actor in actors:
        if actor.startswith("staff:"):
            try:
                ids.add(UUID(actor.removeprefix("staff:")))
            except ValueError:
                continue
    if not ids:
        return {}
    rows = await StaffMember.select(
        StaffMember.id, StaffMember.display_name, StaffMember.email
    ).where(StaffMember.id.is_in(list(ids)))
    names: dict[str, StaffName] = {}
    for row in rows:
        name = StaffName(name=row["display_name"], email=row["email"])
        names[f"staff:{row['id']}"] = names[str(row["id"])] = name
    return names


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})
