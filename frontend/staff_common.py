"""What every page of the staff workspace shares: who may see it, its headers, its forms.

A staff page is rendered for a signed-in staff member of the tenant the host
names; anyone else is sent to sign in or told they hold no role. Every form
carries the double-submit token of ``frontend.csrf`` (the same as the public
pages), and every answer carries a Content-Security-Policy that allows scripts
from the site's own files only: no inline script, no ``eval``, no other origin.

Actions follow post/redirect/get: a form that worked answers 303 to the page
with ``?done=<notice>``; a form with a problem renders the page again with the
problem named beside the field and everything typed kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.datastructures import Cookie, FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
)

from core import clock
from core.auth.guards import principal_of
from core.cases.services import DUE_SOON
from core.errors import Conflict, Forbidden, NotFound
from core.reports.api import REPORTERS
from frontend import csrf
from frontend.i18n import page_context
from frontend.public import PageRefusal, checked_form

#: Scripts and styles from the site only; forms post to the site, and signing out
#: goes on to the identity provider (``form-action`` covers that redirect).
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; form-action 'self'{identity}; frame-ancestors 'none';"
    " base-uri 'none'"
)
#: Case text stays out of caches and referrers; pages never show in a frame.
_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "x-robots-tag": "noindex, nofollow",
}
#: Notices a page may show after a redirect: the key is the text's key without ``done_``.
NOTICE_PARAMETER = "done"


def staff_headers(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The headers of a staff page (the policy names the identity provider's origin)."""
    settings = request.app.state.get("settings")
    if settings is None:
        return dict(_headers("", ""))
    # A copy: the response may add to its headers, and the cached policy must not change.
    return dict(_headers(settings.keycloak_url, settings.public_url))


@functools.cache
def _headers(keycloak_url: str, public_url: str) -> dict[str, str]:
    # Signing out posts here, goes on to Keycloak and comes back through the platform's
    # own address: each hop of a form's redirects must be allowed.
    origins = sorted({_origin(url) for url in (keycloak_url, public_url) if url})
    identity = "".join(f" {origin}" for origin in origins)
    return {**_HEADERS, "content-security-policy": _CSP.format(identity=identity)}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def when(zone: ZoneInfo) -> Callable[[datetime | None], str]:
    """Times as the tenant's staff read them: in the tenant's zone, to the minute."""

    def show(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return show


def staff_page(
    request: Request[Any, Any, Any], back: str, *, roles: tuple[str, ...] = ()
) -> tuple[dict[str, Any], Template | Redirect | None]:
    """The page context, or the answer for someone who may not use the page.

    ``back`` is where signing in returns to. ``roles``: the page needs one of them
    (else 403 with the reason); empty means any staff member.
    """
    context = page_context(request)
    if context["tenant"] is None:
        return context, Redirect("/", status_code=HTTP_303_SEE_OTHER)
    principal = principal_of(request)
    if principal is None:
        return context, Redirect(
            f"/auth/login?next={quote(back, safe='/')}", status_code=HTTP_303_SEE_OTHER
        )
    token, cookies = csrf.issue(request)
    context.update(csrf_field=csrf.FIELD, csrf_token=token, _cookies=cookies)
    if principal.staff_id is None:
        message = context["t"]["no_role"].format(name=context["tenant"].name)
        return context, refused(request, context, message)
    if roles and not principal.holds(*roles):
        names = ", ".join(context["t"].get(f"role_{r}", r) for r in roles)
        message = context["t"]["staff_needs_role"].format(roles=names)
        return context, refused(request, context, message)
    now = clock.now()
    done = request.query_params.get(NOTICE_PARAMETER, "")
    context.update(
        when=when(context["tenant"].zone),
        now=now,
        soon=now + DUE_SOON,
        lang_chosen="lang" in request.query_params,
        notice=context["t"].get(f"done_{done}") if done.isidentifier() else None,
        may_supervise=principal.holds("supervisor", "tenant-admin"),
        may_administer=principal.holds("tenant-admin"),
        may_report=principal.holds(*REPORTERS),
    )
    return context, None


def render_staff(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> Template:
    """The page with the staff headers, and the form token's cookie when it is new."""
    cookies: list[Cookie] = list(context.get("_cookies", []))
    return Template(
        template,
        context=dict(context),
        status_code=status,
        headers=staff_headers(request),
        cookies=cookies,
    )


def refused(
    request: Request[Any, Any, Any],
    context: Mapping[str, Any],
    message: str,
    status: int = HTTP_403_FORBIDDEN,
) -> Template:
    """The page that says plainly why the person cannot do this."""
    return render_staff(
        request, "signin_problem.html", {**context, "message": message}, status=status
    )


async def staff_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The submitted form, once its token matches the cookie; raises ``PageRefusal``."""
    return await checked_form(request)


def form_refused(
    request: Request[Any, Any, Any], context: Mapping[str, Any], refusal: PageRefusal
) -> Template:
    """A form that was not a form, or whose token did not match: said on a page."""
    return refused(request, context, context["t"][refusal.message], refusal.status)


async def staff_form_page(
    request: Request[Any, Any, Any], back: str, *, roles: tuple[str, ...] = ()
) -> tuple[dict[str, Any], FormMultiDict, Template | Redirect | None]:
    """``staff_page`` for a POST: the context and the checked form, or the answer to give.

    The answer is the sign-in redirect, the missing-role page, or the page saying the
    form was not a form or its token did not match; then the form is empty.
    """
    context, refusal = staff_page(request, back, roles=roles)
    if refusal is not None:
        return context, FormMultiDict(), refusal
    try:
        return context, await staff_form(request), None
    except PageRefusal as problem:
        return context, FormMultiDict(), form_refused(request, context, problem)


def status_of(problem: Exception) -> int:
    """The status a page answers a refused form with: 409, 403, 404, else 400."""
    if isinstance(problem, Conflict):
        return HTTP_409_CONFLICT
    if isinstance(problem, Forbidden):
        return HTTP_403_FORBIDDEN
    if isinstance(problem, NotFound):
        return HTTP_404_NOT_FOUND
    return HTTP_400_BAD_REQUEST


def done(path: str, notice: str, request: Request[Any, Any, Any] | None = None) -> Redirect:
    """Back to ``path`` after an action that worked, naming what was done."""
    query: dict[str, str] = {NOTICE_PARAMETER: notice}
    if request is not None and "lang" in request.query_params:
        query["lang"] = request.query_params["lang"]
    separator = "&" if "?" in path else "?"
    return Redirect(f"{path}{separator}{urlencode(query)}", status_code=HTTP_303_SEE_OTHER)
