"""Observability: the `on_call` hook (fields present, secrets absent, a raising hook never
breaks the call) and the bridge of the core's logs into `logging` (no secret at TRACE)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid

import pytest

import connector_service as cs
from conftest import Sandbox

PAN = "4111111111111111"
CVC = "737"


def authorize_args(holder: str = "A Shopper") -> dict[str, object]:
    return {
        "amount": cs.Money(1000, "EUR"),
        "merchant_reference": f"observe-{uuid.uuid4()}",
        "payment_method": cs.Card(PAN, 3, 2030, cvc=CVC, holder_name=holder),
        "return_url": "https://shop.example/return",
    }


def secrets_of(sandbox: Sandbox) -> list[str]:
    return [PAN, sandbox.credentials("adyen")["api_key"]]


def assert_no_secret(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} in {text}"
    for labelled in (f"'{CVC}'", f'"{CVC}"', f"={CVC}", f": {CVC}"):
        assert labelled not in text, f"CVC in {text}"


def test_the_hook_gets_a_typed_record_of_every_call(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    records: list[cs.CallRecord] = []
    with cs.Client(adyen_config, on_call=records.append) as client:
        payment = client.payments.authorize(**authorize_args(), idempotency_key="py-observe-1")  # type: ignore[arg-type]
        declined = client.payments.authorize(**authorize_args(holder="DECLINED"))  # type: ignore[arg-type]
        assert declined.status is cs.PaymentStatus.FAILURE
        with pytest.raises(cs.InvalidRequestError):
            client.payments.capture(connector_transaction_id="x", amount=cs.Money(-5, "EUR"))

    assert len(records) == 3
    ok, decline, invalid = records
    assert isinstance(ok, cs.CallRecord)
    assert ok.connector is cs.ConnectorName.ADYEN
    assert ok.operation == "payments.authorize"
    assert ok.flow is cs.Flow.AUTHORIZE
    assert ok.outcome == payment.status.value == ok.status
    assert ok.error_code is None
    assert ok.http_status == 200
    assert ok.attempts == 1
    assert ok.latency_us > 0
    assert ok.idempotency_key == "py-observe-1"
    assert ok.request_id == payment.request_id

    assert decline.outcome == "failure"
    assert decline.idempotency_key

    assert invalid.operation == "payments.capture"
    assert invalid.error_code is cs.ErrorCode.INVALID_REQUEST
    assert invalid.outcome == "invalid_request"
    assert invalid.attempts == 0
    assert invalid.http_status is None

    secrets = secrets_of(clean_sandbox)
    for record in records:
        assert_no_secret(repr(record), [*secrets, "A Shopper"])
        assert_no_secret(str(dataclasses.asdict(record)), [*secrets, "A Shopper"])


def test_the_hook_sees_errors_with_their_http_status(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    records: list[cs.CallRecord] = []
    bad = dataclasses.replace(
        adyen_config, connector=dataclasses.replace(adyen_config.connector, api_key="wrong-key-value")  # type: ignore[call-arg]
    )
    with cs.Client(bad, on_call=records.append) as client:
        with pytest.raises(cs.AuthenticationFailedError) as raised:
            client.payments.authorize(**authorize_args())  # type: ignore[arg-type]
    (record,) = records
    assert record.error_code is cs.ErrorCode.AUTHENTICATION
    assert record.outcome == "authentication"
    assert record.http_status == 401
    assert record.attempts == 1
    assert record.idempotency_key == raised.value.idempotency_key
    assert_no_secret(repr(record), [*secrets_of(clean_sandbox), "wrong-key-value"])


def test_the_async_client_calls_the_hook_too(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    records: list[cs.CallRecord] = []

    async def main() -> None:
        async with cs.AsyncClient(adyen_config, on_call=records.append) as client:
            await asyncio.gather(*(client.payments.authorize(**authorize_args()) for _ in range(5)))  # type: ignore[arg-type]

    asyncio.run(main())
    assert len(records) == 5
    assert {r.operation for r in records} == {"payments.authorize"}
    assert len({r.idempotency_key for r in records}) == 5


def test_a_raising_hook_is_logged_and_the_call_succeeds(
    clean_sandbox: Sandbox, adyen_config: cs.ClientConfig, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(record: cs.CallRecord) -> None:
        raise RuntimeError("hook bug")

    with caplog.at_level(logging.ERROR, logger="connector_service"):
        with cs.Client(adyen_config, on_call=broken) as client:
            payment = client.payments.authorize(**authorize_args())  # type: ignore[arg-type]
    assert payment.connector_transaction_id
    assert any("on_call hook raised" in r.getMessage() for r in caplog.records)


def test_a_non_callable_hook_is_refused(adyen_config: cs.ClientConfig) -> None:
    with pytest.raises(TypeError):
        cs.Client(adyen_config, on_call=42)  # type: ignore[arg-type]


def test_core_logs_reach_logging_without_secrets(
    clean_sandbox: Sandbox, adyen_config: cs.ClientConfig, caplog: pytest.LogCaptureFixture
) -> None:
    cs.set_log_level(cs.TRACE)
    try:
        with caplog.at_level(cs.TRACE, logger="connector_service"):
            with cs.Client(adyen_config) as client:
                client.payments.authorize(**authorize_args(), capture_method=cs.CaptureMethod.MANUAL)  # type: ignore[arg-type]
    finally:
        cs.set_log_level(logging.INFO)
    records = [r for r in caplog.records if r.name == "connector_service"]
    messages = [r.getMessage() for r in records]
    assert any(m.startswith("sending request") for m in messages), messages
    assert any(m.startswith("request body") for m in messages), messages
    trace = [r for r in records if r.levelno == cs.TRACE]
    assert trace and all(r.levelname == "TRACE" for r in trace)
    sending = next(r for r in records if r.getMessage().startswith("sending request"))
    assert sending.levelno == logging.DEBUG
    fields = sending.rust_fields
    assert fields["connector"] == "adyen"
    assert fields["operation"] == "payments.authorize"
    assert fields["idempotency_key"]
    assert sending.rust_target.startswith("connector_service")
    secrets = secrets_of(clean_sandbox)
    for record in records:
        assert_no_secret(record.getMessage(), secrets)
        assert_no_secret(str(record.rust_fields), secrets)


def test_set_log_level_rejects_a_bad_filter() -> None:
    with pytest.raises(cs.InvalidConfigurationError):
        cs.set_log_level("connector_service=[[[")
