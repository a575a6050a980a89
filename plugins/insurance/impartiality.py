"""Nobody handles a complaint about themselves (FCA DISP 1.4.1R).

DISP 1.4.1R asks for complaints to be investigated competently, diligently and
impartially. The complaint form asks who the complaint is about; the core then
never assigns the case to that member of staff and hides it from them.
"""

from __future__ import annotations

import re

from core.sdk import CaseView, IntakeField, IntakeSubmission, StaffExclusion, ValidationIssue

FIELD = "staff_complained_about"
UK_REASON = "the complaint is about them (FCA DISP 1.4.1R)"
US_REASON = "the complaint is about them (impartial handling)"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

STAFF_FIELD = IntakeField(
    name=FIELD,
    type="string",
    label="Member of staff the complaint is about (e-mail)",
    help="If the complaint is about a particular member of staff, their work e-mail"
    " address. That person will not handle the complaint or see it.",
    # Who a complaint is about is personal data: kept out of logs and audit details.
    sensitive=True,
    # Staff record it when they register a complaint; the public form does not ask the
    # complainant for a colleague's work address.
    channels=("phone", "letter", "in_person", "email", "api"),
    labels={
        "de": "Mitarbeitende Person, gegen die sich die Beschwerde richtet (E-Mail)",
        "ru": "Сотрудник, на которого подана жалоба (эл. почта)",
        "et": "Töötaja, kelle kohta kaebus on esitatud (e-post)",
    },
    helps={
        "de": "Wenn sich die Beschwerde gegen eine bestimmte Person aus unserem Team richtet:"
        " deren dienstliche E-Mail-Adresse. Diese Person bearbeitet die Beschwerde nicht"
        " und sieht sie nicht.",
        "ru": "Если жалоба касается конкретного сотрудника, укажите его рабочий адрес"
        " электронной почты. Этот сотрудник не будет рассматривать жалобу и не увидит её.",
        "et": "Kui kaebus puudutab konkreetset töötajat, märkige tema tööalane e-posti"
        " aadress. See töötaja kaebust ei menetle ega näe.",
    },
)


def named_staff(source: CaseView | IntakeSubmission) -> str | None:
    """The e-mail address the complaint names, trimmed, or None when it names nobody."""
    value = source.fields.get(FIELD)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def problems(submission: IntakeSubmission) -> tuple[ValidationIssue, ...]:
    """Refuse a value that is not an e-mail address: it could exclude nobody."""
    email = named_staff(submission)
    if email is None or _EMAIL.fullmatch(email):
        return ()
    return (ValidationIssue(f"fields.{FIELD}", "must be an e-mail address"),)


def exclusions(jurisdiction: str, case: CaseView) -> tuple[StaffExclusion, ...]:
    """The member of staff the case names, kept away from it."""
    email = named_staff(case)
    if email is None:
        return ()
    return (StaffExclusion(email=email, reason=UK_REASON if jurisdiction == "uk" else US_REASON),)
