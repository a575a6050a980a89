"""OpenTelemetry: a tracer provider with the configured exporter, and SQL spans.

Spans carry the tenant id (``querela.tenant_id``), never personal data.
"""

from __future__ import annotations

import threading

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

from core.settings import ExporterName

_instrumented = threading.Lock()
_asyncpg_done = False


def build_tracer_provider(
    exporter_name: ExporterName, *, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Return a provider exporting to ``exporter`` if given, else to the named one."""
    provider = TracerProvider(resource=Resource.create({"service.name": "querela"}))
    if exporter is not None:
        # Given exporters are the tests' in-memory ones: export synchronously.
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif exporter_name == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Endpoint and headers come from the standard OTEL_EXPORTER_OTLP_* variables.
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def build_meter_provider(exporter_name: ExporterName) -> MeterProvider:
    """Return a meter provider exporting to the named exporter (none keeps metrics in-process)."""
    readers: list[MetricReader] = []
    if exporter_name == "console":
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    elif exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    return MeterProvider(
        metric_readers=readers, resource=Resource.create({"service.name": "querela"})
    )


def install_globally(tracer: TracerProvider, meter: MeterProvider | None = None) -> None:
    """Make these the process's providers, unless some were installed before.

    Code that is not handed a provider (the plugin host, libraries) uses the
    global ones; the first application built in a process sets them.
    """
    with _instrumented:
        if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
            trace.set_tracer_provider(tracer)
        if meter is not None and isinstance(
            metrics.get_meter_provider(), metrics._internal._ProxyMeterProvider
        ):
            metrics.set_meter_provider(meter)


def instrument_asyncpg(provider: TracerProvider) -> None:
    """Trace every SQL statement; asyncpg is patched once per process."""
    global _asyncpg_done
    with _instrumented:
        if not _asyncpg_done:
            AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
            _asyncpg_done = True
