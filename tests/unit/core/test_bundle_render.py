"""The appeal bundle's PDF, rendered from data alone: every language prints, pages are counted."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from core.bundle.chronology import describe
from core.bundle.document import FAMILY, FONT_DIR, BundleDocument, BundleFontMissing
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

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
STAFF = uuid.UUID("01900000-0000-7000-8000-0000000000aa")
HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
RUSSIAN = "Жалоба на задержку выплаты страхового возмещения"
ESTONIAN = "Kaebus: õigusvastane keeldumine, äärmiselt üllatav, šokeeriv ja žürii"
GERMAN = "Beschwerde über die Verzögerung — Grüße aus Köln, Straße"


def bundle(*, letters: int = 2, body: str = RUSSIAN) -> AppealBundle:
    return AppealBundle(
        header=CaseHeader(
            id=uuid.UUID(int=1),
            reference="Q-2026-000042",
            organisation="Kindlustus AS Põhjala",
            subject=ESTONIAN,
            category="claims",
            severity="high",
            channel="email",
            language="et",
            confidentiality="standard",
            received_at=T0,
            status="appealed",
            appeal_level=1,
            closed_at=None,
        ),
        timezone="Europe/Tallinn",
        parties=[
            PartyEntry(role="complainant", name=None, email=None, phone=None, anonymous=True),
            PartyEntry(
                role="witness",
                name="Jüri Õun",
                email="jyri@example.ee",
                phone=None,
                anonymous=False,
            ),
        ],
        chronology=[
            ChronologyEntry(
                seq=1,
                occurred_at=T0,
                actor="email",
                action="case.registered",
                description=describe(
                    "case.registered", {"reference": "Q-2026-000042", "channel": "email"}
                ),
            ),
            ChronologyEntry(
                seq=7,
                occurred_at=T0 + timedelta(days=3),
                actor=f"staff:{STAFF}",
                action="case.approve_decision",
                description=describe(
                    "case.approve_decision",
                    {"from": "decision_proposed", "to": "decision_approved"},
                ),
            ),
        ],
        correspondence=[
            LetterEntry(
                direction="inbound" if n % 2 else "outbound",
                channel="email",
                body=f"{body}\n\n{GERMAN}\nItem {n}.",
                occurred_at=T0 + timedelta(hours=n),
            )
            for n in range(letters)
        ],
        tasks=[
            TaskEntry(
                title="Interview the claims handler",
                owner_staff_id=STAFF,
                due_at=T0 + timedelta(days=5),
                done_at=None,
                created_by=f"staff:{STAFF}",
            )
        ],
        records=[
            RecordEntry(
                kind="statement",
                title="Statement of the handler",
                body="Дело ждало оценщика три недели.",
                person="Мария Иванова",
                visibility="shared",
                sha256=None,
                created_by=f"staff:{STAFF}",
                created_at=T0 + timedelta(days=1),
            ),
            RecordEntry(
                kind="note",
                title="Handler's private view",
                body="Capacity problem, not a one-off.",
                person=None,
                visibility="internal",
                sha256=None,
                created_by=f"staff:{STAFF}",
                created_at=T0 + timedelta(days=1),
            ),
        ],
        decisions=[
            DecisionEntry(
                level=0,
                outcome="partly_upheld",
                redress="EUR 150",
                actions="Adjusters assigned within 5 days",
                root_cause="No adjuster capacity",
                measures="Two more adjusters",
                state="approved",
                proposed_by=f"staff:{STAFF}",
                proposed_at=T0 + timedelta(days=2),
                reviewed_by="staff:01900000-0000-7000-8000-0000000000bb",
                reviewed_at=T0 + timedelta(days=3),
                review_comment="Agreed.",
            )
        ],
        appeals=[
            AppealEntry(
                level=1,
                reason="Hüvitis on liiga väike.",
                opened_by=f"staff:{STAFF}",
                opened_at=T0 + timedelta(days=10),
                due_at=T0 + timedelta(days=66),
                decided_at=None,
            )
        ],
        evidence=[
            EvidenceEntry(
                source="attachment",
                title="kahjuakt.pdf",
                media_type="application/pdf",
                size=48_213,
                sha256=HASH,
                received_at=T0,
                received_by="email",
            )
        ],
        people={f"staff:{STAFF}": "Mari Maasikas", str(STAFF): "Mari Maasikas"},
        generated_at=T0 + timedelta(days=11),
    )


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces, for phrases that wrap."""
    return re.sub(r"\s+", " ", text)


def test_cyrillic_estonian_and_german_text_survive():
    reader, text = text_of(render_bundle(bundle()))
    assert reader.pdf_header.startswith("%PDF-")
    for phrase in (RUSSIAN, ESTONIAN, GERMAN, "Мария Иванова", "Hüvitis on liiga väike."):
        assert phrase in flat(text), phrase


def test_every_page_is_numbered_and_carries_the_reference():
    reader, _ = text_of(render_bundle(bundle(letters=40)))
    total = len(reader.pages)
    assert total > 5
    for number, page in enumerate(reader.pages, 1):
        words = page.extract_text()
        assert f"page {number} of {total}" in words
        assert "Appeal bundle Q-2026-000042" in words


def test_sections_are_in_the_contents_and_the_outline():
    reader, _ = text_of(render_bundle(bundle()))
    first = reader.pages[0].extract_text()
    assert "Contents" in first
    for section in ("Chronology", "Correspondence", "Decisions and reviews", "Evidence index"):
        assert section in first
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "7. Evidence index" in titles


def test_what_an_appeal_reviewer_needs_is_printed():
    _, text = text_of(render_bundle(bundle()))
    words = flat(text)
    assert HASH in text  # on one line, so that it can be compared by copying
    assert content_sha256(bundle()) in text
    assert "Partly upheld, approved" in words
    assert "No adjuster capacity" in words
    assert "Anonymous: identity withheld" in words
    assert "[INTERNAL]" in words
    assert "Mari Maasikas" in words
    assert "Proposed decision approved (status: decision proposed → decision approved)" in words
    # Times are the tenant's: 09:30 UTC is 11:30 in Tallinn in March.
    assert "2026-03-02 11:30" in words


def test_the_content_hash_ignores_when_the_bundle_was_made():
    one = bundle()
    later = AppealBundle(
        **{**{f: getattr(one, f) for f in one.__struct_fields__}, "generated_at": T0}
    )
    assert content_sha256(one) == content_sha256(later)
    assert content_sha256(one) != content_sha256(bundle(body="другой текст"))


def test_long_text_wraps_inside_the_margins_and_keeps_every_word():
    pdf = BundleDocument(reference="Q-1", organisation="O", zone=ZoneInfo("UTC"), font_dir=FONT_DIR)
    pdf.add_page()
    pdf.set_font(FAMILY, "", 9.5)
    text = f"{RUSSIAN} {ESTONIAN}\n\n  indented\nhttps://example.org/{'x' * 400} end"
    lines = list(pdf.wrap(text, 100))
    assert len(lines) > 8
    assert all(pdf.get_string_width(line) <= 100 - 2 * pdf.c_margin for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert "  indented" in lines


def test_a_missing_font_is_named(tmp_path: Path):
    with pytest.raises(BundleFontMissing, match=r"DejaVuSans\.ttf.*fonts-dejavu-core"):
        render_bundle(bundle(), font_dir=tmp_path)


def test_descriptions_fall_back_to_plain_words():
    assert describe("case.put_on_hold", {"from": "investigating", "to": "on_hold"}) == (
        "Case put on hold (status: investigating → on hold)"
    )
    assert describe("case.something_new", {}) == "Case: something new"
