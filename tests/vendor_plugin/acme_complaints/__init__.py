"""ACME's complaint rules: an acknowledgement deadline, a taxonomy, one setting.

A plugin imports only ``core.sdk``: the views it is given and the values it
returns are the whole contract with Querela.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import (
    BusinessCalendar,
    CaseView,
    DeadlineRule,
    PluginInfo,
    SettingField,
    TaxonomyEntry,
    TenantView,
    hookimpl,
)

PLUGIN_INFO = PluginInfo(
    name="acme_complaints",
    version="1.0.0",
    description="ACME's acknowledgement deadline and complaint categories.",
)

#: ACME acknowledges complaints within this many English business days unless configured.
DEFAULT_ACKNOWLEDGEMENT_DAYS = 5

ENGLAND = BusinessCalendar("GB", "ENG", timezone="Europe/London")


@hookimpl
def querela_register_settings() -> Sequence[SettingField]:
    """How many business days ACME allows for an acknowledgement."""
    return [
        SettingField(
            name="acknowledgement_business_days",
            type="integer",
            label="Business days to acknowledge a complaint",
            default=DEFAULT_ACKNOWLEDGEMENT_DAYS,
            minimum=1,
            maximum=20,
        )
    ]


@hookimpl
def querela_register_taxonomy(tenant: TenantView) -> Sequence[TaxonomyEntry]:
    """ACME's complaint categories, with one cause under each."""
    return [
        TaxonomyEntry(code="acme.delivery", label="Delivery"),
        TaxonomyEntry(
            code="acme.delivery.late", label="Late", kind="cause", parent="acme.delivery"
        ),
        TaxonomyEntry(code="acme.billing", label="Billing"),
        TaxonomyEntry(
            code="acme.billing.overcharge", label="Overcharged", kind="cause", parent="acme.billing"
        ),
    ]


@hookimpl
def querela_register_deadlines(tenant: TenantView, case: CaseView) -> Sequence[DeadlineRule]:
    """Acknowledge by the end of the fifth English business day after receipt."""
    days = int(
        tenant.settings_for(PLUGIN_INFO.name).get(
            "acknowledgement_business_days", DEFAULT_ACKNOWLEDGEMENT_DAYS
        )
    )
    received = ENGLAND.local_date(case.received_at)
    due = ENGLAND.end_of_day(ENGLAND.add_business_days(received, days))
    return [
        DeadlineRule(
            kind="acme.acknowledgement",
            label="Acknowledge the complaint",
            due_at=due,
            citation="ACME complaints policy, section 2",
            counting=f"{days} business days (England)",
        )
    ]
