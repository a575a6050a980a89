"""The plugin guide shows only code that exists and is tested, so it cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "plugins" / "README.md"
#: Tested files the guide's code blocks are quoted from.
SOURCES = {
    "python": [
        ROOT / "plugins" / "template" / "my_plugin" / "__init__.py",
        ROOT / "plugins" / "template" / "tests" / "test_my_plugin.py",
        ROOT / "tests" / "vendor_plugin" / "acme_complaints" / "__init__.py",
    ],
    "toml": [ROOT / "plugins" / "template" / "pyproject.toml"],
}
BLOCK = re.compile(r"^```(?P<language>python|toml)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return [(m["language"], m["code"]) for m in BLOCK.finditer(GUIDE.read_text())]


def test_the_guide_quotes_code() -> None:
    assert {language for language, _ in blocks()} == {"python", "toml"}


@pytest.mark.parametrize(("language", "code"), blocks())
def test_each_code_block_is_quoted_verbatim_from_tested_files(language: str, code: str) -> None:
    assert any(code in path.read_text() for path in SOURCES[language]), code


def test_every_relative_link_in_the_guide_resolves() -> None:
    text = GUIDE.read_text()
    links = re.findall(r"\]\((?!https?:)([^)#]+)(?:#[^)]*)?\)", text)

    assert links
    for link in links:
        assert (GUIDE.parent / link).exists(), link
