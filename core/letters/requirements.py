"""What a letter must say before it may go: the tenant's plugins decide.

A sector rule such as "a final response names the ombudsman and the time limit"
is a ``RequiredContent`` with phrases: the letter meets it when one of the
phrases appears in it (case and spacing do not matter). A requirement without
phrases cannot be checked by reading, so the person sending vouches for it by
name (its ``code``); the audit event of the sending keeps what they vouched for.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from uuid import UUID

from core.cases.services import case_view
from core.errors import InvalidInput
from core.plugins.host import plugin_host
from core.plugins.services import tenant_plugins
from core.sdk import RequiredContent

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of one plugin, and whether the letter meets it."""

    plugin: str
    code: str
    description: str
    phrases: tuple[str, ...]
    met: bool
    #: Met because the sender vouched for it, not because the letter was read.
    vouched: bool = False


class RequirementsUnmet(InvalidInput):
    """The letter lacks what the tenant's plugins require; nothing was sent."""

    def __init__(self, unmet: Sequence[Requirement]) -> None:
        listed = "; ".join(f"{r.code}: {r.description}" for r in unmet)
        super().__init__("response", f"the letter must still say: {listed}")
        self.unmet = list(unmet)


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


async def requirements(
    case_id: UUID, response_kind: str, letter: str, vouched: Collection[str] = ()
) -> list[Requirement]:
    """Every requirement of the tenant's plugins for this letter, met or not."""
    host = plugin_host()
    plugins = await tenant_plugins(host)
    if not plugins.enabled:
        return []
    outcome = await host.call(
        "querela_register_required_content",
        plugins.enabled,
        tenant=plugins.view(),
        case=await case_view(case_id),
        response_kind=response_kind,
    )
    text = _folded(letter)
    found: list[Requirement] = []
    for name, answer in outcome.results:
        items = answer if isinstance(answer, list | tuple) else [answer]
        for item in items:
            if not isinstance(item, RequiredContent):
                # A plugin that answers nonsense is left out, as everywhere else.
                continue
            phrases = tuple(p for p in item.phrases if p.strip())
            if phrases:
                met = any(_folded(p) in text for p in phrases)
                found.append(Requirement(name, item.code, item.description, phrases, met))
            else:
                met = item.code in vouched
                found.append(Requirement(name, item.code, item.description, (), met, vouched=met))
    return found


async def check_letter(
    case_id: UUID, response_kind: str, letter: str, vouched: Collection[str] = ()
) -> list[Requirement]:
    """The requirements, all met; raises ``RequirementsUnmet`` naming those that are not."""
    found = await requirements(case_id, response_kind, letter, vouched)
    unmet = [r for r in found if not r.met]
    if unmet:
        raise RequirementsUnmet(unmet)
    return found
