"""Choosing the page language: an explicit ``?lang=``, else the browser's preference."""

from __future__ import annotations

from typing import Any

from litestar import Request

from frontend.catalogues import texts

LANGUAGES = {"en": "English", "de": "Deutsch", "ru": "Русский", "et": "Eesti"}
DEFAULT_LANGUAGE = "en"
#: Every page text by language, from the Babel catalogues (``frontend.catalogues``).
TEXTS = {code: texts(code) for code in LANGUAGES}


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
    """Template variables every page needs: language, its texts, the tenant and its branding."""
    language = negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))
    return {
        # Put there by ``frontend.branding_pages.remember_branding``, from a short cache.
        "branding": request.scope.get("state", {}).get("branding"),
        "lang": language,
        "languages": LANGUAGES,
        "t": TEXTS[language],
        "tenant": request.scope.get("state", {}).get("tenant"),
        "principal": request.scope.get("state", {}).get("principal"),
    }
