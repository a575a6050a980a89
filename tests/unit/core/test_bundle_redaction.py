"""The appeal bundle cut down to its audience, from data alone (``core.bundle.redaction``)."""

from __future__ import annotations

import msgspec

from core.bundle.audiences import AUDIENCES
from core.bundle.redaction import StaffName, redacted
from core.bundle.schemas import LetterEntry, PartyEntry
from tests.unit.core.test_bundle_render import STAFF, T0, bundle

STAFF_NAMES = {
    f"staff:{STAFF}": StaffName(name="Mari Maasikas", email="mari@example.ee"),
    str(STAFF): StaffName(name="Mari Maasikas", email="mari@example.ee"),
}


def with_parties():
    whole = bundle()
    return msgspec.structs.replace(
        whole,
        parties=[
            PartyEntry(
                role="complainant",
                name="Kati Kask",
                email="kati@example.ee",
                phone="+372 555 0101",
                anonymous=False,
            ),
            *whole.parties[1:],  # the witness Jüri Õun, jyri@example.ee
        ],
        correspondence=[
            LetterEntry(
                direction="inbound",
                channel="email",
                body="Jüri Õun saw it. Write to me at kati@example.ee. Kati Kask",
                occurred_at=T0,
            ),
            LetterEntry(direction="internal", channel="phone", body="Call note", occurred_at=T0),
        ],
    )


def test_internal_is_the_bundle_as_gathered():
    whole = with_parties()

    assert redacted(whole, AUDIENCES["internal"], STAFF_NAMES) == whole


def test_the_regulator_reads_pseudonyms_and_no_contacts():
    regulator = redacted(with_parties(), AUDIENCES["regulator"], STAFF_NAMES)

    assert [(p.role, p.name, p.email, p.phone) for p in regulator.parties] == [
        ("complainant", "Kati Kask", None, None),
        ("witness", "Witness 1", None, None),
    ]
    assert regulator.correspondence[0].body == (
        "Witness 1 saw it. Write to me at [contact withheld]. Kati Kask"
    )
    assert [r.person for r in regulator.records] == ["Witness 2"]  # named on a record only
    assert [r.kind for r in regulator.records] == ["statement"]  # no internal note
    assert set(regulator.people.values()) == {"Mari Maasikas"}


def test_the_complainant_reads_their_side_only():
    complainant = redacted(with_parties(), AUDIENCES["complainant"], STAFF_NAMES)

    assert [(p.role, p.email) for p in complainant.parties] == [("complainant", "kati@example.ee")]
    assert [c.direction for c in complainant.correspondence] == ["inbound"]
    assert complainant.correspondence[0].body.startswith("Witness 1 saw it.")
    assert complainant.tasks == []
    [decision] = complainant.decisions
    assert (decision.root_cause, decision.measures, decision.review_comment) == ("", "", None)
    assert decision.proposed_by == "Kindlustus AS Põhjala"
    assert complainant.people == {}
    assert [e.action for e in complainant.chronology] == ["case.registered"]
    assert complainant.header.confidentiality == complainant.header.severity == ""
