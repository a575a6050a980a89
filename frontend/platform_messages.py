"""Texts of the platform pages in every supported language."""

from __future__ import annotations

PLATFORM_MESSAGES: dict[str, dict[str, str]] = {
    "en": {},
    "de": {},
    "ru": {},
    "et": {},
}
