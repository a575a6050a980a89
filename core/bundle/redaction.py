"""Cutting a gathered appeal bundle down to what its audience may see.

Pure data in, data out: ``redacted`` takes the whole bundle as staff see it and
applies one row of ``core.bundle.audiences.AUDIENCES`` to it, so that what an
audience must not see is gone before the renderer, or the content hash, ever
meets it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from core.bundle.audiences import OUTSIDE_ACTORS, Audience
from core.bundle.schemas import (
    AppealBundle,
    AppealEntry,
    DecisionEntry,
    PartyEntry,
    RecordEntry,
    TaskEntry,
)
from core.escrow.services import WITHHELD

S = TypeVar("S", bound=msgspec.Struct)

#: What stands where a contact the audience may not have was written.
CONTACTWITHHELD = "[contact withheld]"
#: How staff are named where their name is not known and their e-mail may not be shown.
SOMEONE_ON_STAFF = "a member of staff"
#: Shorter values are not hunted for in free text: they would blank ordinary words.
_SHORTEST = 3


@dataclass(frozen=True, slots=True)
class StaffName:
    """How a member of staff the bundle mentions is known."""

    name: str | None
    email: str | None


def people_named(staff: Mapping[str, StaffName], audience: Audience) -> dict[str, str]:
    """Staff by actor (``staff:<id>``) and by id, named as ``audience`` may see them."""
    if audience.staff == "organisation":
        return {}
    if audience.staff == "name":
        return {key: s.name or SOMEONE_ON_STAFF for key, s in staff.items()}
    return {key: s.name or s.email or SOMEONE_ON_STAFF for key, s in staff.items()}


def redacted(
    bundle: AppealBundle, audience: Audience, staff: Mapping[str, StaffName]
) -> AppealBundle:
    """``bundle`` (as staff see it) with only what ``audience`` may see, named as it may."""
    aliases = _Aliases(audience)
    parties = [aliases.party(p) for p in bundle.parties]
    records = [
        r
        for r in bundle.records
        if r.visibility in audience.records
        and (audience.internal_notes or not (r.kind == "note" and r.visibility == "internal"))
    ]
    if not audience.record_people:
        records = [
            msgspec.structs.replace(r, person=aliases.person(r.person)) if r.person else r
            for r in records
        ]
    if audience.no_contacts_in_text:
        aliases.withhold(s.email for s in staff.values())
    swap = aliases.substitution()
    who = _actors(audience, bundle.header.organisation)

    decisions = bundle.decisions
    if audience.decisions == "as sent":
        decisions = [
            msgspec.structs.replace(
                d,
                root_cause="",
                measures="",
                reviewed_by=None,
                reviewed_at=None,
                review_comment=None,
            )
            for d in decisions
            if d.state == "approved"
        ]
    chronology = bundle.chronology
    if audience.chronology is not None:
        steps = [e for e in chronology if e.action in audience.chronology]
        # Renumbered: the organisation's audit sequence is none of the complainant's business.
        chronology = [msgspec.structs.replace(e, seq=n) for n, e in enumerate(steps, 1)]
    shown = {(r.sha256, r.created_at) for r in records if r.kind == "evidence"}
    evidence = [
        e
        for e in bundle.evidence
        if audience.evidence == "all"
        or (e.source == "attachment" and e.received_by in OUTSIDE_ACTORS)
        or (e.source == "evidence record" and (e.sha256, e.received_at) in shown)
    ]
    header = msgspec.structs.replace(
        bundle.header,
        subject=swap(bundle.header.subject),
        severity=bundle.header.severity if audience.triage else "",
        confidentiality=bundle.header.confidentiality if audience.triage else "",
    )
    return msgspec.structs.replace(
        bundle,
        audience=audience.name,
        header=header,
        parties=[p for p in parties if p.role in audience.listed],
        chronology=[
            _texts(swap, msgspec.structs.replace(e, actor=who(e.actor)), "description")
            for e in chronology
        ],
        correspondence=[
            _texts(swap, c, "body")
            for c in bundle.correspondence
            if c.direction in audience.letters
        ],
        tasks=[_task(swap, who, t) for t in bundle.tasks] if audience.tasks else [],
        records=[_record(swap, who, r) for r in records],
        decisions=[_decision(swap, who, d) for d in decisions],
        appeals=[_appeal(swap, who, a) for a in bundle.appeals],
        evidence=[
            _texts(swap, msgspec.structs.replace(e, received_by=who(e.received_by)), "title")
            for e in evidence
        ],
        people=people_named(staff, audience),
    )


class _Aliases:
    """Pseudonyms of the people an audience may not know by name, and what text must lose."""

    def __init__(self, audience: Audience) -> None:
        self.audience = audience
        #: Replacement by the casefolded value it replaces.
        self.replacements: dict[str, str] = {}
        #: Names of parties as the bundle shows them, by casefolded real name.
        self.names: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def party(self, party: PartyEntry) -> PartyEntry:
        """The party as the audience sees it; pseudonyms and withheld contacts noted for text."""
        if party.anonymous:
            return party
        contacts = (party.email, party.phone)
        if party.role in self.audience.named:
            if party.name:
                self.names.setdefault(party.name.strip().casefold(), party.name)
            if party.role not in self.audience.contacts:
                if self.audience.no_contacts_in_text:
                    self.withhold(contacts)
                return msgspec.structs.replace(party, email=None, phone=None)
            return party
        alias = self._next(party.role)
        for value in (party.name, *contacts):
            self._replace(value, alias)
        if party.name:
            self.names.setdefault(party.name.strip().casefold(), alias)
        return msgspec.structs.replace(party, name=alias, email=None, phone=None)

    def person(self, person: str) -> str:
        """A person named on a record: their party's name as shown, else a witness pseudonym."""
        key = person.strip().casefold()
        if person.strip() == WITHHELD:
            return person
        if key not in self.names:
            self.names[key] = self._next("witness")
            self._replace(person, self.names[key])
        return self.names[key]

    def withhold(self, values: Iterable[str | None]) -> None:
        """Take ``values`` (contacts) out of every text."""
        for value in values:
            self._replace(value, CONTACTWITHHELD)

    def substitution(self) -> Callable[[str], str]:
        """Text with every value noted replaced by what stands for it."""
        if not self.replacements:
            return lambda text: text
        pattern = re.compile(
            "|".join(
                rf"(?<!\w){re.escape(value)}(?!\w)"
                for value in sorted(self.replacements, key=len, reverse=True)
            ),
            re.IGNORECASE,
        )
        return lambda text: pattern.sub(lambda m: self.replacements[m.group(0).casefold()], text)

    def _next(self, role: str) -> str:
        self.counts[role] = self.counts.get(role, 0) + 1
        return f"{role.capitalize()} {self.counts[role]}"

    def _replace(self, value: str | None, by: str) -> None:
        if value and len(value.strip()) >= _SHORTEST:
            self.replacements.setdefault(value.strip().casefold(), by)


def _actors(audience: Audience, organisation: str) -> Callable[[str], str]:
    """How actors are written: as they are, or (for the complainant) the organisation."""
    if audience.staff != "organisation":
        return lambda actor: actor
    return lambda actor: actor if actor in OUTSIDE_ACTORS else organisation


def _texts(swap: Callable[[str], str], entry: S, *fields: str) -> S:
    changes: dict[str, Any] = {
        name: swap(value) for name in fields if (value := getattr(entry, name))
    }
    return msgspec.structs.replace(entry, **changes)


def _task(swap: Callable[[str], str], who: Callable[[str], str], task: TaskEntry) -> TaskEntry:
    return _texts(swap, msgspec.structs.replace(task, created_by=who(task.created_by)), "title")


def _record(
    swap: Callable[[str], str], who: Callable[[str], str], record: RecordEntry
) -> RecordEntry:
    entry = msgspec.structs.replace(record, created_by=who(record.created_by))
    return _texts(swap, entry, "title", "body")


def _decision(
    swap: Callable[[str], str], who: Callable[[str], str], decision: DecisionEntry
) -> DecisionEntry:
    entry = msgspec.structs.replace(
        decision,
        proposed_by=who(decision.proposed_by),
        reviewed_by=who(decision.reviewed_by) if decision.reviewed_by else None,
    )
    return _texts(swap, entry, "redress", "actions", "root_cause", "measures", "review_comment")


def _appeal(
    swap: Callable[[str], str], who: Callable[[str], str], appeal: AppealEntry
) -> AppealEntry:
    entry = msgspec.structs.replace(
        appeal,
        opened_by=who(appeal.opened_by),
        decided_by=who(appeal.decided_by) if appeal.decided_by else None,
    )
    return _texts(swap, entry, "reason")
