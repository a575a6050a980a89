"""Texts of the admin pages in every supported language."""

from __future__ import annotations

ADMIN_MESSAGES: dict[str, dict[str, str]] = {
    "en": {},
    "de": {},
    "ru": {},
    "et": {},
}
