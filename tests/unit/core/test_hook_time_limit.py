"""A hook call may be given a longer time limit than the host's: a report over a year of cases
is not on the way of a complaint, and must not be cut off as a hung hook would be."""

from __future__ import annotations

import time
import uuid

from core.plugins.host import PluginHost
from core.sdk import PluginInfo, ReportDefinition, TenantView, hookimpl
from tests.unit.plugins.views import tenant_view


class SlowReports:
    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"slow-{uuid.uuid4().hex[:6]}", version="1", description="counts slowly"
        )

    @hookimpl
    def querela_register_reports(self, tenant: TenantView) -> list[ReportDefinition]:
        time.sleep(0.3)
        return [ReportDefinition(code="slow", title="Slow")]


async def test_the_host_limit_cuts_a_slow_hook_off_and_a_longer_one_lets_it_answer() -> None:
    host = PluginHost(autoload=False, timeout=0.05)
    plugin = SlowReports()
    host.register(plugin)
    name = plugin.PLUGIN_INFO.name
    tenant = tenant_view(name)
    try:
        longer = await host.call("querela_register_reports", {name}, time_limit=2.0, tenant=tenant)
        cut = await host.call("querela_register_reports", {name}, tenant=tenant)
    finally:
        host.close()

    assert [d.code for _, value in longer.results for d in value] == ["slow"]
    assert longer.failures == []
    assert cut.results == [] and [f.kind for f in cut.failures] == ["timeout"]
