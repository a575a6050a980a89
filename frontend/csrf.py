"""A double-submit token for the public forms, which work without JavaScript.

The token sits in a cookie and in a hidden field of every form; a POST is
taken only when the two agree. Another site can make a browser send the
cookie, but cannot read it to copy it into the form. Litestar's own CSRF
middleware is global, and would refuse the JSON API's callers, who hold no
cookie at all; this covers the pages only.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie

COOKIE = "querela_csrf"
FIELD = "csrf_token"
#: What ``secrets.token_urlsafe(32)`` makes; a cookie of another shape is replaced.
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _cookie_token(request: Request[Any, Any, Any]) -> str | None:
    value = request.cookies.get(COOKIE, "")
    return value if _SHAPE.fullmatch(value) else None


def issue(request: Request[Any, Any, Any]) -> tuple[str, list[Cookie]]:
    """The token for the page's forms, and the cookie to set when the browser has none yet."""
    token = _cookie_token(request)
    if token is not None:
        return token, []
    token = secrets.token_urlsafe(32)
    cookie = Cookie(
        key=COOKIE,
        value=token,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return token, [cookie]


def accepted(request: Request[Any, Any, Any], submitted: object) -> bool:
    """Whether the form's token matches the browser's cookie."""
    token = _cookie_token(request)
    if token is None or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(token.encode(), submitted.encode())
