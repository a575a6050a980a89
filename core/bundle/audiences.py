"""Who an appeal bundle is made for, and what of the case each audience gets.

``AUDIENCES`` is the one table of it: ``core.bundle.redaction`` cuts the
gathered bundle down to it before the renderer sees anything, and the renderer
prints what is left, with the audience on the cover and in every page's header.

========================  ==================  ==================  ======================
Part of the case          internal            regulator           complainant
========================  ==================  ==================  ======================
Case facts                all                 all                 all but severity and
                                                                  confidentiality
Complainant,              name, e-mail,       name                name, e-mail, phone
representative            phone
Witnesses, subjects       name, e-mail,       pseudonym           pseudonym in any text;
                          phone               ("Witness 1",       not listed
                                              "Subject 1"), in
                                              any text too
People named on records   as recorded         pseudonym           pseudonym
Staff                     name (e-mail if     name, never an      the organisation's
                          no name)            e-mail              name
Chronology (audit log)    every event         every event         the steps the
                                                                  complainant was in
Correspondence            all                 all                 inbound and outbound,
                                                                  not internal
Investigation tasks       all                 all                 none
Records                   all                 all but internal    shared ones only
                                              notes
Decisions                 all, with reviews   all, with reviews   approved ones, as the
                                                                  response put them:
                                                                  outcome, redress,
                                                                  actions
Appeals                   all                 all                 all, deciders unnamed
Evidence index            all                 all                 what the complainant
                                                                  sent, evidence shared
                                                                  with them
Who may export it         any staff role      handler,            handler, supervisor
                                              supervisor
========================  ==================  ==================  ======================

For every audience an anonymous complainant stays withheld, wherever the text
repeats their name or contacts (``core.bundle.services``). "Any text" is every
free text of the bundle: subject, letters, tasks, records, decisions, appeal
grounds and evidence titles. For the regulator the parties' e-mail addresses and
phone numbers, and the staff's e-mail addresses, are also taken out of that text.

Staff names are not hunted in the complainant's free text: letters they were
sent carry the signatures they already read.

An internal note is a record of kind ``note`` that is not shared. Witnesses are
numbered in the order they were added to the case, then people named on records
who are no party, in the order of their records.

Any member of staff may export the internal bundle of a case they may see:
it holds nothing their own reading of the case does not. A regulator's or a
complainant's copy leaves the organisation, so it is made by the people who
answer for the case: its handlers and their supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The audiences an appeal bundle is made for.
AudienceName = Literal["internal", "regulator", "complainant"]

#: The party roles, for the table below.
ALL_PARTIES = frozenset({"complainant", "representative", "subject", "witness"})
COMPLAINANT_SIDE = frozenset({"complainant", "representative"})
#: Audit events of the steps the complainant took part in (what they sent, what they were sent).
COMPLAINANT_STEPS = frozenset(
    {
        "case.registered",
        "case.acknowledge",
        "case.message_added",
        "case.respond",
        "case.open_appeal",
        "case.withdraw",
        "case.close",
        "case.receipt_issued",
        "case.survey_answered",
    }
)
#: Actors that stand for the complainant's side, or for how their messages arrived.
OUTSIDE_ACTORS = frozenset({"public", "email", "mail"})

ALL_STAFF_ROLES = frozenset({"handler", "investigator", "supervisor", "tenant-admin", "auditor"})
CASE_HANDLERS = frozenset({"handler", "supervisor"})


@dataclass(frozen=True, slots=True)
class Audience:
    """What one audience gets of a case; see the module's table."""

    name: AudienceName
    #: On the cover and in the running header.
    title: str
    #: On the cover, under the title: what was left out, in a sentence.
    note: str
    #: Staff roles that may export a bundle for this audience.
    exporters: frozenset[str]
    #: Whether severity and confidentiality level are shown.
    triage: bool
    #: Roles of the parties named (the others have a pseudonym).
    named: frozenset[str]
    #: Roles of the parties whose e-mail and phone are shown.
    contacts: frozenset[str]
    #: Roles of the parties listed in the parties section.
    listed: frozenset[str]
    #: Whether people named on records are shown as recorded (else by pseudonym).
    record_people: bool
    #: How staff are named: their name or e-mail, their name only, or the organisation.
    staff: Literal["name or e-mail", "name", "organisation"]
    #: Whether the text is cleared of the parties' contacts and the staff's e-mail addresses.
    no_contacts_in_text: bool
    #: Audit actions shown in the chronology (None: every one).
    chronology: frozenset[str] | None
    #: Directions of correspondence included.
    letters: frozenset[str]
    tasks: bool
    #: Visibilities of records included, and whether internal notes are among them.
    records: frozenset[str]
    internal_notes: bool
    #: Every decision with its review, or the approved ones as the complainant was told them.
    decisions: Literal["all", "as sent"]
    #: Every item of evidence, or what came from outside and what was shared.
    evidence: Literal["all", "theirs"]


AUDIENCES: dict[str, Audience] = {
    "internal": Audience(
        name="internal",
        title="Internal",
        note="Everything the organisation's staff see on the case.",
        exporters=ALL_STAFF_ROLES,
        triage=True,
        named=ALL_PARTIES,
        contacts=ALL_PARTIES,
        listed=ALL_PARTIES,
        record_people=True,
        staff="name or e-mail",
        no_contacts_in_text=False,
        chronology=None,
        letters=frozenset({"inbound", "outbound", "internal"}),
        tasks=True,
        records=frozenset({"internal", "shared"}),
        internal_notes=True,
        decisions="all",
        evidence="all",
    ),
    "regulator": Audience(
        name="regulator",
        title="For the regulator",
        note=(
            "Witnesses, subjects and people interviewed are named by pseudonym; parties'"
            " e-mail addresses and phone numbers, staff e-mail addresses and internal notes"
            " are left out."
        ),
        exporters=CASE_HANDLERS,
        triage=True,
        named=COMPLAINANT_SIDE,
        contacts=frozenset(),
        listed=ALL_PARTIES,
        record_people=False,
        staff="name",
        no_contacts_in_text=True,
        chronology=None,
        letters=frozenset({"inbound", "outbound", "internal"}),
        tasks=True,
        records=frozenset({"internal", "shared"}),
        internal_notes=False,
        decisions="all",
        evidence="all",
    ),
    "complainant": Audience(
        name="complainant",
        title="For the complainant",
        note=(
            "What the complainant sent and was sent, the records shared with them and the"
            " decisions as they were told them; witnesses and subjects are named by pseudonym."
        ),
        exporters=CASE_HANDLERS,
        triage=False,
        named=COMPLAINANT_SIDE,
        contacts=COMPLAINANT_SIDE,
        listed=COMPLAINANT_SIDE,
        record_people=False,
        staff="organisation",
        no_contacts_in_text=False,
        chronology=COMPLAINANT_STEPS,
        letters=frozenset({"inbound", "outbound"}),
        tasks=False,
        records=frozenset({"shared"}),
        internal_notes=False,
        decisions="as sent",
        evidence="theirs",
    ),
}
