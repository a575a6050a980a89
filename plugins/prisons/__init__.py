"""Prisons: grievances of people in custody.

The sector's rules (PREA and grievance procedures in the US, the prisoner
complaints process in England and Wales) arrive in later issues. For now the
plugin declares itself and its settings, so that tenants can enable and
configure it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import PluginInfo, SettingField, hookimpl

PLUGIN_INFO = PluginInfo(
    name="prisons",
    version="0.1.0",
    description="Grievance rules for custodial settings: PREA (US), prisoner complaints (E&W).",
    sector="prisons",
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose grievance rules the establishment follows.",
            required=True,
            default="us",
            choices=("us", "england-wales"),
        ),
    )
