import pytest

from frontend.i18n import LANGUAGES, negotiate
from frontend.i18n import TEXTS as MESSAGES


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "en"),
        (None, "de-AT,de;q=0.8", "de"),
        (None, "fr;q=1.0, et;q=0.4, ru;q=0.7", "ru"),
        (None, "ru;q=0", "en"),
        (None, "de;q=abc", "en"),
        ("et", "de", "et"),
        ("xx", "de", "de"),
    ],
)
def test_negotiate(explicit, header, expected):
    assert negotiate(explicit, header) == expected


def test_every_language_has_every_message():
    keys = set(MESSAGES["en"])
    for language in LANGUAGES:
        assert set(MESSAGES[language]) == keys, language
