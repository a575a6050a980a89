"""The hook reference for plugin authors, generated from ``core/hookspecs.py``.

``python -m core.plugins.reference > plugins/HOOKS.md`` writes it. Each hook's
signature comes from the hookspec's source, its text from the docstring, its
calling mode from the pluggy marker; examples are the hook implementations of
the example vendor plugin, read from its tested source, so that nothing is
written twice and a test can hold the committed file to the generated one.

Run it from a checkout: the examples are read from the repository's tests.

``problems`` lists what breaks the conventions for hooks (naming, documentation,
calling mode); the reference test fails on any.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import sys
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from core import hookspecs, sdk
from core.sdk import PROJECT, SDK_VERSION

#: Where the generated reference is kept, relative to the repository root.
REFERENCE_PATH = Path("plugins/HOOKS.md")
#: The repository root, when running from a checkout.
ROOT = Path(__file__).resolve().parents[2]
#: Tested plugin code the examples are taken from, relative to the repository root.
EXAMPLE_SOURCES = (Path("tests/vendor_plugin/acme_complaints/__init__.py"),)

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("register", re.compile(r"^querela_register_[a-z0-9_]+$")),
    # Deciding over several cases at once (a report) keeps the plural.
    ("decide", re.compile(r"^querela_[a-z0-9_]+_for_cases?$")),
    ("react", re.compile(r"^querela_on_[a-z0-9_]+$")),
)
_SHAPE_TEXT = {
    "register": "contribute; every enabled plugin is asked and all answers are kept",
    "decide": "decide; the first answer that is not None wins",
    "react": "react; every enabled plugin is told and answers are ignored",
}
_BANNER = re.compile(r"^# -- (?P<title>[a-z][a-z ,]*[a-z]) -+$")
_REQUIRED_HEADINGS = ("Fires:", "Returns:", "Calling mode:")


@dataclass(frozen=True, slots=True)
class Hook:
    """One hook specification as the reference presents it."""

    name: str
    section: str
    signature: str
    arguments: tuple[str, ...]
    doc: str
    first_result: bool

    @property
    def shape(self) -> str | None:
        """register, decide or react, by the hook's name; None if it follows none."""
        return next((shape for shape, pattern in _SHAPES if pattern.match(self.name)), None)


@dataclass(frozen=True, slots=True)
class Example:
    """A hook implementation taken from tested plugin code."""

    hook: str
    source: str
    path: Path


def hooks(module: ModuleType = hookspecs) -> list[Hook]:
    """The hook specifications of ``module``, in the order they are written."""
    source = inspect.getsource(module)
    sections = _sections(source)
    found: list[Hook] = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        function = getattr(module, node.name, None)
        options = getattr(function, f"{PROJECT}_spec", None)
        if options is None:
            continue
        found.append(
            Hook(
                name=node.name,
                section=_section_of(sections, node.lineno),
                signature=_signature(node),
                arguments=tuple(arg.arg for arg in node.args.args),
                doc=inspect.getdoc(function) or "",
                first_result=bool(options.get("firstresult")),
            )
        )
    return found


def problems(found: Iterable[Hook]) -> list[str]:
    """Every way in which the hooks break Querela's conventions (empty when none do)."""
    issues: list[str] = []
    for hook in found:
        where = f"{hook.name}:"
        if hook.shape is None:
            issues.append(
                f"{where} name it querela_register_* (contribute), querela_*_for_case"
                " (decide) or querela_on_* (react)"
            )
        if not hook.doc:
            issues.append(f"{where} has no docstring")
            continue
        for heading in _REQUIRED_HEADINGS:
            if heading not in hook.doc:
                issues.append(f"{where} docstring does not say {heading!r}")
        for argument in hook.arguments:
            if f"``{argument}``" not in hook.doc:
                issues.append(f"{where} docstring does not name ``{argument}``")
        if hook.first_result and hookspecs.FIRST_RESULT not in hook.doc:
            issues.append(
                f"{where} firstresult hook lacks the sentence core.hookspecs.FIRST_RESULT"
            )
        if hook.first_result and hook.shape in ("register", "react"):
            issues.append(f"{where} a {hook.shape} hook collects every answer; no firstresult")
        if hook.shape == "decide" and not hook.first_result:
            issues.append(f"{where} a decide hook must be declared firstresult=True")
    return issues


def examples(paths: Iterable[Path], *, root: Path = ROOT) -> list[Example]:
    """Hook implementations (functions decorated ``@hookimpl``) in the files at ``paths``."""
    found: list[Example] = []
    for relative in paths:
        source = (root / relative).read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and any(
                ast.unparse(decorator).startswith("hookimpl") for decorator in node.decorator_list
            ):
                start = node.decorator_list[0].lineno - 1
                lines = source.splitlines()[start : node.end_lineno]
                found.append(Example(hook=node.name, source="\n".join(lines), path=relative))
    return found


def render(
    found: Sequence[Hook] | None = None,
    shown: Sequence[Example] | None = None,
    types: Sequence[type[Any]] | None = None,
) -> str:
    """The reference as Markdown."""
    found = hooks() if found is None else found
    shown = examples(EXAMPLE_SOURCES) if shown is None else shown
    types = _sdk_types() if types is None else types
    by_hook: dict[str, list[Example]] = {}
    for example in shown:
        by_hook.setdefault(example.hook, []).append(example)
    unknown = sorted(set(by_hook) - {hook.name for hook in found})
    if unknown:
        raise ValueError(f"examples implement hooks that do not exist: {', '.join(unknown)}")

    out: list[str] = [
        "# Hook reference",
        "",
        "<!-- Generated from core/hookspecs.py by"
        " `python -m core.plugins.reference > plugins/HOOKS.md`; do not edit. -->",
        "",
        f"SDK version {SDK_VERSION}. Every name below is importable from `core.sdk`;"
        " see [the guide](README.md) for writing, registering and testing a plugin.",
        "",
        inspect.getdoc(hookspecs) or "",
        "",
        "## Hooks",
        "",
    ]
    section = None
    for hook in found:
        if hook.section != section:
            section = hook.section
            out.append(
                f"- {section.capitalize()}: "
                + ", ".join(f"[`{h.name}`](#{h.name})" for h in found if h.section == section)
            )
    out.append("")
    section = None
    for hook in found:
        if hook.section != section:
            section = hook.section
            out += [f"## {section.capitalize()}", ""]
        shape = _SHAPE_TEXT.get(hook.shape or "", "none")
        marker = "@hookspec(firstresult=True)" if hook.first_result else "@hookspec"
        out += [
            f"### {hook.name}",
            "",
            "```python",
            f"{hook.signature}: ...",
            "```",
            "",
            f"Shape: {shape} (declared `{marker}`).",
            "",
            hook.doc,
            "",
        ]
        for example in by_hook.get(hook.name, ()):
            out += [
                f"Example, from `{example.path.as_posix()}`:",
                "",
                "```python",
                example.source,
                "```",
                "",
            ]
    out += ["## Types", "", "What hooks receive and return, all frozen.", ""]
    for name, choices in _literal_aliases():
        out.append(f"- `{name}`: one of " + ", ".join(f"`{choice}`" for choice in choices) + ".")
    out.append("")
    for kind in types:
        out += _type_section(kind)
    return "\n".join(out).rstrip("\n") + "\n"


def _signature(node: ast.FunctionDef, width: int = 100) -> str:
    """The hook's ``def`` line, wrapped the way the project's formatter wraps it."""
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    arguments = ast.unparse(node.args)
    line = f"def {node.name}({arguments}){returns}"
    if len(line) + len(": ...") <= width:
        return line
    if len(arguments) + 4 <= width:
        return f"def {node.name}(\n    {arguments}\n){returns}"
    each = "".join(f"    {ast.unparse(arg)},\n" for arg in node.args.args)
    return f"def {node.name}(\n{each}){returns}"


def _sections(source: str) -> list[tuple[int, str]]:
    return [
        (number, match["title"])
        for number, line in enumerate(source.splitlines(), start=1)
        if (match := _BANNER.match(line))
    ]


def _section_of(sections: Sequence[tuple[int, str]], line: int) -> str:
    titles = [title for start, title in sections if start < line]
    return titles[-1] if titles else "hooks"


def _sdk_types() -> list[type[Any]]:
    exported = (getattr(sdk, name) for name in sdk.__all__)
    return [kind for kind in exported if isinstance(kind, type) and dataclasses.is_dataclass(kind)]


def _literal_aliases() -> list[tuple[str, tuple[object, ...]]]:
    return [
        (name, typing.get_args(value))
        for name in sdk.__all__
        if typing.get_origin(value := getattr(sdk, name)) is typing.Literal
    ]


def _type_section(kind: type[Any]) -> list[str]:
    notes = _field_comments(kind)
    lines = [f"### {kind.__name__}", "", inspect.getdoc(kind) or "", ""]
    lines += ["| field | type | default | meaning |", "| --- | --- | --- | --- |"]
    for spec in dataclasses.fields(kind):
        lines.append(
            f"| `{spec.name}` | `{_annotation(spec.type)}` | {_default(spec)}"
            f" | {_cell(notes.get(spec.name, ''))} |"
        )
    methods = [
        name
        for name, member in vars(kind).items()
        if not name.startswith("_") and inspect.isfunction(member)
    ]
    if methods:
        lines += ["", "Methods: " + ", ".join(f"`{name}()`" for name in methods) + "."]
    return [*lines, ""]


def _field_comments(kind: type[Any]) -> dict[str, str]:
    """The ``#:`` comments written above a class's fields, by field name."""
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(kind).splitlines()[1:]:
        text = line.strip()
        if text.startswith("#:"):
            pending.append(text[2:].strip())
        elif match := re.match(r"^(?P<name>[a-z_][a-z0-9_]*)\s*:", text):
            if pending:
                comments[match["name"]] = " ".join(pending)
            pending = []
        else:
            pending = []
    return comments


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _annotation(annotation: object) -> str:
    # The SDK's modules postpone annotations, so these are the types as written.
    text = (
        annotation if isinstance(annotation, str) else getattr(annotation, "__name__", annotation)
    )
    return str(text).replace("|", "\\|")


def _default(spec: dataclasses.Field[Any]) -> str:
    if spec.default is not dataclasses.MISSING:
        return f"`{spec.default!r}`".replace("|", "\\|")
    if spec.default_factory is not dataclasses.MISSING:
        return "empty"
    return "required"


def main() -> None:
    """Print the reference (``python -m core.plugins.reference > plugins/HOOKS.md``)."""
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
