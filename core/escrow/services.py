"""Identity escrow for anonymous and protected complainants.

A party is *in escrow* when it is anonymous or protected: the complainant
asked that the people handling the case not know who they are. Staff then see
a pseudonym in its place wherever the case shows it (the case, its letters,
where a name or address the party gave is repeated, plugin views, exports), and
work with that. The identity stays stored, sealed like every party's, so that
letters still reach the complainant.

Anyone who sees the case may ask to reveal it, saying why. A supervisor other
than the asker approves or refuses; an approval lets the asker, and only them,
read the identity for ``REVEAL_FOR``. Asking, deciding and every reading are
audited, and the tenant's supervisors are told of each request at once.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from core import clock
from core.audit import services as audit
from core.auth.principal import Principal
from core.cases.sealed_rows import parties_of
from core.cases.tables import Case
from core.errors import Forbidden, InvalidInput, NotFound
from core.escrow.tables import IdentityReveal
from core.ids import uuid7
from core.notify.services import notify_supervisors
from core.tenancy.context import current_tenant
from core.text import stated_reason

#: How long an approved reveal lets its asker read the identity.
REVEAL_FOR = timedelta(hours=24)
#: What stands in free text where an escrowed party's name, e-mail or phone was.
WITHHELD = "[withheld]"
#: Shorter values are not hunted for in free text: they would blank ordinary words.
_SHORTEST_WITHHELD = 3


def escrowed(party: Mapping[str, Any]) -> bool:
    """Whether staff see the party by pseudonym only."""
    return bool(party["anonymous"] or party.get("protected"))


def pseudonym(party: Mapping[str, Any]) -> str:
    """A stable name for the party that says nothing about who it is (``Complainant K4QZ7M``).

    Made from the random part of the party's id, so it is the same on every page.
    """
    party_id: UUID = party["id"]
    code = base64.b32encode(party_id.bytes[-5:]).decode()[:6]
    return f"{str(party['role']).capitalize()} {code}"


def shown(party: Mapping[str, Any]) -> dict[str, Any]:
    """The party as staff see it: in escrow, a pseudonym and no contact details."""
    if not escrowed(party):
        return {**party, "pseudonym": None}
    return {
        **party,
        "display_name": pseudonym(party),
        "email": None,
        "phone": None,
        "pseudonym": pseudonym(party),
    }


def withholder(parties: Iterable[Mapping[str, Any]]) -> Callable[[str], str]:
    """Blank out escrowed parties' names, e-mails and phones wherever free text repeats them.

    Complainants who ask for anonymity often sign their letters all the same,
    and letters to a protected complainant greet them by name.
    """
    secrets = {
        value.strip()
        for p in parties
        if escrowed(p)
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


async def _escrowed_party(case_id: UUID, party_id: UUID) -> dict[str, Any]:
    for party in await parties_of(case_id):
        if party["id"] == party_id:
            if not escrowed(party):
                raise InvalidInput("party_id", "that party's identity is not in escrow")
            return party
    raise NotFound("no such party on this case")


async def request_reveal(
    case_id: UUID, party_id: UUID, reason: str, viewer: Principal
) -> dict[str, Any]:
    """Ask to see who an escrowed party is; a supervisor other than the asker decides."""
    reason = stated_reason(reason)
    assert viewer.staff_id is not None, "staff only: the route's guard sees to it"
    party = await _escrowed_party(case_id, party_id)
    reveal_id = uuid7()
    await IdentityReveal.insert(
        IdentityReveal(
            id=reveal_id,
            tenant_id=current_tenant().id,
            case_id=case_id,
            party_id=party_id,
            requested_by=viewer.staff_id,
            requested_by_actor=viewer.actor,
            reason=reason,
        )
    )
    await audit.record(
        "identity.reveal_requested",
        actor=viewer.actor,
        case_id=case_id,
        detail={"request": str(reveal_id), "party": pseudonym(party)},
    )
    case = await Case.select(Case.reference).where(Case.id == case_id).first()
    assert case is not None, "the caller found the case"
    await notify_supervisors(
        kind="identity_reveal",
        subject=f"Request to reveal an identity on {case['reference']}",
        body=f"{viewer.email or viewer.actor} asks to see who {pseudonym(party)} is."
        f" Their reason: {reason}",
        case_id=case_id,
        actor=viewer.actor,
        besides=viewer.staff_id,
    )
    return await _one(case_id, reveal_id)


async def decide(
    case_id: UUID, reveal_id: UUID, *, approve: bool, note: str, viewer: Principal
) -> dict[str, Any]:
    """Approve or refuse a pending request: a second person, never the asker."""
    note = stated_reason(note)
    rows = await IdentityReveal.raw(
        "SELECT requested_by_actor, status, party_id FROM identity_reveal"
        " WHERE case_id = {} AND id = {} FOR UPDATE",
        case_id,
        reveal_id,
    )
    if not rows:
        raise NotFound("no such request on this case")
    if rows[0]["status"] != "pending":
        raise Forbidden(f"the request was {rows[0]['status']} already")
    if rows[0]["requested_by_actor"] == viewer.actor:
        raise Forbidden("a second person decides: not the one who asked")
    now = clock.now()
    await IdentityReveal.update(
        {
            IdentityReveal.status: "approved" if approve else "refused",
            IdentityReveal.decided_by: viewer.actor,
            IdentityReveal.decision_note: note,
            IdentityReveal.decided_at: now,
            IdentityReveal.expires_at: now + REVEAL_FOR if approve else None,
        }
    ).where(IdentityReveal.id == reveal_id)
    await audit.record(
        "identity.reveal_approved" if approve else "identity.reveal_refused",
        actor=viewer.actor,
        case_id=case_id,
        detail={"request": str(reveal_id), "requested_by": rows[0]["requested_by_actor"]},
    )
    return await _one(case_id, reveal_id)


async def revealed(case_id: UUID, viewer: Principal) -> list[dict[str, Any]]:
    """The identities the caller holds a current approval for; each reading is audited."""
    granted = await IdentityReveal.raw(
        "SELECT id, party_id, expires_at FROM identity_reveal WHERE case_id = {}"
        " AND requested_by = {} AND status = 'approved' AND expires_at > {} ORDER BY id",
        case_id,
        viewer.staff_id,
        clock.now(),
    )
    if not granted:
        raise Forbidden("ask to reveal the identity first; a supervisor must approve it")
    parties = {p["id"]: p for p in await parties_of(case_id)}
    shown_to: list[dict[str, Any]] = []
    for grant in granted:
        party = parties.get(grant["party_id"])
        if party is None:
            continue
        shown_to.append({**party, "pseudonym": pseudonym(party), "until": grant["expires_at"]})
        await audit.record(
            "identity.revealed",
            actor=viewer.actor,
            case_id=case_id,
            detail={"request": str(grant["id"]), "party": pseudonym(party)},
        )
    return shown_to


async def requests(case_id: UUID) -> list[dict[str, Any]]:
    """Every request to reveal an identity on the case, oldest first."""
    rows: list[dict[str, Any]] = await IdentityReveal.raw(
        "SELECT * FROM identity_reveal WHERE case_id = {} ORDER BY id", case_id
    )
    return rows


async def _one(case_id: UUID, reveal_id: UUID) -> dict[str, Any]:
    return next(r for r in await requests(case_id) if r["id"] == reveal_id)
