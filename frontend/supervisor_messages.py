"""Texts of the supervisor pages in every supported language."""

from __future__ import annotations

SUPERVISOR_MESSAGES: dict[str, dict[str, str]] = {
    "en": {},
    "de": {},
    "ru": {},
    "et": {},
}
