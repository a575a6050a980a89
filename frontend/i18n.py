"""Choosing the page language: an explicit ``?lang=``, else the browser's preference."""

from __future__ import annotations

from typing import Any

from litestar import Request

from frontend.admin_messages import ADMIN_MESSAGES
from frontend.messages import MESSAGES
from frontend.platform_messages import PLATFORM_MESSAGES
from frontend.public_messages import PUBLIC_MESSAGES
from frontend.staff_messages import STAFF_MESSAGES
from frontend.supervisor_messages import SUPERVISOR_MESSAGES

LANGUAGES = {"en": "English", "de": "Deutsch", "ru": "Русский", "et": "Eesti"}
DEFAULT_LANGUAGE = "en"
#: The texts of each part of the site, by language.
_PARTS = (
    MESSAGES,
    PUBLIC_MESSAGES,
    STAFF_MESSAGES,
    SUPERVISOR_MESSAGES,
    ADMIN_MESSAGES,
    PLATFORM_MESSAGES,
)
#: Every page text by language.
TEXTS = {code: {k: v for part in _PARTS for k, v in part[code].items()} for code in LANGUAGES}


def negotiate(explicit: str | None, accept_language: str | None) -> str:
    """Return the best supported language for a request."""
    if explicit in LANGUAGES:
        return explicit
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((quality, primary))
    ranked.sort(key=lambda item: -item[0])
    return ranked[0][1] if ranked else DEFAULT_LANGUAGE


def page_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Template variables every page needs: language, its texts, the tenant."""
    language = negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))
    return {
        "lang": language,
        "languages": LANGUAGES,
        "t": TEXTS[language],
        "tenant": request.scope.get("state", {}).get("tenant"),
        "principal": request.scope.get("state", {}).get("principal"),
    }
