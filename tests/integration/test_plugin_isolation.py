"""A plugin that raises or hangs never costs a complaint: the case is registered,
flagged and audited, and the other plugins' contributions still count."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.audit.tables import AuditEvent
from core.plugins.host import PluginHost, plugin_host
from core.plugins.services import enable_plugin
from core.sdk import CaseView, DeadlineRule, PluginInfo, RiskFlag, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

COMPLAINT = {"subject": "Isolation", "description": "A complaint that plugins look at."}


def from_plugins(case: dict) -> list[dict]:
    """The case's deadlines set by plugins (the core adds its own to every case)."""
    return [d for d in case["deadlines"] if d["source"] != "core"]


class Punctual:
    """Sets a deadline two days after receipt and flags threats."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="sets a deadline")

    @hookimpl
    def querela_register_deadlines(self, case: CaseView) -> list[DeadlineRule]:
        return [
            DeadlineRule(
                kind="ack", label="Acknowledge", due_at=case.received_at + timedelta(days=2)
            )
        ]

    @hookimpl
    def querela_register_risk_flags(self, tenant: TenantView, case: CaseView) -> list[RiskFlag]:
        if "threat" in case.description:
            return [RiskFlag(code="threat", message="The complainant mentions a threat.")]
        return []


class Raiser:
    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="always fails")

    @hookimpl
    def querela_register_deadlines(self, case: CaseView) -> list[DeadlineRule]:
        raise RuntimeError(f"boom while reading {case.subject}")


class Sleeper:
    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="never answers in time")

    @hookimpl
    def querela_register_deadlines(self, case: CaseView) -> list[DeadlineRule]:
        time.sleep(1.5)
        return []


class WrongType:
    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="answers nonsense")

    @hookimpl
    def querela_register_deadlines(self, case: CaseView) -> list[dict[str, str]]:
        return [{"kind": "not a DeadlineRule"}]


@pytest.fixture
def installed() -> Iterator[dict[str, str]]:
    """Install the four plugins under unique names on the process host; remove them after."""
    host: PluginHost = plugin_host()
    suffix = uuid.uuid4().hex[:6]
    plugins = {
        "punctual": Punctual(f"punctual-{suffix}"),
        "raiser": Raiser(f"raiser-{suffix}"),
        "sleeper": Sleeper(f"sleeper-{suffix}"),
        "wrong": WrongType(f"wrong-{suffix}"),
    }
    for plugin in plugins.values():
        host.register(plugin)
    previous = host.timeout
    host.timeout = 0.3
    try:
        yield {role: p.PLUGIN_INFO.name for role, p in plugins.items()}
    finally:
        host.timeout = previous
        for plugin in plugins.values():
            host.unregister(plugin.PLUGIN_INFO.name)


async def enable(tenant: TenantHandle, *names: str) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        for name in names:
            await enable_plugin(name, actor="test")


async def audit_actions(tenant: TenantHandle, case_id: str) -> list[tuple[str, dict]]:
    async with tenant_transaction(tenant_id=tenant.id):
        rows = (
            await AuditEvent.select(AuditEvent.action, AuditEvent.detail, AuditEvent.actor)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.seq)
        )
    return [(r["action"], r["actor"]) for r in rows]


async def test_raising_plugin_is_flagged_and_audited_while_others_count(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    installed: dict[str, str],
    spans: InMemorySpanExporter,
    metric_reader: InMemoryMetricReader,
):
    await enable(tenant, installed["punctual"], installed["raiser"])
    spans.clear()

    response = await client.post(
        "/api/v1/cases",
        json={**COMPLAINT, "description": "He made a threat."},
        headers=tenant.headers,
    )

    assert response.status_code == 201, response.text
    case = response.json()
    assert [d["kind"] for d in from_plugins(case)] == ["ack"]
    assert from_plugins(case)[0]["source"] == installed["punctual"]
    failure = next(f for f in case["flags"] if f["kind"] == "plugin_failure")
    assert failure["source"] == installed["raiser"]
    assert "RuntimeError" in failure["message"]
    assert "boom" not in failure["message"], "exception text may quote the complaint"
    assert any(f["kind"] == "risk" and f["code"] == "threat" for f in case["flags"])
    assert ("plugin.failed", f"plugin:{installed['raiser']}") in await audit_actions(
        tenant, case["id"]
    )
    failed_spans = [
        s
        for s in spans.get_finished_spans()
        if s.attributes.get("querela.plugin") == installed["raiser"]
    ]
    assert failed_spans
    assert failed_spans[0].status.status_code.name == "ERROR"
    assert _failure_count(metric_reader, installed["raiser"]) >= 1


async def test_plugin_past_its_time_limit_is_flagged_then_quarantined(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: dict[str, str]
):
    await enable(tenant, installed["punctual"], installed["sleeper"])

    started = time.monotonic()
    first = await client.post("/api/v1/cases", json=COMPLAINT, headers=tenant.headers)
    first_took = time.monotonic() - started
    started = time.monotonic()
    second = await client.post("/api/v1/cases", json=COMPLAINT, headers=tenant.headers)
    second_took = time.monotonic() - started

    assert first.status_code == 201
    assert second.status_code == 201
    assert first_took < 1.5, "the registration did not wait for the sleeping plugin"
    assert second_took < first_took
    [slow] = [f for f in first.json()["flags"] if f["kind"] == "plugin_failure"]
    assert slow["source"] == installed["sleeper"]
    assert "did not answer in time" in slow["message"]
    [skipped] = [f for f in second.json()["flags"] if f["kind"] == "plugin_failure"]
    assert "skipped" in skipped["message"]
    assert [d["kind"] for d in from_plugins(first.json())] == ["ack"]
    assert ("plugin.failed", f"plugin:{installed['sleeper']}") in await audit_actions(
        tenant, first.json()["id"]
    )


async def test_answer_of_the_wrong_type_is_a_failure_not_a_crash(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: dict[str, str]
):
    await enable(tenant, installed["wrong"])
    response = await client.post("/api/v1/cases", json=COMPLAINT, headers=tenant.headers)
    assert response.status_code == 201
    [flag] = response.json()["flags"]
    assert flag["source"] == installed["wrong"]
    assert from_plugins(response.json()) == []


async def test_plugins_fire_only_for_tenants_that_enabled_them(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    installed: dict[str, str],
):
    await enable(tenant, installed["punctual"])
    mine = await client.post("/api/v1/cases", json=COMPLAINT, headers=tenant.headers)
    theirs = await client.post("/api/v1/cases", json=COMPLAINT, headers=other_tenant.headers)
    assert [d["kind"] for d in from_plugins(mine.json())] == ["ack"]
    assert from_plugins(theirs.json()) == []
    assert theirs.json()["flags"] == []


def _failure_count(reader: InMemoryMetricReader, plugin: str) -> int:
    data = reader.get_metrics_data()
    total = 0
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name != "querela.plugin.failures":
                    continue
                for point in metric.data.data_points:
                    if point.attributes.get("plugin") == plugin:
                        total += int(point.value)
    return total
