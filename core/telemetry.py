"""OpenTelemetry: a tracer provider with the configured exporter, and SQL spans.

Spans carry the tenant id (``querela.tenant_id``), never personal data.
"""

from __future__ import annotations

import threading

from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
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


def instrument_asyncpg(provider: TracerProvider) -> None:
    """Trace every SQL statement; asyncpg is patched once per process."""
    global _asyncpg_done
    with _instrumented:
        if not _asyncpg_done:
            AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
            _asyncpg_done = True
