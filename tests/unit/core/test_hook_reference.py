"""Every hook is named by its shape and documented, and plugins/HOOKS.md is the generated text."""

from __future__ import annotations

import pluggy
import pytest

from core import hookspecs
from core.plugins import reference
from core.plugins.reference import Example, Hook, hooks, problems, render

ROOT = reference.ROOT


def hook(name: str, doc: str, *, arguments: tuple[str, ...] = (), first: bool = False) -> Hook:
    return Hook(
        name=name,
        section="test",
        signature=f"def {name}({', '.join(arguments)})",
        arguments=arguments,
        doc=doc,
        first_result=first,
    )


GOOD = "Fires: now. ``tenant``: the tenant. Returns: things. Calling mode: collected."


def test_every_hookspec_is_found() -> None:
    declared = {
        name for name in dir(hookspecs) if getattr(getattr(hookspecs, name), "querela_spec", None)
    }
    manager = pluggy.PluginManager("querela")
    manager.add_hookspecs(hookspecs)

    assert {h.name for h in hooks()} == declared == set(vars(manager.hook))
    assert len(declared) >= 10


def test_every_hook_is_named_by_shape_and_documented() -> None:
    assert problems(hooks()) == []


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (hook("querela_register_things", ""), "has no docstring"),
        (
            hook("querela_register_things", GOOD, arguments=("tenant", "case")),
            "does not name ``case``",
        ),
        (
            hook("querela_register_things", "``tenant``. Returns: x. Calling mode: y."),
            "does not say 'Fires:'",
        ),
        (
            hook("querela_route_for_case", GOOD, arguments=("tenant",), first=True),
            "lacks the sentence core.hookspecs.FIRST_RESULT",
        ),
        (
            hook(
                "querela_register_things",
                f"{GOOD} {hookspecs.FIRST_RESULT}",
                arguments=("tenant",),
                first=True,
            ),
            "a register hook collects every answer; no firstresult",
        ),
        (
            hook("querela_on_things", f"{GOOD} {hookspecs.FIRST_RESULT}", first=True),
            "a react hook collects every answer; no firstresult",
        ),
        (hook("querela_route_for_case", GOOD), "a decide hook must be declared firstresult=True"),
        (hook("querela_things_changed", GOOD), "name it querela_register_*"),
        (hook("register_things", GOOD), "name it querela_register_*"),
    ],
)
def test_a_broken_hook_is_reported(broken: Hook, complaint: str) -> None:
    assert any(complaint in problem for problem in problems([broken])), problems([broken])


def test_a_well_formed_hook_of_each_shape_passes() -> None:
    decide = f"{GOOD} {hookspecs.FIRST_RESULT}"

    assert (
        problems(
            [
                hook("querela_register_things", GOOD, arguments=("tenant",)),
                hook("querela_route_for_case", decide, arguments=("tenant",), first=True),
                hook("querela_report_for_cases", decide, arguments=("tenant",), first=True),
                hook("querela_on_case_closed", GOOD, arguments=("tenant",)),
            ]
        )
        == []
    )


def test_the_committed_reference_is_the_generated_one() -> None:
    committed = (ROOT / reference.REFERENCE_PATH).read_text(encoding="utf-8")

    assert committed == render(), (
        "plugins/HOOKS.md is stale: run `python -m core.plugins.reference > plugins/HOOKS.md`"
    )


def test_the_reference_shows_every_hook_with_its_arguments() -> None:
    text = render()

    for spec in hooks():
        assert f"### {spec.name}\n" in text
        assert f"{spec.signature}: ..." in text


def test_examples_are_the_vendor_plugins_tested_source() -> None:
    found = reference.examples(reference.EXAMPLE_SOURCES)
    source = (ROOT / reference.EXAMPLE_SOURCES[0]).read_text(encoding="utf-8")

    assert {e.hook for e in found} >= {
        "querela_register_settings",
        "querela_register_taxonomy",
        "querela_register_deadlines",
    }
    for example in found:
        assert example.source.startswith("@hookimpl\ndef " + example.hook)
        assert example.source in source
        assert example.source in render()


def test_an_example_for_an_unknown_hook_is_not_silently_dropped() -> None:
    stray = Example(hook="querela_register_nothing", source="...", path=ROOT)

    with pytest.raises(ValueError, match="querela_register_nothing"):
        render(shown=[stray])
