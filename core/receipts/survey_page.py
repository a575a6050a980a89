"""The page behind an e-mailed survey link: a plain form, no JavaScript, no stylesheet.

``GET /s/<token>`` shows the form with the token in a hidden field and looks
nothing up, so the page itself tells a guesser nothing; ``POST /s`` takes the
answer with the token in the body and goes through the receipts' guard (time
floor, guessing limits). Why the token sits in the path at all is explained in
``core.receipts.survey``. Every answer carries headers that keep the URL out of
referrers, caches and search engines.

The page lives here rather than in ``frontend`` because the link is part of the
core's mail, and a tenant without the web pages must still take the answers.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath

from core.errors import Conflict
from core.receipts.guessing import counting_refusal
from core.receipts.survey import SURVEY_PAGE
from core.receipts.survey_answers import LinkSurveyIn, UnknownSurveyLink, answer_with_link
from core.tenancy.context import current_tenant

#: What ``new_survey_token`` makes; anything else cannot be a link we sent.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,200}$")

_HEADERS = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "noindex, nofollow",
    "x-content-type-options": "nosniff",
    "content-security-policy": (
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "How did we do?",
        "lead": "Your complaint has been closed. Please tell us how satisfied you are with"
        " the way we handled it; your answer helps us handle complaints better.",
        "question": "How satisfied are you with how your complaint was handled?",
        "score_1": "very dissatisfied",
        "score_2": "dissatisfied",
        "score_3": "neither satisfied nor dissatisfied",
        "score_4": "satisfied",
        "score_5": "very satisfied",
        "comment": "Anything you would like to add (optional)",
        "send": "Send my answer",
        "choose_score": "Please choose how satisfied you are, from 1 to 5.",
        "thanks": "Thank you for telling us how we did.",
        "unknown": "This link does not work (any more). Each survey link works only once:"
        " if you have answered already, there is nothing more to do.",
        "conflict": "This survey cannot be answered now: it has been answered already, or"
        " the complaint is being looked at again.",
    },
    "de": {
        "title": "Wie zufrieden waren Sie?",
        "lead": "Ihre Beschwerde ist abgeschlossen. Bitte sagen Sie uns, wie zufrieden Sie"
        " mit der Bearbeitung sind; Ihre Antwort hilft uns, Beschwerden besser zu bearbeiten.",
        "question": "Wie zufrieden sind Sie mit der Bearbeitung Ihrer Beschwerde?",
        "score_1": "sehr unzufrieden",
        "score_2": "unzufrieden",
        "score_3": "weder zufrieden noch unzufrieden",
        "score_4": "zufrieden",
        "score_5": "sehr zufrieden",
        "comment": "Möchten Sie noch etwas hinzufügen? (freiwillig)",
        "send": "Antwort senden",
        "choose_score": "Bitte wählen Sie, wie zufrieden Sie sind, von 1 bis 5.",
        "thanks": "Vielen Dank für Ihre Rückmeldung.",
        "unknown": "Dieser Link funktioniert nicht (mehr). Jeder Umfrage-Link funktioniert"
        " nur einmal: Wenn Sie schon geantwortet haben, ist nichts weiter zu tun.",
        "conflict": "Diese Umfrage kann jetzt nicht beantwortet werden: Sie wurde schon"
        " beantwortet, oder die Beschwerde wird erneut geprüft.",
    },
}


@get("/{token:str}", include_in_schema=False)
async def survey_form(token: FromPath[str]) -> Response[str]:
    """Show the survey form for the link's token, without checking the token."""
    texts, language = _texts()
    if not _TOKEN.fullmatch(token):
        return _page(texts, language, 404, _notice(texts["unknown"]))
    return _page(texts, language, 200, _form(texts, token))


@post("/", include_in_schema=False, status_code=200)
async def survey_answer(request: Request[Any, Any, Any]) -> Response[str]:
    """Take the form's answer; thank, or say plainly why the link does not work."""
    texts, language = _texts()
    form = await request.form()
    values = {name: form.get(name) for name in ("token", "score", "comment")}
    try:
        answer = msgspec.convert(
            {name: value for name, value in values.items() if value is not None},
            LinkSurveyIn,
            strict=False,
        )
    except msgspec.ValidationError:
        token = values["token"] if isinstance(values["token"], str) else ""
        return _page(texts, language, 400, _form(texts, token, error=texts["choose_score"]))
    try:
        with counting_refusal(request.scope):
            await answer_with_link(answer)
    except UnknownSurveyLink:
        return _page(texts, language, 404, _notice(texts["unknown"]))
    except Conflict:
        return _page(texts, language, 409, _notice(texts["conflict"]))
    return _page(texts, language, 200, _notice(texts["thanks"]))


def _texts() -> tuple[dict[str, str], str]:
    language = current_tenant().default_language.split("-")[0]
    language = language if language in TEXTS else "en"
    return TEXTS[language], language


def _page(texts: dict[str, str], language: str, status: int, main: str) -> Response[str]:
    html = (
        f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(texts['title'])}</title>\n</head>\n<body>\n<main>\n"
        f"<h1>{escape(texts['title'])}</h1>\n{main}</main>\n</body>\n</html>\n"
    )
    return Response(html, media_type=MediaType.HTML, status_code=status, headers=_HEADERS)


def _notice(text: str) -> str:
    return f'<p role="status">{escape(text)}</p>\n'


def _form(texts: dict[str, str], token: str, *, error: str | None = None) -> str:
    scores = "".join(
        f'<p><label><input type="radio" name="score" value="{n}" required> {n} – '
        f"{escape(texts[f'score_{n}'])}</label></p>\n"
        for n in range(1, 6)
    )
    alert = f'<p role="alert">{escape(error)}</p>\n' if error else ""
    return (
        f"<p>{escape(texts['lead'])}</p>\n{alert}"
        f'<form method="post" action="{SURVEY_PAGE}">\n'
        f'<input type="hidden" name="token" value="{escape(token, quote=True)}">\n'
        f"<fieldset>\n<legend>{escape(texts['question'])}</legend>\n{scores}</fieldset>\n"
        f'<p><label for="comment">{escape(texts["comment"])}</label><br>\n'
        '<textarea id="comment" name="comment" rows="6" cols="60" maxlength="5000">'
        "</textarea></p>\n"
        f'<p><button type="submit">{escape(texts["send"])}</button></p>\n</form>\n'
    )
