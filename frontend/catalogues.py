"""The page texts, from the Babel catalogues in ``frontend/locale``.

Each language has one catalogue, ``frontend/locale/<lang>/LC_MESSAGES/querela.po``.
A message's id is the name the templates use (``t.staff_queue_title``), and its
string is the text in that language; the catalogues of other languages than
English carry the English text as a comment, for whoever translates. Texts with
``{name}`` placeholders are filled with ``str.format`` by the page.

To add a text: add it to every catalogue (``tests/unit/frontend/test_catalogues.py``
fails while one lacks it or leaves it in English); Babel's own tools
(``pybabel``) read and write these files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "querela"


def catalogue_path(language: str) -> Path:
    """Where the catalogue of ``language`` lives."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    """The catalogue of ``language`` as Babel reads it."""
    with catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


@cache
def texts(language: str) -> dict[str, str]:
    """Every text of ``language`` by its id (read once per process)."""
    return {
        str(message.id): str(message.string)
        for message in read_catalogue(language)
        if message.id and isinstance(message.id, str)
    }
