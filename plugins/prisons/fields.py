"""How the plugin's form and case fields are built: English text with its translations.

Every field carries its label and help in English, German, Russian and Estonian,
and a choice field the words for each choice in all four, so that a form drawn
in any of the core's languages never falls back to a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.sdk import FieldType, IntakeField, choices_of, translated

Words = Mapping[str, str]
#: The languages besides English every text is given in.
LANGUAGES = ("de", "ru", "et")
#: The channels on which a grievance is registered: paper forms posted in the
#: complaints box are entered (scanned) by staff, a kiosk's filings come through
#: the API or are entered by staff from the kiosk's printout; the public web form
#: never shows these fields.
STAFF_CHANNELS = ("phone", "letter", "in_person", "email", "kiosk", "api")


__all__ = ["choices_of", "field", "translated"]


def field(
    name: str,
    kind: FieldType,
    label: str,
    labels: Words,
    help: str,
    helps: Words,
    *,
    choice_labels: Mapping[str, Words] | None = None,
    sensitive: bool = False,
    at_intake: bool = True,
) -> IntakeField:
    """A field asked on the staff channels; a choice field's choices are its English labels' keys.

    ``at_intake=False``: staff record it on the case while handling it; the
    intake form never asks for it.
    """
    words = dict(choice_labels or {})
    return IntakeField(
        name=name,
        type=kind,
        label=label,
        help=help,
        choices=tuple(words.get("en", {})),
        channels=STAFF_CHANNELS if at_intake else (),
        sensitive=sensitive,
        labels=dict(labels),
        helps=dict(helps),
        choice_labels=words,
        at_intake=at_intake,
    )
