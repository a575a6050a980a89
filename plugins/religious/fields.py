"""How the plugin's form and case fields are built: English text with its translations.

Every field carries its label and help in English, German, Russian and Estonian,
and a choice field the words for each choice in all four, so that a form drawn
in any of the core's languages never falls back to a code.

Channels: a concern reaches a church by phone, letter, in person, by e-mail, at a
kiosk or through another system's API, and staff enter it; a member of the public
may also raise one on the web form (Vos estis lux mundi asks for a reporting
system "easily accessible to the public", and anyone may raise a safeguarding
concern). Fields a reporter can answer (what kind of concern, whether someone is
in danger, who is at risk, when it happened) are asked on the web form too; fields
only staff can answer, or that would let a stranger steer the case (the work
e-mail of the person accused, which excludes that person; a conflict of interest,
which reroutes it), are asked on the staff channels only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.sdk import FieldType, IntakeField, choices_of, translated

Words = Mapping[str, str]
#: The languages besides English every text is given in.
LANGUAGES = ("de", "ru", "et")
#: The channels on which staff register a concern for someone.
STAFF_CHANNELS = ("phone", "letter", "in_person", "email", "kiosk", "api")
#: The staff channels and the public web form.
PUBLIC_CHANNELS = (*STAFF_CHANNELS, "web")
#: Said in the help of every sensitive field, in each language.
PERSONAL = {
    "en": "Personal data: kept out of logs and audit details.",
    "de": "Personenbezogene Daten: werden nicht in Protokollen und Audit-Details gespeichert.",
    "ru": "Персональные данные: не попадают в журналы и сведения аудита.",
    "et": "Isikuandmed: neid ei salvestata logidesse ega auditi üksikasjadesse.",
}


__all__ = ["choices_of", "field", "personal", "translated"]


def personal(words: Mapping[str, str]) -> dict[str, str]:
    """``words`` by language, each followed by what ``PERSONAL`` says in that language."""
    return {language: f"{text} {PERSONAL[language]}" for language, text in words.items()}


def field(
    name: str,
    kind: FieldType,
    label: str,
    labels: Words,
    help: str,
    helps: Words,
    *,
    choice_labels: Mapping[str, Words] | None = None,
    channels: Sequence[str] = STAFF_CHANNELS,
    sensitive: bool = False,
    at_intake: bool = True,
) -> IntakeField:
    """A field with its translations; a choice field's choices are its English labels' keys.

    ``at_intake=False``: staff record it on the case while handling it; no form
    asks for it, so it has no channels.
    """
    words = dict(choice_labels or {})
    return IntakeField(
        name=name,
        type=kind,
        label=label,
        help=help,
        choices=tuple(words.get("en", {})),
        channels=tuple(channels) if at_intake else (),
        sensitive=sensitive,
        labels=dict(labels),
        helps=dict(helps),
        choice_labels=words,
        at_intake=at_intake,
    )
