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

from collections.abc import Mapping
from functools import partial

from core.sdk import PERSONAL_DATA, choices_of, personal, translated, translated_field

Words = Mapping[str, str]
#: The languages besides English every text is given in.
LANGUAGES = ("de", "ru", "et")
#: The channels on which staff register a concern for someone.
STAFF_CHANNELS = ("phone", "letter", "in_person", "email", "kiosk", "api")
#: The staff channels and the public web form.
PUBLIC_CHANNELS = (*STAFF_CHANNELS, "web")


__all__ = ["PERSONAL_DATA", "choices_of", "field", "personal", "translated"]

#: A field with its translations, asked on the staff channels unless it says otherwise.
field = partial(translated_field, channels=STAFF_CHANNELS)
