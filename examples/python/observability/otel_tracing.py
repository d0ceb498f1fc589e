"""OpenTelemetry spans for every connector-service call, with the OpenTelemetry SDK.

    pip install -r examples/python/observability/requirements.txt
    python examples/python/observability/otel_tracing.py

The client's `on_call` hook receives a `CallRecord` when a call finishes; this example
creates one span per call, backdated to the call's start (its latency), with the record's
fields as attributes. The hook runs on the core's thread, outside the caller's context: to
make the span a child of the caller's span, the caller passes its own idempotency key and
remembers its context under that key. Spans go to the console here; swap the exporter for
an OTLP one (opentelemetry-exporter-otlp) to send them to a collector.
"""

from __future__ import annotations

import time
import uuid

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from connector_service import Card, CallRecord, Client, Money

from _sandbox import sandbox_config

provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("connector-service-example")

# The caller's context of each call in progress, by idempotency key.
parents: dict[str, otel_context.Context] = {}


def call_key() -> str:
    """A fresh idempotency key for a call, remembering the caller's tracing context."""
    key = str(uuid.uuid4())
    parents[key] = otel_context.get_current()
    return key


def span_of_call(record: CallRecord) -> None:
    """The hook: one client span per call, with the record's fields (never a secret)."""
    end = time.time_ns()
    span = tracer.start_span(
        f"{record.connector.value} {record.operation}",
        kind=SpanKind.CLIENT,
        context=parents.pop(record.idempotency_key, None),
        start_time=end - record.latency_us * 1000,
        attributes={
            "payment.connector": record.connector.value,
            "payment.operation": record.operation,
            "payment.outcome": record.outcome,
            "payment.attempts": record.attempts,
            "payment.idempotency_key": record.idempotency_key,
            **({"http.response.status_code": record.http_status} if record.http_status is not None else {}),
            **({"payment.request_id": record.request_id} if record.request_id else {}),
        },
    )
    if record.error_code is not None:
        span.set_status(Status(StatusCode.ERROR, record.error_code.value))
    span.end(end_time=end)


def main() -> None:
    with sandbox_config() as config, Client(config, on_call=span_of_call) as client:
        with tracer.start_as_current_span("checkout"):
            payment = client.payments.authorize(
                amount=Money(1000, "EUR"),
                merchant_reference=f"order-{uuid.uuid4()}",
                payment_method=Card("4111111111111111", 3, 2030, cvc="737"),
                return_url="https://shop.example/return",
                idempotency_key=call_key(),
            )
            print("authorize:", payment.status.value)
    provider.shutdown()


if __name__ == "__main__":
    main()
