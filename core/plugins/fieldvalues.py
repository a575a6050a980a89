"""Checking a value against a declared field type (plugin settings and intake fields)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from core.errors import InvalidInput
from core.sdk import FieldType
from core.text import has_control_characters

#: Longest text a field accepts.
MAX_TEXT = 10_000


def checked_value(
    where: str,
    kind: FieldType,
    value: Any,
    *,
    choices: Sequence[str] = (),
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """Return ``value`` if it fits ``kind`` (dates normalised to ISO); else raise InvalidInput."""
    if kind in ("string", "text"):
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidInput(where, f"must be text of at most {MAX_TEXT:,} characters")
        if has_control_characters(value, multiline=kind == "text"):
            raise InvalidInput(where, "must not contain control characters")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidInput(where, "must be true or false")
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(where, "must be a whole number")
        if minimum is not None and value < minimum:
            raise InvalidInput(where, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise InvalidInput(where, f"must be at most {maximum}")
        return value
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InvalidInput(where, "must be a date like 2026-01-31") from None
    if kind == "choice":
        if value not in choices:
            raise InvalidInput(where, f"must be one of {', '.join(map(str, choices))}")
        return value
    if kind == "multichoice":
        if not isinstance(value, list) or not value:
            raise InvalidInput(where, "must be a list of one or more choices")
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise InvalidInput(where, f"has {unknown[0]!r}; choose from {', '.join(choices)}")
        # In the order the field offers them, each once: the same aspects, the same value.
        return [c for c in choices if c in value]
    raise InvalidInput(where, f"has an unknown type {kind!r}")
