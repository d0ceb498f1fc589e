"""Prometheus metrics for every connector-service call, with prometheus_client.

    pip install -r examples/python/observability/requirements.txt
    python examples/python/observability/prometheus_metrics.py [--serve PORT]

The client's `on_call` hook receives a `CallRecord` per call; this example turns it into a
counter of calls (by connector, operation and outcome) and a latency histogram, prints the
exposition text, and with `--serve` keeps serving it on http://localhost:PORT/metrics.
"""

from __future__ import annotations

import argparse
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server

from connector_service import Card, CallRecord, Client, ConnectorServiceError, Money

from _sandbox import sandbox_config

registry = CollectorRegistry()
CALLS = Counter(
    "connector_calls",
    "Calls to payment processors, by outcome (a response status or an error code).",
    ["connector", "operation", "outcome"],
    registry=registry,
)
LATENCY = Histogram(
    "connector_call_duration_seconds",
    "Duration of calls to payment processors, retries included.",
    ["connector", "operation"],
    registry=registry,
)
ATTEMPTS = Counter(
    "connector_http_attempts",
    "HTTP requests sent to payment processors (retries included).",
    ["connector", "operation"],
    registry=registry,
)


def record_call(record: CallRecord) -> None:
    """The hook: runs on the core's thread when a call finishes; quick, never raises."""
    connector = record.connector.value
    CALLS.labels(connector, record.operation, record.outcome).inc()
    LATENCY.labels(connector, record.operation).observe(record.latency_us / 1_000_000)
    ATTEMPTS.labels(connector, record.operation).inc(record.attempts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help="serve /metrics on this port until interrupted")
    args = parser.parse_args()
    with sandbox_config() as config, Client(config, on_call=record_call) as client:
        for holder in ("Ada Lovelace", "Grace Hopper", "DECLINED"):
            client.payments.authorize(
                amount=Money(1000, "EUR"),
                merchant_reference=f"order-{uuid.uuid4()}",
                payment_method=Card("4111111111111111", 3, 2030, cvc="737", holder_name=holder),
                return_url="https://shop.example/return",
            )
        try:
            client.payments.capture(connector_transaction_id="unknown", amount=Money(-1, "EUR"))
        except ConnectorServiceError as e:
            print("an error, counted too:", e.code)
        print(generate_latest(registry).decode())
        if args.serve:
            start_http_server(args.serve, registry=registry)
            print(f"serving http://localhost:{args.serve}/metrics (Ctrl-C to stop)")
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
