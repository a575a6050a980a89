"""Religious bodies: complaints and safeguarding concerns in faith organisations.

The sector's rules (safeguarding guidance and denominational procedures in
England and the US) arrive in later issues. For now the plugin declares itself
and its settings, so that tenants can enable and configure it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import PluginInfo, SettingField, hookimpl

PLUGIN_INFO = PluginInfo(
    name="religious",
    version="0.1.0",
    description="Complaint and safeguarding procedures for religious bodies (England, US).",
    sector="religious",
)

#: Denominations whose procedures the plugin will know; "other" follows general guidance.
DENOMINATIONS = (
    "church-of-england",
    "catholic",
    "methodist",
    "baptist",
    "jewish",
    "muslim",
    "other",
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction and the denomination whose procedures apply."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose safeguarding and complaint rules the organisation follows.",
            required=True,
            default="england",
            choices=("england", "us"),
        ),
        SettingField(
            name="denomination",
            type="choice",
            label="Denomination",
            help="The body whose complaint procedure the organisation follows.",
            required=True,
            default="other",
            choices=DENOMINATIONS,
        ),
    )
