"""The Babel catalogues are complete: every text in every language, translated, with the
same placeholders as the English one, and every text a template names exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from frontend.catalogues import read_catalogue, texts
from frontend.i18n import LANGUAGES, TEXTS

TEMPLATES = Path(__file__).resolve().parents[3] / "frontend" / "templates"
#: Texts that are the same word in another language, by language.
SAME_WORD = {
    "de": {
        *("Querela", "API", "SHA-256", "E-Mail", "Status", "Name", "Details", "Service"),
        *("Team", "Teams", "Team {name}", "Plugins", "Standard", "Person"),
    },
    "ru": {"Querela", "API", "SHA-256"},
    "et": {"Querela", "API", "SHA-256", "E-post"},
}
_NAMED = re.compile(r"""\bt\.([a-z_][a-z0-9_]*)\b|\bt\[["']([a-z_][a-z0-9_-]*)["']\]""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_text_of_english():
    english = set(texts("en"))
    for language in LANGUAGES:
        assert set(texts(language)) == english, language


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_text_is_translated_with_the_same_placeholders(language: str):
    english = texts("en")
    translated = texts(language)
    empty = sorted(k for k, v in translated.items() if not v.strip())
    assert not empty, f"empty in {language}: {empty}"
    left = sorted(
        k
        for k, v in translated.items()
        if v == english[k]
        and v not in SAME_WORD.get(language, set())
        and re.search("[A-Za-z]{3}", v)
    )
    assert not left, f"left in English in {language}: {left}"
    wrong = sorted(
        k for k, v in translated.items() if _placeholders(v) != _placeholders(english[k])
    )
    assert not wrong, f"placeholders differ in {language}: {wrong}"


def test_the_catalogues_are_what_the_pages_use():
    for language in LANGUAGES:
        assert TEXTS[language] == texts(language)
        catalogue = read_catalogue(language)
        assert catalogue.locale is not None and str(catalogue.locale) == language


def test_every_text_a_template_names_exists():
    english = texts("en")
    missing = set()
    for template in TEMPLATES.glob("*.html"):
        for match in _NAMED.finditer(template.read_text()):
            name = match.group(1) or match.group(2)
            if name not in english and name not in {"get", "items", "keys"}:
                missing.add(f"{template.name}: {name}")
    assert not missing, sorted(missing)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_no_translation_reads_as_another_english_text(language: str):
    """A page in German showing "Status" could not be told from one left in English."""
    english = texts("en")
    said = set(english.values())
    clashes = sorted(
        k for k, v in texts(language).items() if v in said and v != english[k] and len(v) > 3
    )
    assert not clashes, f"{language} texts that read as other English texts: {clashes}"
