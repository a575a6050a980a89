"""Turning query rows into the structs that leave a service."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def as_structs(kind: type[S], rows: Iterable[Mapping[str, Any]]) -> list[S]:
    """One ``kind`` per row, from the row's columns named like the struct's fields.

    Columns the struct does not name are left out, so a row never leaks more
    than the struct was meant to show.
    """
    fields = kind.__struct_fields__
    return [kind(**{name: row[name] for name in fields}) for row in rows]
