"""What choosing a tenant's plugins adds to a hook call, and what isolating each plugin costs.

Ten installed plugins each implement one cheap hook; 1,000 tenants each enable
a different subset of them (seeded). Run with `make bench`. Prints figures and
asserts only that every path returns the same answers; the target for the
per-tenant selection is under 5 µs per call.
"""

from __future__ import annotations

import gc
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence

import pluggy
import pytest
from opentelemetry import trace

from core import hookspecs
from core.plugins.host import PluginHost
from core.sdk import PROJECT, PluginInfo, TaxonomyEntry, TenantView, hookimpl
from core.telemetry import build_meter_provider, build_tracer_provider, install_globally

pytestmark = pytest.mark.bench

HOOK = "querela_register_taxonomy"
PLUGIN_COUNT = 10
TENANT_COUNT = 1_000
CALLS = 200_000
ROUNDS = 5
ISOLATED_CALLS = 2_000
SEED = 20261124


class CheapPlugin:
    """Answers the taxonomy hook with a constant, so dispatch is all that is measured."""

    def __init__(self, index: int) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"bench-{index:02d}", version="1", description="benchmark plugin"
        )
        self.answer = (TaxonomyEntry(code=f"code-{index}", label=f"Category {index}"),)

    @hookimpl
    def querela_register_taxonomy(self, tenant: TenantView) -> Sequence[TaxonomyEntry]:
        return self.answer


def tenant_subsets(names: Sequence[str]) -> list[frozenset[str]]:
    """One enabled set per tenant, all different: 1,000 of the 1,024 subsets of ten plugins."""
    masks = random.Random(SEED).sample(range(2 ** len(names)), TENANT_COUNT)
    return [frozenset(n for bit, n in enumerate(names) if mask >> bit & 1) for mask in masks]


def best_ns_per_call(loop: Callable[[], None], calls: int) -> float:
    """The fastest of ``ROUNDS`` runs of ``loop`` (which makes ``calls`` calls), per call."""
    timings = []
    gc.disable()
    try:
        for _ in range(ROUNDS):
            started = time.perf_counter_ns()
            loop()
            timings.append(time.perf_counter_ns() - started)
    finally:
        gc.enable()
    return min(timings) / calls


@pytest.fixture(scope="module")
def installed() -> Iterator[tuple[PluginHost, list[CheapPlugin]]]:
    """A host of its own, without entry-point plugins, holding the ten benchmark plugins."""
    host = PluginHost(autoload=False)
    plugins = [CheapPlugin(i) for i in range(PLUGIN_COUNT)]
    for plugin in plugins:
        host.register(plugin)
    yield host, plugins
    host.close()


@pytest.fixture(scope="module")
def view() -> TenantView:
    return TenantView(
        id=uuid.uuid4(), slug="bench", name="Bench", timezone="UTC", default_language="en"
    )


def test_per_tenant_selection_overhead(
    installed: tuple[PluginHost, list[CheapPlugin]], view: TenantView
):
    host, plugins = installed
    names = [p.PLUGIN_INFO.name for p in plugins]
    subsets = tenant_subsets(names)
    by_name = dict(zip(names, plugins, strict=True))

    # (a) The dispatch cost alone: per tenant, a manager holding just its plugins.
    direct: list[pluggy.HookCaller] = []
    for enabled in subsets:
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(hookspecs)
        for name in names:  # registration order as on the host
            if name in enabled:
                pm.register(by_name[name], name=name)
        direct.append(getattr(pm.hook, HOOK))
    # pluggy's own subset proxies, built once: (b) minus the host's cache lookup.
    proxies = [
        host.pm.subset_hook_caller(HOOK, [by_name[n] for n in names if n not in enabled])
        for enabled in subsets
    ]
    everyone = getattr(host.pm.hook, HOOK)

    rounds_of_tenants = CALLS // TENANT_COUNT
    direct_sequence = direct * rounds_of_tenants
    proxy_sequence = proxies * rounds_of_tenants
    tenant_sequence = subsets * rounds_of_tenants
    caller = host.caller

    def run_direct() -> None:
        for hook in direct_sequence:
            hook(tenant=view)

    def run_proxies() -> None:
        for hook in proxy_sequence:
            hook(tenant=view)

    def run_per_tenant() -> None:
        for enabled in tenant_sequence:
            caller(HOOK, enabled)(tenant=view)

    def run_everyone() -> None:
        for _ in range(CALLS):
            everyone(tenant=view)

    # The same answers on every path, tenant by tenant (and it warms the host's cache).
    for enabled, hook in zip(subsets, direct, strict=True):
        assert caller(HOOK, enabled)(tenant=view) == hook(tenant=view)
    for run in (run_direct, run_proxies, run_per_tenant, run_everyone):
        run()  # warm-up pass

    a = best_ns_per_call(run_direct, CALLS)
    proxy = best_ns_per_call(run_proxies, CALLS)
    b = best_ns_per_call(run_per_tenant, CALLS)
    c = best_ns_per_call(run_everyone, CALLS)

    # Each request reads the tenant's state afresh: a new set object, hashed on first use.
    fresh_sequence = [frozenset(set(enabled)) for enabled in tenant_sequence]
    started = time.perf_counter_ns()
    for enabled in fresh_sequence:
        caller(HOOK, enabled)(tenant=view)
    fresh = (time.perf_counter_ns() - started) / len(fresh_sequence)

    host._callers.clear()
    started = time.perf_counter_ns()
    for enabled in subsets:
        caller(HOOK, enabled)
    cold_us = (time.perf_counter_ns() - started) / TENANT_COUNT / 1000

    rows = [
        ("(a) direct pluggy call, pre-built caller per subset", a),
        ("    pluggy subset proxy, pre-built (no lookup)", proxy),
        ("(b) host.caller(hook, enabled)(...) per tenant", b),
        ("    the same, with a new enabled-set object per call", fresh),
        (f"(c) pm.hook.{HOOK}, all {PLUGIN_COUNT}", c),
    ]
    mean_enabled = sum(map(len, subsets)) / TENANT_COUNT
    print(
        f"\nplugin dispatch: {PLUGIN_COUNT} plugins, {TENANT_COUNT} tenants"
        f" (mean {mean_enabled:.1f} enabled), best of {ROUNDS} x {CALLS:,} calls"
    )
    for label, ns in rows:
        print(f"  {label:<56} {ns:8.0f} ns/call")
    print(
        f"  overhead (b)-(a): {(b - a) / 1000:.2f} µs per call (target < 5 µs):"
        f" cache lookup {(b - proxy) / 1000:.2f} µs,"
        f" pluggy's subset filtering {(proxy - a) / 1000:.2f} µs"
        f"\n  cold cache: building a tenant's caller {cold_us:.1f} µs,"
        " once per (hook, enabled set)"
    )


async def test_isolated_call_cost(
    installed: tuple[PluginHost, list[CheapPlugin]], view: TenantView
):
    host, plugins = installed
    # Spans and metrics recorded as in production, without an exporter.
    install_globally(build_tracer_provider("none"), build_meter_provider("none"))
    everyone = frozenset(p.PLUGIN_INFO.name for p in plugins)
    direct = host.caller(HOOK, everyone)

    async def isolated(calls: int) -> float:
        started = time.perf_counter_ns()
        for _ in range(calls):
            outcome = await host.call(HOOK, everyone, tenant=view)
        elapsed = time.perf_counter_ns() - started
        assert not outcome.failures and len(outcome.results) == PLUGIN_COUNT
        return elapsed / calls

    await isolated(ISOLATED_CALLS // 10)
    per_call = min([await isolated(ISOLATED_CALLS) for _ in range(3)])
    sync = best_ns_per_call(
        lambda: [direct(tenant=view) for _ in range(ISOLATED_CALLS)], ISOLATED_CALLS
    )

    provider = type(trace.get_tracer_provider()).__name__
    print(
        f"\nisolated hook call (host.call: worker thread + time limit + span + metric per plugin),"
        f" {PLUGIN_COUNT} plugins enabled, tracer provider {provider}:"
        f"\n  {per_call / 1000:8.1f} µs per hook call, {per_call / PLUGIN_COUNT / 1000:.1f} µs"
        f" per plugin; the plain pluggy call of the same plugins takes {sync / 1000:.2f} µs"
    )
