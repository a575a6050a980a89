"""What the public pages of a tenant share: their headers, forms and refusals.

The pages work without JavaScript: every action is a plain form, protected by
the double-submit token of ``frontend.csrf``, and every answer carries a
Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie, FormMultiDict, UploadFile
from litestar.exceptions import ClientException, TooManyRequestsException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_429_TOO_MANY_REQUESTS,
)

from core.attachments.upload import FORM_OVERHEAD, UploadedFile
from core.errors import InvalidInput
from core.receipts.files import PUBLIC_MAX_BYTES
from frontend import csrf
from frontend.i18n import page_context

#: No script from anywhere, styles and images from the site, forms only to the site.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'"
)
#: Headers of every public page: receipts and case text stay out of caches and referrers.
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-robots-tag": "noindex, nofollow",
}
#: A form with the largest file the public routes take, and room for its text fields.
MAX_FORM_BYTES = PUBLIC_MAX_BYTES + FORM_OVERHEAD
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_CHUNK = 64 * 1024


class PageRefusal(Exception):
    """A request the page answers with the problem page: its status and the text's key."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    cookies: list[Cookie] | None = None,
) -> Template:
    """The page with the public headers."""
    return Template(
        template,
        context=dict(context),
        status_code=status,
        headers=HEADERS,
        cookies=cookies or [],
    )


def form_context(request: Request[Any, Any, Any]) -> tuple[dict[str, Any], list[Cookie]]:
    """The page context with the form token, and the token's cookie if it is new."""
    token, cookies = csrf.issue(request)
    return {**page_context(request), "csrf_field": csrf.FIELD, "csrf_token": token}, cookies


def problem(request: Request[Any, Any, Any], refusal: PageRefusal) -> Template:
    """The page that says plainly why a request was refused."""
    context, cookies = form_context(request)
    context["message"] = context["t"][refusal.message]
    return render(request, "public_problem.html", context, status=refusal.status, cookies=cookies)


def too_many_requests(request: Request[Any, Any, Any], exc: TooManyRequestsException) -> Template:
    """The public API's limits, said on a page: how long to wait, and what else to do."""
    context = page_context(request)
    context["message"] = context["t"]["too_many"]
    response = render(request, "public_problem.html", context, status=HTTP_429_TOO_MANY_REQUESTS)
    response.headers.update(exc.headers or {})
    return response


async def checked_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The submitted form, once its token matches the cookie; raises ``PageRefusal``."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in _FORMS:
        raise PageRefusal(HTTP_400_BAD_REQUEST, "not_a_form")
    try:
        form = await request.form()
    except ClientException as exc:
        raise PageRefusal(exc.status_code, "not_a_form") from None
    except UnicodeDecodeError:
        raise PageRefusal(HTTP_400_BAD_REQUEST, "not_a_form") from None
    if not csrf.accepted(request, form.get(csrf.FIELD)):
        raise PageRefusal(HTTP_403_FORBIDDEN, "csrf_refused")
    return form


def text(form: FormMultiDict, name: str) -> str:
    """A text field of the form, trimmed; a file sent in its place counts as nothing."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def uploaded(form: FormMultiDict, fields: Mapping[str, str]) -> UploadedFile | None:
    """The form's file, for the attachment checks; ``None`` when no file was chosen."""
    value = form.get("file")
    if isinstance(value, str) and value:
        # Browsers send an empty part without a file name when no file was chosen.
        raise InvalidInput("file", "a file needs a name")
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return UploadedFile(
        filename=value.filename,
        declared_type=value.content_type or None,
        chunks=_chunks(value),
        fields=dict(fields),
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk
