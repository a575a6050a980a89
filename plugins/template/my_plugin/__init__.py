"""My plugin: flags complaints that mention legal action.

Import only from ``core.sdk``: it is the part of Querela that stays compatible.
The hooks you can implement, with their arguments and examples, are in
Querela's ``plugins/HOOKS.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import CaseView, PluginInfo, RiskFlag, TenantView, hookimpl

# Querela installs the module under this name; tenants enable it by this name.
PLUGIN_INFO = PluginInfo(
    name="my_plugin",
    version="0.1.0",
    description="Flags complaints that mention legal action.",
)

LEGAL_WORDS = ("solicitor", "lawyer", "attorney", "court")


# The function's name says which hook it implements; it may take any of the
# hook's arguments, by name, and leave out the ones it does not need.
@hookimpl
def querela_register_risk_flags(tenant: TenantView, case: CaseView) -> Sequence[RiskFlag]:
    """A notice on the case when the complainant mentions legal action."""
    text = f"{case.subject} {case.description}".lower()
    if any(word in text for word in LEGAL_WORDS):
        return [
            RiskFlag(
                code="my_plugin.legal_action",
                message="The complainant mentions legal action.",
                urgency="notice",
            )
        ]
    return []
