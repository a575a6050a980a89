"""Possible duplicates: the same sender, near-identical text, within a short window.

People send the same complaint twice: the form seemed to fail, they e-mailed and
then wrote. The second one is registered like any other complaint and linked to
the first, so that nobody answers twice and nothing is dropped; staff decide
what to do with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from uuid import UUID

from core.audit import services as audit
from core.cases.tables import CaseLink
from core.crypto.keyring import keyring, opener
from core.ids import uuid7
from core.tenancy.context import current_tenant

#: How alike two texts must be (difflib's ratio) to be taken for the same complaint.
SIMILARITY = 0.9
#: How many of the sender's recent cases are compared at most.
MAX_CANDIDATES = 20
#: Texts are compared on their first characters; a duplicate differs early if at all.
_COMPARED = 4000
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Sender:
    """How the complainant can be recognised again; either part may be missing."""

    email: str | None
    phone: str | None

    @property
    def known(self) -> bool:
        """Whether there is anything to recognise the sender by."""
        return bool(self.email or self.phone)


def normalised(text: str) -> str:
    """The text as compared: case and runs of white space do not matter."""
    return _SPACE.sub(" ", text.casefold()).strip()[:_COMPARED]


def similarity(first: str, second: str) -> float:
    """How alike two normalised texts are, from 0 to 1."""
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return matcher.quick_ratio()
    return matcher.ratio()


async def link_duplicates(
    case_id: UUID,
    *,
    sender: Sender,
    text: str,
    received_at: datetime,
    window: timedelta,
    actor: str,
) -> list[tuple[str, float]]:
    """Link ``case_id`` to the sender's earlier cases that say the same thing.

    Returns the (reference, similarity) of each case it was linked to.
    """
    if not sender.known or window <= timedelta(0):
        return []
    # Start from the sender's own parties (indexed by e-mail and by phone), not from every
    # case of the window: a busy tenant has thousands of those, a sender a handful. The
    # CTE is materialised so that the planner cannot turn it round on stale statistics.
    # E-mail and phone are sealed; their blind indexes are what SQL can compare.
    ring = await keyring()
    matches, values = [], []
    for kind, value in (("email", sender.email), ("phone", sender.phone)):
        index = ring.index(kind, value)
        if index is not None:
            matches.append(f"p.{kind}_index = {{}}")
            values.append(index)
    if not matches:
        return []
    candidates = await CaseLink.raw(
        f"""
        WITH senders AS MATERIALIZED (
            SELECT DISTINCT p.case_id FROM party p
             WHERE p.role = 'complainant' AND ({" OR ".join(matches)})
        )
        SELECT c.id, c.reference, c.subject,
               first.id AS body_id, first.body
          FROM senders s JOIN cases c ON c.id = s.case_id
          LEFT JOIN LATERAL (
               SELECT m.id, m.body FROM correspondence m
                WHERE m.case_id = c.id AND m.direction = 'inbound'
                ORDER BY m.occurred_at, m.id LIMIT 1) first ON true
         WHERE c.id <> {{}}
           AND c.received_at BETWEEN {{}} AND {{}}
         ORDER BY c.received_at DESC
         LIMIT {{}}
        """,
        *values,
        case_id,
        received_at - window,
        received_at,
        MAX_CANDIDATES,
    )
    ring = await opener([candidate["body"] for candidate in candidates])
    mine = normalised(text)
    linked: list[tuple[str, float]] = []
    for candidate in candidates:
        body = ring.open(candidate["body"], "correspondence.body", candidate["body_id"])
        theirs = normalised(f"{candidate['subject']}\n{body or ''}")
        score = similarity(mine, theirs)
        if score < SIMILARITY:
            continue
        await CaseLink.insert(
            CaseLink(
                id=uuid7(),
                tenant_id=current_tenant().id,
                case_id=case_id,
                linked_case_id=candidate["id"],
                kind="possible_duplicate",
                similarity=round(score, 3),
                created_by=actor,
            )
        )
        await audit.record(
            "case.duplicate_suspected",
            actor=actor,
            case_id=case_id,
            detail={"of": candidate["reference"], "similarity": round(score, 3)},
        )
        linked.append((candidate["reference"], round(score, 3)))
    return linked
