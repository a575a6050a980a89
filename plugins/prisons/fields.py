"""How the plugin's form and case fields are built: English text with its translations.

Every field carries its label and help in English, German, Russian and Estonian,
and a choice field the words for each choice in all four, so that a form drawn
in any of the core's languages never falls back to a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from core.sdk import choices_of, translated, translated_field

Words = Mapping[str, str]
#: The languages besides English every text is given in.
LANGUAGES = ("de", "ru", "et")
#: The channels on which a grievance is registered: paper forms posted in the
#: complaints box are entered (scanned) by staff, a kiosk's filings come through
#: the API or are entered by staff from the kiosk's printout; the public web form
#: never shows these fields.
STAFF_CHANNELS = ("phone", "letter", "in_person", "email", "kiosk", "api")


__all__ = ["choices_of", "field", "translated"]


#: A field with its translations, asked on the staff channels (see ``translated_field``).
field = partial(translated_field, channels=STAFF_CHANNELS)
