"""Insurance: complaints about policies, claims and premiums.

The sector's rules (FCA DISP in the UK, state insurance codes in the US) arrive
in later issues. For now the plugin declares itself and its settings, so that
tenants can enable and configure it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import PluginInfo, SettingField, hookimpl

PLUGIN_INFO = PluginInfo(
    name="insurance",
    version="0.1.0",
    description="Complaint rules for insurers: DISP deadlines (UK), state rules (US).",
    sector="insurance",
)


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """The jurisdiction whose rules apply, and how out-of-hours receipt counts."""
    return (
        SettingField(
            name="jurisdiction",
            type="choice",
            label="Jurisdiction",
            help="Whose complaint-handling rules the organisation follows.",
            required=True,
            default="uk",
            choices=("uk", "us"),
        ),
        SettingField(
            name="out_of_hours_receipt_next_business_day",
            type="boolean",
            label="Count out-of-hours complaints as received on the next business day",
            help="When on, a complaint arriving after close of business or on a"
            " non-business day is treated as received on the next business day.",
            default=False,
        ),
    )
