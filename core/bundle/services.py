"""Gathering and exporting the appeal bundle of a case.

Everything is read in the caller's tenant transaction, so the bundle is one
consistent picture of the case, and the export's audit event commits with it.
The PDF is rendered in a worker thread: a long case takes long enough to stall
every other request on the event loop.
"""

from __future__ import annotations

import hashlib
import json
import re
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
from core.auth.tables import StaffMember
from core.bundle.chronology import describe
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
from core.db.rows import as_structs
from core.errors import NotFound
from core.lifecycle.tables import CaseAppeal, CaseDecision, CaseRecord, CaseTask
from core.tenancy.context import current_tenant

S = TypeVar("S", bound=msgspec.Struct)

#: What stands in the bundle where an anonymous complainant's identity was.
WITHHELD = "[withheld]"
#: Shorter values are not hunted for in free text: they would blank ordinary words.
_SHORTEST_WITHHELD = 3


@dataclass(frozen=True, slots=True)
class ExportedBundle:
    """A rendered bundle and what identifies it."""

    reference: str
    pdf: bytes
    #: SHA-256 of the PDF file, as recorded in the audit log.
    sha256: str

    @property
    def filename(self) -> str:
        """The name the download is offered under."""
        return f"{self.reference}-appeal-bundle.pdf"


async def export_bundle(key: str, *, actor: str) -> ExportedBundle:
    """Gather and render the bundle of case ``key``; audit the export with the PDF's hash."""
    bundle = await gather_bundle(key)
    pdf = await anyio.to_thread.run_sync(render_bundle, bundle)
    digest = hashlib.sha256(pdf).hexdigest()
    await audit.record(
        "case.bundle_exported",
        actor=actor,
        case_id=bundle.header.id,
        detail={"sha256": digest, "content_sha256": content_sha256(bundle), "bytes": len(pdf)},
    )
    return ExportedBundle(reference=bundle.header.reference, pdf=pdf, sha256=digest)


async def gather_bundle(key: str, *, now: datetime | None = None) -> AppealBundle:
    """Everything an appeal needs about case ``key``, with an anonymous complainant withheld."""
    tenant = current_tenant()
    case_id = await find_case_id(key, part="appeal_bundle")
    case = await Case.select().where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    parties = await _rows(Party, case_id, Party.id)
    hide = _withholder(parties)
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
    return AppealBundle(
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
                name=None if p["anonymous"] else p["display_name"],
                email=None if p["anonymous"] else p["email"],
                phone=None if p["anonymous"] else p["phone"],
                anonymous=p["anonymous"],
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
        people=await _people(actors, [t.owner_staff_id for t in tasks if t.owner_staff_id]),
        generated_at=now or datetime.now(UTC),
    )


async def _rows(table: type[Table], case_id: UUID, order: Column) -> list[dict[str, Any]]:
    """The rows of ``table`` about the case, in ``order`` and then by id."""
    rows: list[dict[str, Any]] = (
        await table.select()
        .where(table._meta.get_column_by_name("case_id") == case_id)
        .order_by(order)
        .order_by(table._meta.primary_key)
    )
    return rows


def _hidden(hide: Callable[[str], str], entry: S, *fields: str) -> S:
    """``entry`` with ``hide`` applied to its free-text ``fields``."""
    changes = {name: hide(value) for name in fields if (value := getattr(entry, name))}
    return msgspec.structs.replace(entry, **changes)


def _withholder(parties: Iterable[dict[str, Any]]) -> Callable[[str], str]:
    """Blank out an anonymous party's name, e-mail and phone wherever free text repeats them.

    Complainants who ask for anonymity often sign their letters all the same.
    """
    secrets = {
        value.strip()
        for p in parties
        if p["anonymous"]
        for value in (p["display_name"], p["email"], p["phone"])
        if value and len(value.strip()) >= _SHORTEST_WITHHELD
    }
    if not secrets:
        return lambda text: text
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in sorted(secrets, key=len, reverse=True)),
        re.IGNORECASE,
    )
    return lambda text: pattern.sub(WITHHELD, text)


async def _people(actors: Iterable[str], owners: Iterable[UUID]) -> dict[str, str]:
    """Staff names for the ``staff:<id>`` actors and the task owners the bundle mentions."""
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
    names: dict[str, str] = {}
    for row in rows:
        name = row["display_name"] or row["email"]
        names[f"staff:{row['id']}"] = names[str(row["id"])] = name
    return names


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})
