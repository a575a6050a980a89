"""Prisons: grievances of people in custody.

The sector's rules (PREA and grievance procedures in the US, the prisoner
complaints process in England and Wales) arrive step by step. Today the plugin
declares its settings and sets the appeal ladder of the tenant's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sdk import (
    AppealLevel,
    BusinessCalendar,
    CaseView,
    PluginInfo,
    SettingField,
    TenantView,
    hookimpl,
)

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


#: England and Wales, Prisoner Complaints Policy Framework: a COMP1 answer may be
#: appealed on a COMP1A within 7 days; the reply target of 5 working days is
#: marked (verify) in the sector rules and is configurable by editing this table.
_ENGLAND_WALES = (("COMP1A appeal", 7, 5, "business", "supervisor"),)
#: US Federal Bureau of Prisons, 28 CFR 542.15 and 542.18: BP-10 to the Regional
#: Director within 20 days of the Warden's answer, answered in 30 days; BP-11 to
#: the General Counsel within 30 days, answered in 40 days (calendar days).
_US_BOP = (
    ("BP-10 appeal to the Regional Director", 20, 30, "calendar", "supervisor"),
    ("BP-11 appeal to the General Counsel", 30, 40, "calendar", "tenant-admin"),
)


@hookimpl
def querela_appeal_levels_for_case(tenant: TenantView, case: CaseView) -> Sequence[AppealLevel]:
    """The appeal ladder of the establishment's jurisdiction."""
    england = tenant.settings_for("prisons").get("jurisdiction") == "england-wales"
    calendar = BusinessCalendar("GB", "ENG", timezone=tenant.timezone) if england else None
    citation = "Prisoner Complaints Policy Framework (E&W)" if england else "28 CFR 542.15, 542.18"
    return tuple(
        AppealLevel(
            name=name,
            window_days=window,
            response_days=response,
            counting="business" if counting == "business" else "calendar",
            calendar=calendar,
            handler_role=role,
            citation=citation,
        )
        for name, window, response, counting, role in (_ENGLAND_WALES if england else _US_BOP)
    )
