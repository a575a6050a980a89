"""Text as people type it, and the characters no letter or note ever needs.

Tab, line feed and carriage return belong to ordinary text. Every other
control character (NUL, ESC, BEL, DEL, ...) is refused at the door: stored, it
would turn up in letters, exports, PDFs and terminals where it does harm.
A single line (a subject, a name) refuses line breaks and tabs as well, since
it ends up in mail headers and one-line displays.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from core.errors import InvalidInput

#: Any text without control characters other than tab, line feed and carriage return.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: One line: no control characters at all.
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
#: What a person is told when a text breaks one of the patterns.
CONTROL_CHARACTERS = "must not contain control characters"


def text(*, min_length: int = 0, max_length: int) -> Meta:
    """The constraints of free text (several lines) up to ``max_length`` characters."""
    return Meta(min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN)


def line(*, min_length: int = 0, max_length: int) -> Meta:
    """The constraints of one line of text up to ``max_length`` characters."""
    return Meta(min_length=min_length, max_length=max_length, pattern=LINE_PATTERN)


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    """Whether ``value`` holds a character the patterns above refuse (for form fields)."""
    allowed = "\t\n\r" if multiline else ""
    return any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in value)


Line200 = Annotated[str, line(min_length=1, max_length=200)]


def stated_reason(reason: str, field: str = "reason") -> str:
    """A reason someone gives for a decision others will read: 10 to 1000 characters."""
    reason = reason.strip()
    if len(reason) < 10:
        raise InvalidInput(field, "say why, in at least 10 characters")
    if len(reason) > 1000:
        raise InvalidInput(field, "is longer than 1000 characters")
    if has_control_characters(reason, multiline=True):
        raise InvalidInput(field, CONTROL_CHARACTERS)
    return reason
