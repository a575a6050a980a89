"""The bad requests the sweep sends: each a route's valid request with one thing wrong."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from tests.security.sweep_routes import (
    BodyKind,
    Endpoint,
    QueryParam,
    Schema,
    concrete,
    fields,
    is_free_text,
    with_value,
    without,
    wrong_type,
)

#: Over every field's length limit, yet under the app's body limit (64 KiB in the suite).
LONG = "x" * 60_000
#: Over the body limit of every JSON route.
HUGE = "x" * 1_048_576
NUL = "Sweep\x00text"
CONTROL = "Sweep\x1b[2J\x07text"


# -- what goes over the wire ------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """A request body and its content type."""

    content: bytes
    content_type: str | None


def as_json(value: Any) -> Payload:
    """``value`` as a JSON body."""
    return Payload(json.dumps(value).encode(), "application/json")


def as_form(value: Mapping[str, Any]) -> Payload:
    """``value`` as a URL-encoded form."""
    return Payload(urlencode(value).encode(), "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class Upload:
    """A multipart form: text fields, then one file."""

    fields: Mapping[str, str] = field(default_factory=dict)
    file_field: str = "file"
    filename: str = "note.txt"
    content: bytes = b"A note about the complaint.\n"
    content_type: str = "text/plain"

    BOUNDARY = "sweep-boundary-7f3a"

    def encode(self, *, with_file: bool = True) -> bytes:
        """The form's body, delimited by ``BOUNDARY``."""
        parts = [
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
            for name, value in self.fields.items()
        ]
        if with_file:
            parts.append(
                f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{self.file_field}";'
                f' filename="{self.filename}"\r\nContent-Type: {self.content_type}\r\n\r\n'.encode()
                + self.content
                + b"\r\n"
            )
        return b"".join(parts) + f"--{self.BOUNDARY}--\r\n".encode()

    def payload(self) -> Payload:
        """The form as a request body."""
        return Payload(self.encode(), f"multipart/form-data; boundary={self.BOUNDARY}")


def encoded(kind: BodyKind, base: Any) -> Payload:
    """A valid body of ``kind`` as it goes over the wire."""
    if kind == "json":
        return as_json(base)
    if kind == "form":
        return as_form(base)
    assert isinstance(base, Upload), f"a multipart route's valid body is an Upload, not {base!r}"
    return base.payload()


# -- the bad inputs ---------------------------------------------------------------------------

#: A body as a function of the route's valid body.
BodyOf = Callable[[Any], Payload]


@dataclass(frozen=True, eq=False)
class Probe:
    """One bad request: the route's valid request with exactly one thing wrong."""

    endpoint: Endpoint
    what: str
    #: Path parameters to send as given (already URL-encoded) instead of real values.
    path: Mapping[str, str] = field(default_factory=dict)
    #: Query parameters to add to the request.
    query: Mapping[str, str] = field(default_factory=dict)
    #: The body instead of the valid one.
    body: BodyOf | None = None

    @property
    def id(self) -> str:
        """How pytest and failure messages name the probe."""
        return f"{self.endpoint.name} | {self.what}"


#: Values of a path parameter that name nothing (sent as written, already URL-encoded).
PATH_VALUES = {
    "NUL byte": "%00",
    "path traversal": "..%2F..%2Fetc%2Fpasswd",
    "10 kB string": "a" * 10_240,
    "invalid UTF-8": "%FF%FE",
    "an id of nothing": str(uuid.UUID(int=0x5EE9)),
}


def probes(endpoint: Endpoint) -> list[Probe]:
    """Every bad request the sweep sends ``endpoint``."""
    found = [
        Probe(endpoint, f"path {name}: {what}", path={name: value})
        for name in endpoint.path_params
        for what, value in PATH_VALUES.items()
    ]
    for param in endpoint.query:
        found += [
            Probe(endpoint, f"query {param.name}: {what}", query={param.name: value})
            for what, value in _query_values(param)
        ]
    if endpoint.body == "json":
        found += _json_probes(endpoint)
    elif endpoint.body == "form":
        found += _form_probes(endpoint)
    elif endpoint.body == "multipart":
        found += _multipart_probes(endpoint)
    return found


def _query_values(param: QueryParam) -> list[tuple[str, str]]:
    values = [("NUL byte", "\x00"), ("10 kB string", "a" * 10_240)]
    if param.kind in ("integer", "number"):
        values.append(("not a number", "ten"))
        if param.minimum is not None:
            values.append(("below the minimum", str(int(param.minimum) - 1)))
        if param.maximum is not None:
            values.append(("above the maximum", str(int(param.maximum) + 1)))
    elif param.kind == "boolean":
        values.append(("not a boolean", "maybe"))
    elif param.kind == "uuid":
        values.append(("not an id", "not-a-uuid"))
    else:
        # A choice, a filter or a cursor: an arbitrary word is none of them.
        values.append(("an unknown value", "pigeon"))
    return values


def _raw(content: bytes, content_type: str | None = "application/json") -> BodyOf:
    return lambda _: Payload(content, content_type)


def _set(schema: Schema, path: tuple[str, ...], value: Any) -> BodyOf:
    return lambda base: as_json(with_value(base, schema, path, value))


def _drop(path: tuple[str, ...]) -> BodyOf:
    return lambda base: as_json(without(base, path))


def _json_probes(endpoint: Endpoint) -> list[Probe]:
    schema = endpoint.body_schema or {}
    found = [
        Probe(endpoint, "body: not JSON", body=_raw(b'{"subject": "unfinished')),
        Probe(endpoint, "body: a JSON list", body=_raw(b"[1, 2, 3]")),
        Probe(endpoint, "body: a JSON string", body=_raw(b'"text"')),
        Probe(endpoint, "body: a JSON number", body=_raw(b"42")),
        Probe(
            endpoint,
            "body: form-encoded instead of JSON",
            body=_raw(b"subject=x&description=y", "application/x-www-form-urlencoded"),
        ),
        Probe(endpoint, "body: an unknown field", body=_set(schema, ("sweep_unknown",), "x")),
    ]
    if not endpoint.body_optional:
        found += [
            Probe(endpoint, "body: JSON null", body=_raw(b"null")),
            Probe(endpoint, "body: empty", body=_raw(b"")),
        ]
    texts = [path for path, sub, _ in fields(schema) if is_free_text(sub)]
    found.append(
        Probe(
            endpoint,
            "body: 1 MB",
            body=_set(schema, texts[0] if texts else ("sweep_unknown",), HUGE),
        )
    )
    for path, sub, required in fields(schema):
        name = "body." + ".".join(path)
        if required:
            found.append(Probe(endpoint, f"{name}: missing", body=_drop(path)))
        wrong = wrong_type(sub)
        if wrong is not None:
            found.append(Probe(endpoint, f"{name}: wrong type", body=_set(schema, path, wrong)))
        if "enum" in concrete(sub):
            found.append(
                Probe(endpoint, f"{name}: not a choice", body=_set(schema, path, "pigeon"))
            )
        for what, value in _out_of_bounds(sub):
            found.append(Probe(endpoint, f"{name}: {what}", body=_set(schema, path, value)))
        if is_free_text(sub):
            found += [
                Probe(endpoint, f"{name}: 60 kB string", body=_set(schema, path, LONG)),
                Probe(endpoint, f"{name}: NUL byte", body=_set(schema, path, NUL)),
                Probe(endpoint, f"{name}: control characters", body=_set(schema, path, CONTROL)),
            ]
    return found


def _out_of_bounds(schema: Schema) -> list[tuple[str, int]]:
    s = concrete(schema)
    if s.get("type") != "integer":
        return []
    bounds = []
    if "minimum" in s:
        bounds.append(("below the minimum", int(s["minimum"]) - 1))
    if "maximum" in s:
        bounds.append(("above the maximum", int(s["maximum"]) + 1))
    return bounds


def _form_with(name: str, value: str | None) -> BodyOf:
    def body(base: Mapping[str, str]) -> Payload:
        changed = {k: v for k, v in base.items() if k != name}
        if value is not None:
            changed[name] = value
        return as_form(changed)

    return body


def _form_probes(endpoint: Endpoint) -> list[Probe]:
    found = [Probe(endpoint, "body: JSON instead of a form", body=_raw(b'{"name": "x"}'))]
    for path, sub, required in fields(endpoint.body_schema or {}):
        name = path[-1]
        if required:
            found.append(Probe(endpoint, f"form {name}: missing", body=_form_with(name, None)))
        if concrete(sub).get("type") in ("integer", "number"):
            found.append(
                Probe(endpoint, f"form {name}: not a number", body=_form_with(name, "ten"))
            )
        if is_free_text(sub):
            found += [
                Probe(endpoint, f"form {name}: 60 kB string", body=_form_with(name, LONG)),
                Probe(endpoint, f"form {name}: NUL byte", body=_form_with(name, NUL)),
                Probe(endpoint, f"form {name}: control characters", body=_form_with(name, CONTROL)),
            ]
    return found


def _upload(change: Callable[[Upload], Payload]) -> BodyOf:
    def body(base: Upload) -> Payload:
        return change(base)

    return body


def _multipart_probes(endpoint: Endpoint) -> list[Probe]:
    form = f"multipart/form-data; boundary={Upload.BOUNDARY}"
    found = [
        Probe(endpoint, "body: JSON instead of a form", body=_raw(b'{"file": "x"}')),
        Probe(
            endpoint,
            "body: a form without its boundary",
            body=_upload(lambda u: Payload(u.encode(), "multipart/form-data")),
        ),
        Probe(
            endpoint,
            "body: a form without a file",
            body=_upload(lambda u: Payload(u.encode(with_file=False), form)),
        ),
        Probe(
            endpoint,
            "body: a form cut short",
            body=_upload(lambda u: Payload(u.encode()[: len(u.encode()) - 40], form)),
        ),
        Probe(endpoint, "body: not a form at all", body=_raw(b"\x00\x01\x02garbage", form)),
    ]
    names = {"none": "", "NUL byte": NUL, "control characters": CONTROL, "10 kB": "n" * 10_240}
    found += [
        Probe(
            endpoint,
            f"file name: {what}",
            body=_upload(lambda u, n=name: replace(u, filename=n).payload()),
        )
        for what, name in names.items()
    ]
    for name in _upload_fields(endpoint):
        for what, value in (
            ("60 kB string", LONG),
            ("NUL byte", NUL),
            ("control characters", CONTROL),
        ):
            found.append(
                Probe(
                    endpoint,
                    f"form {name}: {what}",
                    body=_upload(
                        lambda u, n=name, v=value: replace(u, fields={**u.fields, n: v}).payload()
                    ),
                )
            )
    return found


def _upload_fields(endpoint: Endpoint) -> list[str]:
    return [path[-1] for path, sub, _ in fields(endpoint.body_schema or {}) if is_free_text(sub)]
