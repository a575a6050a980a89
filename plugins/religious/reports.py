"""Reports for religious bodies: the hooks' entry points, for both jurisdictions.

``safeguarding-statistics`` (``statistics.py``): the safeguarding concerns
received in one calendar year, per diocese, province or region and in total.
``serious-incident-reports`` (``incidents.py``): for any period, a draft line per
serious incident for the trustees' report to the Charity Commission. Both read a
case as ``reading.py`` says. A period a report cannot cover comes back as the
output's ``problem``, in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from core.sdk import CaseView, ReportDefinition, ReportOutput
from plugins.religious import incidents, statistics

JURISDICTIONS = frozenset({"england", "us"})

_PRODUCERS: dict[str, Callable[[Sequence[CaseView], Mapping[str, object], str], ReportOutput]] = {
    statistics.STATISTICS_CODE: statistics.report,
    incidents.INCIDENTS_CODE: incidents.incidents_report,
}


def definitions(jurisdiction: str) -> tuple[ReportDefinition, ...]:
    """The reports a tenant of ``jurisdiction`` is offered: both in England and the US."""
    if jurisdiction not in JURISDICTIONS:
        return ()
    return (statistics.definition(), incidents.incidents_definition())


def produce(
    code: str, cases: Sequence[CaseView], parameters: Mapping[str, object], timezone: str
) -> ReportOutput | None:
    """Report ``code`` for ``parameters`` in ``timezone``; None for a code not the plugin's.

    A period the report cannot cover comes back as the output's ``problem``, in words.
    """
    make = _PRODUCERS.get(code)
    if make is None:
        return None
    try:
        return make(cases, parameters, timezone)
    except ValueError as refused:
        return ReportOutput(code=code, columns=(), rows=(), problem=str(refused))
