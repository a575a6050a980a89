"""Healthcare: complaints about care, treatment and services of health providers.

The sector's rules (the NHS complaints regulations in England, CMS grievance
rules in the US) arrive in later issues. For now the plugin declares itself and
its settings, so that tenants can enable and configure it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import PluginInfo, SettingField, hookimpl

PLUGIN_INFO = PluginInfo(
    name="healthcare",
    version="0.1.0",
    description="Complaint rules for health providers: NHS (England), CMS grievances (US).",
    sector="healthcare",
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose complaint-handling rules the organisation follows.",
            required=True,
            default="england",
            choices=("england", "us"),
        ),
    )
