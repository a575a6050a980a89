"""How the plugin's form and case fields are built: English text with its translations.

Every field carries its label and help in English, German, Russian and Estonian,
and a choice field the words for each choice in all four, so that a form drawn
in any of the core's languages never falls back to a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.sdk import choices_of, translated, translated_field

Words = Mapping[str, str]
#: The languages besides English every text is given in.
LANGUAGES = ("de", "ru", "et")
#: The channels on which staff register a complaint for someone: the public web form
#: and the kiosk never show these fields.
STAFF_CHANNELS = ("phone", "letter", "in_person", "email", "api")
#: The channels of a complaint made orally.
ORAL_CHANNELS = ("phone", "in_person")


__all__ = ["choices_of", "field", "translated"]


#: A field with its translations, asked on the ``channels`` given (none: everywhere).
field = translated_field
