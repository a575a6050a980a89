"""Choosing the page language: an explicit ``?lang=``, else the browser's preference."""

from __future__ import annotations

from typing import Any

from litestar import Request

from frontend.messages import MESSAGES
from frontend.public_messages import PUBLIC_MESSAGES
from frontend.staff_messages import STAFF_MESSAGES

LANGUAGES = {"en": "English", "de": "Deutsch", "ru": "Русский", "et": "Eesti"}
DEFAULT_LANGUAGE = "en"
#: Every page text by language: the general pages', the public complaint pages' and the
#: staff workspace's.
TEXTS = {
    code: {**MESSAGES[code], **PUBLIC_MESSAGES[code], **STAFF_MESSAGES[code]} for code in LANGUAGES
}


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
