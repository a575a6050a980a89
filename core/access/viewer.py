"""The caller whose view of cases a request's work follows (see ``core.access.services``)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from core.auth.principal import Principal

_viewer: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "querela_viewer", default=None
)


@contextmanager
def viewing_as(principal: Principal | None) -> Iterator[None]:
    """Run the block for ``principal``: what it reaches of cases follows its access."""
    token = _viewer.set(principal)
    try:
        yield
    finally:
        _viewer.reset(token)


def current_viewer() -> Principal | None:
    """The caller the access rule applies to (None: work without a caller)."""
    return _viewer.get()
