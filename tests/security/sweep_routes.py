"""The routes of the app as the bad-input sweep sees them.

Everything here is read off the application itself: its route handlers say what
each route takes (path and query parameters, a JSON or form body, or a body it
streams itself), and its OpenAPI document describes each JSON body's fields. A
route added later is swept without being listed anywhere.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg, ParameterKwarg
from litestar.routes import HTTPRoute

Schema = dict[str, Any]
#: ``multipart``: a form with a file, whether the framework parses it or the handler streams it.
BodyKind = Literal["json", "form", "multipart"]
QueryKind = Literal["integer", "number", "boolean", "uuid", "choice", "text"]

#: Handler arguments that Litestar fills from the connection, not from a named input.
_INJECTED = frozenset(
    {"request", "state", "scope", "headers", "cookies", "socket", "query", "body", "data"}
)


# -- what a route takes ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class QueryParam:
    """A query parameter a handler declares, by the name it has on the wire."""

    name: str
    kind: QueryKind
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, eq=False)
class Endpoint:
    """One method on one route, with the inputs it declares."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[QueryParam, ...]
    body: BodyKind | None
    #: The JSON schema of the body, references inlined (None when the route is not documented).
    body_schema: Schema | None
    #: Whether leaving the body out (or sending ``null``) is a valid request.
    body_optional: bool
    #: An HTML page rather than a JSON API route: it answers errors with a page.
    page: bool
    module: str

    @property
    def name(self) -> str:
        """``METHOD /path/{param}``, as the sweep names the route everywhere."""
        return f"{self.method} {self.path}"

    @property
    def takes_input(self) -> bool:
        """Whether a caller controls anything here beyond the method and path."""
        return bool(self.path_params or self.query or self.body)


def endpoints_of(app: Litestar) -> list[Endpoint]:
    """Every method of every HTTP route of ``app`` (HEAD and OPTIONS are the framework's)."""
    document = app.openapi_schema.to_schema()
    found = [
        _endpoint(route, handler, method, document)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda e: (e.path, e.method))


def _endpoint(
    route: HTTPRoute, handler: HTTPRouteHandler, method: str, document: Schema
) -> Endpoint:
    parameters = handler.parsed_fn_signature.parameters
    path_params = tuple(route.path_parameters)
    dependencies = set(handler.resolve_dependencies())
    query = []
    for name, definition in parameters.items():
        if name in _INJECTED or name in path_params or name in dependencies:
            continue
        kwarg = definition.kwarg_definition
        if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
            continue
        query.append(_query_param(name, definition.annotation, kwarg))

    body: BodyKind | None = None
    optional = False
    data = parameters.get("data")
    if data is not None:
        kwarg = data.kwarg_definition
        media = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
        body = {
            RequestEncodingType.URL_ENCODED: "form",
            RequestEncodingType.MULTI_PART: "multipart",
        }.get(media, "json")
        optional = data.is_optional or data.has_default
    elif handler.request_max_body_size is None:
        # No declared body, but the size limit lifted: the handler streams an upload itself.
        body = "multipart"

    operation = document.get("paths", {}).get(route.path_format, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema") if content else None
    return Endpoint(
        method=method,
        path=route.path_format,
        path_params=path_params,
        query=tuple(query),
        body=body,
        body_schema=inline(schema, document) if schema is not None else None,
        body_optional=optional,
        page=handler.include_in_schema is False,
        module=getattr(handler.fn, "__module__", "") or "",
    )


def _query_param(name: str, annotation: Any, kwarg: Any) -> QueryParam:
    wire = name
    if isinstance(kwarg, ParameterKwarg) and kwarg.query:
        wire = kwarg.query  # the deprecated ``Parameter(query=...)``
    elif getattr(kwarg, "name", None):
        wire = kwarg.name  # ``QueryParameter(name=...)``
    bounds: dict[str, float | None] = {"minimum": None, "maximum": None}
    if isinstance(kwarg, ParameterKwarg):
        bounds = {
            "minimum": kwarg.ge if kwarg.ge is not None else kwarg.gt,
            "maximum": kwarg.le if kwarg.le is not None else kwarg.lt,
        }
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        annotation = args[0] if len(args) == 1 else str
    if get_origin(annotation) is Literal:
        return QueryParam(wire, "choice", tuple(map(str, get_args(annotation))))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return QueryParam(wire, "choice", tuple(str(m.value) for m in annotation))
    kinds: dict[Any, QueryKind] = {
        bool: "boolean",
        int: "integer",
        float: "number",
        uuid.UUID: "uuid",
    }
    kind = kinds.get(annotation, "text")
    return (
        QueryParam(wire, kind, **bounds)
        if kind in ("integer", "number")
        else QueryParam(wire, kind)
    )


# -- JSON schemas ----------------------------------------------------------------------------


def inline(schema: Any, document: Schema, seen: tuple[str, ...] = ()) -> Any:
    """``schema`` with every ``$ref`` replaced by what it points at (recursion cut off)."""
    if isinstance(schema, list):
        return [inline(item, document, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return {}
        target: Any = document
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        return inline(target, document, (*seen, ref))
    return {key: inline(value, document, seen) for key, value in schema.items()}


def concrete(schema: Schema) -> Schema:
    """The non-null alternative of a nullable schema, with the constraints set beside it."""
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            rest = {k: v for k, v in schema.items() if k != key}
            return concrete({**rest, **options[0]}) if options else rest
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return {**schema, "type": kinds[0] if kinds else "null"}
    return schema


def minimal(schema: Schema) -> Any:
    """The smallest value that ``schema`` accepts, as far as a schema can say."""
    s = concrete(schema)
    if "enum" in s:
        return s["enum"][0]
    if "const" in s:
        return s["const"]
    kind = s.get("type")
    if kind == "object" or "properties" in s:
        required = set(s.get("required", ()))
        return {k: minimal(v) for k, v in s.get("properties", {}).items() if k in required}
    if kind == "array":
        return [minimal(s.get("items", {})) for _ in range(s.get("minItems", 0))]
    if kind == "string":
        formats: dict[str, Callable[[], str]] = {
            "date-time": lambda: datetime.now(UTC).isoformat(),
            "date": lambda: date.today().isoformat(),
            "uuid": lambda: str(uuid.uuid4()),
            "email": lambda: "sweep@example.org",
        }
        if s.get("format") in formats:
            return formats[s["format"]]()
        text = "Sweep input"[: s.get("maxLength", 200)]
        return text.ljust(s.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        low = s.get("minimum", s.get("exclusiveMinimum", 0) + 1)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    return None


def wrong_type(schema: Schema) -> Any:
    """A JSON value of another type than ``schema`` wants; None when it takes any type."""
    s = concrete(schema)
    kind = s.get("type")
    if "enum" in s and kind is None:
        kind = "string" if all(isinstance(v, str) for v in s["enum"]) else None
    return {
        "string": 12345,
        "integer": "twelve",
        "number": "twelve",
        "boolean": "yes",
        "object": "text",
        "array": "text",
    }.get(kind or "")


def is_free_text(schema: Schema) -> bool:
    """A string field that is not a choice, a date or an id: where hostile text gets in."""
    s = concrete(schema)
    return s.get("type") == "string" and "enum" not in s and "format" not in s


def fields(
    schema: Schema, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Schema, bool]]:
    """Each field of an object schema as (path, schema, required), nested objects included."""
    s = concrete(schema)
    required = set(s.get("required", ()))
    for name, sub in s.get("properties", {}).items():
        path = (*prefix, name)
        yield path, sub, name in required
        if len(prefix) < 2 and concrete(sub).get("properties"):
            yield from fields(sub, path)


def with_value(base: Any, schema: Schema, path: Sequence[str], value: Any) -> Any:
    """A copy of ``base`` with the field at ``path`` set to ``value``.

    Enclosing objects the base leaves out are filled in with their smallest valid value,
    so that the one bad field is the only thing wrong.
    """
    result = copy.deepcopy(base)
    node, s = result, concrete(schema)
    for key in path[:-1]:
        s = concrete(s.get("properties", {}).get(key, {}))
        if not isinstance(node.get(key), dict):
            node[key] = minimal(s) if s.get("properties") else {}
        node = node[key]
    node[path[-1]] = value
    return result


def without(base: Any, path: Sequence[str]) -> Any:
    """A copy of ``base`` with the field at ``path`` left out."""
    result = copy.deepcopy(base)
    node = result
    for key in path[:-1]:
        node = node.get(key) or {}
    node.pop(path[-1], None)
    return result
