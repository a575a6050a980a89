"""Turning an appeal bundle into a PDF: data in, bytes out, no database.

The order of the sections is the order an appeal reviewer works in: what the
case is and who is in it, what happened when, what was written, what was
found, what was decided, what is appealed, and what the evidence is. What the
bundle holds is already cut down to its audience (``core.bundle.audiences``);
the renderer names the audience on the cover and on every page, and leaves out
the labels of what that audience does not get.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import XPos, YPos

from core.bundle import document
from core.bundle.audiences import AUDIENCES, Audience
from core.bundle.document import BODY, FAMILY, SMALL, BundleDocument, contents
from core.bundle.schemas import AppealBundle, content_sha256

#: How actors that are not staff members are named.
_ACTORS = {
    "public": "complainant (public form)",
    "email": "e-mail intake",
    "mail": "mail delivery",
    "system": "Querela",
}


def render_bundle(bundle: AppealBundle, *, font_dir: Path | None = None) -> bytes:
    """The bundle as a PDF document; ``font_dir`` overrides ``document.FONT_DIR``."""
    header = bundle.header
    audience = _audience(bundle)
    pdf = BundleDocument(
        reference=header.reference,
        organisation=header.organisation,
        zone=ZoneInfo(bundle.timezone),
        font_dir=font_dir or document.FONT_DIR,
        audience=audience.title,
    )
    pdf.set_title(f"Appeal bundle {header.reference} ({audience.title.lower()})")
    pdf.set_author(header.organisation)
    pdf.set_creator("Querela")
    pdf.set_lang(header.language)
    pdf.set_creation_date(bundle.generated_at)
    for part in (
        _title_page,
        _case,
        _chronology,
        _correspondence,
        _investigation,
        _decisions,
        _appeals,
        _evidence,
        _integrity,
    ):
        part(pdf, bundle)
    return bytes(pdf.output())


def _audience(bundle: AppealBundle) -> Audience:
    return AUDIENCES[bundle.audience]


def _who(bundle: AppealBundle, actor: str | None) -> str:
    if actor is None:
        return "—"
    if actor in bundle.people:
        return bundle.people[actor]
    if actor.startswith("plugin:"):
        return f"plugin {actor.removeprefix('plugin:')}"
    return _ACTORS.get(actor, actor)


def _words(value: str) -> str:
    return value.replace("_", " ")


def _size(size: int | None) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} bytes"
    return f"{size:,} bytes ({size / 1024:,.1f} KiB)"


def _title_page(pdf: BundleDocument, bundle: AppealBundle) -> None:
    header = bundle.header
    pdf.add_page()
    pdf.ln(12)
    pdf.set_font(FAMILY, "B", 24)
    pdf.cell(0, 12, "Appeal bundle", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 10, header.reference, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    audience = _audience(bundle)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, f"Audience: {audience.title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)
    pdf.multi_cell(0, 5, audience.note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 12)
    pdf.multi_cell(0, 7, header.organisation, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 7, document.clean(header.subject), align="L")
    pdf.set_x(pdf.l_margin)
    pdf.ln(4)
    pdf.field("Status", _words(header.status))
    pdf.field("Appeal level", str(header.appeal_level))
    pdf.field("Generated", f"{pdf.when(bundle.generated_at)} ({bundle.timezone})")
    pdf.field("Times", f"All times in this bundle are {bundle.timezone}.")
    pdf.insert_toc_placeholder(contents)


def _case(pdf: BundleDocument, bundle: AppealBundle) -> None:
    header = bundle.header
    pdf.section("1. The case and its parties")
    pdf.field("Reference", header.reference)
    pdf.field("Organisation", header.organisation)
    pdf.field("Subject", header.subject)
    pdf.field("Category", header.category or "—")
    if header.severity:
        pdf.field("Severity", header.severity)
    pdf.field("Channel", _words(header.channel))
    pdf.field("Received", pdf.when(header.received_at))
    pdf.field("Status", _words(header.status))
    pdf.field("Appeal level", str(header.appeal_level))
    if header.confidentiality:
        pdf.field("Confidentiality", header.confidentiality)
    pdf.field("Language", header.language)
    if header.closed_at:
        pdf.field("Closed", pdf.when(header.closed_at))
    pdf.subsection("Parties")
    if not bundle.parties:
        pdf.paragraph("No parties are recorded.")
    for party in bundle.parties:
        if party.anonymous:
            pdf.field(party.role.capitalize(), "Anonymous: identity withheld at their request")
            continue
        details = [party.name, party.email, party.phone]
        pdf.field(party.role.capitalize(), ", ".join(d for d in details if d) or "not named")


def _chronology(pdf: BundleDocument, bundle: AppealBundle) -> None:
    pdf.section("2. Chronology")
    if _audience(bundle).chronology is None:
        pdf.paragraph(
            "Every event of the case's audit log, in order. Numbers are the organisation's"
            " audit sequence; gaps are events of other cases."
        )
    else:
        pdf.paragraph("The steps of the complaint the complainant took part in, in order.")
    pdf.rows(
        (12, 30, 40, 88),
        ("No.", "When", "By", "What happened"),
        [
            [str(e.seq), pdf.when(e.occurred_at), _who(bundle, e.actor), e.description]
            for e in bundle.chronology
        ],
    )


def _correspondence(pdf: BundleDocument, bundle: AppealBundle) -> None:
    pdf.section("3. Correspondence")
    if not bundle.correspondence:
        pdf.paragraph("No correspondence is recorded.")
    for number, item in enumerate(bundle.correspondence, 1):
        pdf.subsection(
            f"C{number}. {item.direction.capitalize()} · {_words(item.channel)}"
            f" · {pdf.when(item.occurred_at)}"
        )
        pdf.paragraph(item.body)


def _investigation(pdf: BundleDocument, bundle: AppealBundle) -> None:
    pdf.section("4. Investigation")
    pdf.subsection("Tasks")
    if not _audience(bundle).tasks:
        pdf.paragraph("The organisation's investigation tasks are not part of this bundle.")
    elif bundle.tasks:
        pdf.rows(
            (76, 38, 28, 28),
            ("Task", "Owner", "Due", "Done"),
            [
                [
                    t.title,
                    _who(bundle, str(t.owner_staff_id) if t.owner_staff_id else None),
                    pdf.when(t.due_at),
                    pdf.when(t.done_at, "open"),
                ]
                for t in bundle.tasks
            ],
        )
    else:
        pdf.paragraph("No tasks are recorded.")
    if not bundle.records:
        pdf.subsection("Records")
        pdf.paragraph("No interviews, statements, notes or evidence are recorded.")
    for number, record in enumerate(bundle.records, 1):
        internal = record.visibility == "internal"
        pdf.subsection(
            f"R{number}. {record.kind.capitalize()}: {record.title}"
            + (" [INTERNAL]" if internal else "")
        )
        pdf.field(
            "Visibility",
            "internal: not shared with the complainant" if internal else "shared",
        )
        if record.person:
            pdf.field("Person", record.person)
        pdf.field("Recorded", f"{pdf.when(record.created_at)} by {_who(bundle, record.created_by)}")
        if record.sha256:
            pdf.field("SHA-256", record.sha256, size=SMALL)
        if record.body:
            pdf.paragraph(record.body)


def _decisions(pdf: BundleDocument, bundle: AppealBundle) -> None:
    if _audience(bundle).decisions == "as sent":
        _decisions_as_sent(pdf, bundle)
        return
    pdf.section("5. Decisions and reviews")
    if not bundle.decisions:
        pdf.paragraph("No decision has been proposed.")
    for number, decision in enumerate(bundle.decisions, 1):
        stage = f"appeal level {decision.level}" if decision.level else "first decision"
        pdf.subsection(
            f"D{number}. {_words(decision.outcome).capitalize()}, {decision.state} ({stage})"
        )
        pdf.field("Outcome", _words(decision.outcome))
        pdf.field("Review", decision.state)
        pdf.field("Redress", decision.redress)
        pdf.field("Actions", decision.actions)
        pdf.field("Root cause", decision.root_cause)
        pdf.field("Measures", decision.measures)
        pdf.field(
            "Proposed", f"{pdf.when(decision.proposed_at)} by {_who(bundle, decision.proposed_by)}"
        )
        reviewed = "not yet reviewed"
        if decision.reviewed_by:
            reviewed = f"{pdf.when(decision.reviewed_at)} by {_who(bundle, decision.reviewed_by)}"
        pdf.field("Reviewed", reviewed)
        pdf.field("Review comment", decision.review_comment or "—")


def _decisions_as_sent(pdf: BundleDocument, bundle: AppealBundle) -> None:
    """The decisions as the complainant was told them: no drafts, no reviews, no root cause."""
    pdf.section("5. Decisions")
    if not bundle.decisions:
        pdf.paragraph("No decision has been made.")
    for number, decision in enumerate(bundle.decisions, 1):
        stage = f"appeal level {decision.level}" if decision.level else "first decision"
        pdf.subsection(f"D{number}. {_words(decision.outcome).capitalize()} ({stage})")
        pdf.field("Outcome", _words(decision.outcome))
        pdf.field("Redress", decision.redress)
        pdf.field("Actions", decision.actions)
        pdf.field(
            "Decided", f"{pdf.when(decision.proposed_at)} by {_who(bundle, decision.proposed_by)}"
        )


def _appeals(pdf: BundleDocument, bundle: AppealBundle) -> None:
    pdf.section("6. Appeals")
    if not bundle.appeals:
        pdf.paragraph("No appeal has been opened.")
    for appeal in bundle.appeals:
        title = f"Appeal level {appeal.level}"
        named = appeal.name and appeal.name != title
        pdf.subsection(f"{title}: {appeal.name}" if named else title)
        if appeal.citation:
            pdf.field("Rule", appeal.citation)
        pdf.field("Opened", f"{pdf.when(appeal.opened_at)} by {_who(bundle, appeal.opened_by)}")
        if appeal.handler_role:
            pdf.field("Decided by role", appeal.handler_role)
        pdf.field("Due", pdf.when(appeal.due_at))
        decided = pdf.when(appeal.decided_at, "not yet decided")
        if appeal.decided_at and appeal.decided_by:
            decided = f"{decided} by {_who(bundle, appeal.decided_by)}"
        pdf.field("Decided", decided)
        pdf.field("Grounds", appeal.reason)


def _evidence(pdf: BundleDocument, bundle: AppealBundle) -> None:
    pdf.section("7. Evidence index")
    which = (
        "Every file stored on the case and every evidence record"
        if _audience(bundle).evidence == "all"
        else "The files the complainant sent and the evidence records shared with them"
    )
    pdf.paragraph(f"{which}, with the SHA-256 of its content as recorded on receipt.")
    if not bundle.evidence:
        pdf.paragraph("No files or evidence are recorded.")
    for number, item in enumerate(bundle.evidence, 1):
        pdf.subsection(f"E{number}. {item.title}")
        pdf.field("Kind", item.source)
        if item.media_type:
            pdf.field("Type", item.media_type)
        if item.size is not None:
            pdf.field("Size", _size(item.size))
        pdf.field("Received", f"{pdf.when(item.received_at)} by {_who(bundle, item.received_by)}")
        pdf.field("SHA-256", item.sha256, size=SMALL)


def _integrity(pdf: BundleDocument, bundle: AppealBundle) -> None:
    audience = _audience(bundle)
    pdf.section("8. About this bundle")
    pdf.field("Audience", f"{audience.title}. {audience.note}")
    pdf.field("Generated", f"{pdf.when(bundle.generated_at)} ({bundle.timezone})")
    pdf.field("Generated (UTC)", bundle.generated_at.isoformat(timespec="seconds"))
    pdf.field("Content SHA-256", content_sha256(bundle), size=SMALL)
    pdf.field(
        "Contents",
        f"{len(bundle.chronology)} events, {len(bundle.correspondence)} items of"
        f" correspondence, {len(bundle.records)} records, {len(bundle.decisions)} decisions,"
        f" {len(bundle.appeals)} appeal levels, {len(bundle.evidence)} items of evidence",
    )
    pdf.ln(2)
    pdf.set_font(FAMILY, "", BODY)
    pdf.paragraph(
        "The content SHA-256 is taken over the data printed here, not over this file. The"
        " SHA-256 of this PDF file is recorded in the organisation's audit log as the event"
        " case.bundle_exported."
    )
