"""Wrong inputs are library errors naming the field, never echoing the value; idempotency keys
are bound to their request and can be created before a call."""

from __future__ import annotations

import asyncio
import decimal
import json
import re
import uuid
from typing import Any

import pytest

import connector_service as cs
from conftest import SCENARIOS, Sandbox, card
from connector_service import _inputs, _native

PAN = "4111111111111111"
OFFLINE = cs.AdyenConfig(api_key="k", merchant_account="M")


def offline_client() -> cs.Client:
    # Nothing listens there: every error below is raised before anything is sent.
    return cs.Client(OFFLINE, base_url="http://127.0.0.1:9")


def authorize_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "amount": cs.Money(1000, "EUR"),
        "merchant_reference": "wrong-inputs",
        "payment_method": cs.Card(PAN, 3, 2030, cvc="737"),
        "return_url": "https://shop.example/return",
    }
    fields.update(overrides)
    return fields


WRONG_VALUES = pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": {"minor_units": 1000, "currency": "EUR"}}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": "10.00"}, "amount"),
        ({"payment_method": {"type": "card", "number": PAN}}, "payment_method"),
        ({"capture_method": "sometimes"}, "capture_method"),
        ({"metadata": ["a", "b"]}, "metadata"),
        ({"customer": "bob"}, "customer"),
        ({"amount": cs.Money(decimal.Decimal("10"), "EUR")}, "amount.minor_units"),
        ({"payment_method": cs.Card(PAN, b"3", 2030)}, "payment_method.expiry_month"),  # type: ignore[arg-type]
        ({"merchant_reference": {"a"}}, "merchant_reference"),
        ({"merchant_reference": None}, "merchant_reference"),
        ({"amount": cs.Money(2**64, "EUR")}, "amount.minor_units"),
        ({"payment_method": cs.Card(PAN, 2**40, 2030)}, "payment_method.expiry_month"),
        ({"payment_method": cs.Card(PAN, 3, "2030")}, "payment_method.expiry_year"),  # type: ignore[arg-type]
    ],
)


@WRONG_VALUES
def test_wrong_values_are_invalid_request_errors_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with offline_client() as client:
        with pytest.raises(cs.InvalidRequestError) as info:
            client.payments.authorize(**authorize_fields(**overrides))
    assert info.value.field == field
    assert PAN not in str(info.value) and PAN not in repr(info.value)


@WRONG_VALUES
def test_wrong_values_on_the_sans_io_connector_name_the_field(overrides: dict[str, Any], field: str) -> None:
    # The step hands the request's dict to the native layer, which writes the JSON itself;
    # what that cannot write (a Decimal, a set, an integer beyond 64 bits) goes through
    # `json.dumps` and is reported the same way.
    connector = cs.Connector(OFFLINE)
    with pytest.raises(cs.InvalidRequestError) as info:
        connector.step(cs.AuthorizeRequest(**authorize_fields(**overrides)))
    assert info.value.field == field
    assert PAN not in str(info.value) and PAN not in repr(info.value)


def test_the_sans_io_request_crosses_exactly_with_or_without_json_dumps() -> None:
    connector = cs.Connector(OFFLINE)
    metadata = {"order": "o-1", "note": 'a "quote", a \\ and \u00e9\u20ac\U0001f600\n\t\x01'}

    def sent_metadata(metadata: dict[Any, str]) -> Any:
        step = connector.step(cs.AuthorizeRequest(**authorize_fields(metadata=metadata)), idempotency_key="k")
        assert isinstance(step, cs.Send) and step.request.body is not None
        return json.loads(step.request.body)["metadata"]

    # Written by the native layer: escapes and non-ASCII text arrive as they were.
    assert sent_metadata(metadata) == metadata
    # A key JSON can only carry as a string (an int) goes through `json.dumps`, as before.
    assert sent_metadata({**metadata, 7: "seven"}) == {**metadata, "7": "seven"}
    # A value nested without end (a caller's mistake) is an error, never a crash.
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(cs.InvalidRequestError) as info:
        connector.step(cs.AuthorizeRequest(**authorize_fields(metadata={"deep": deep})))
    assert info.value.field is not None and info.value.field.startswith("metadata.deep[0][0]")


def test_a_request_read_from_its_dict_builds_what_its_json_text_builds(sandbox: Sandbox) -> None:
    # The native layer reads a request's dict straight into the core's typed request, and
    # gives the core the JSON text when that fails (the core then names the field at fault).
    # Every request of the shared scenarios, valid or not, must build the same HTTP request
    # (or fail with the same error) either way.
    placeholder = re.compile(r"\$\{[^}]*\}")

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            return placeholder.sub("x", value)
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    def outcome(native: Any, op: str, request: dict[str, Any] | str) -> tuple[Any, ...]:
        try:
            key, (method, url, headers, body, retry_safe), _ = native.step_parts(op, request, [], "key-1")
        except _native.NativeError as e:
            return ("failed", json.loads(str(e)))
        # Fiserv signs the request with the time: its signature and timestamp differ anyway, and
        # a multipart body's boundary is random.
        if headers.get("Auth-Token-Type") == "HMAC":
            del headers["Timestamp"], headers["Authorization"]
        content_type = headers.get("Content-Type", "")
        if "boundary=" in content_type:
            boundary = content_type.split("boundary=")[1]
            headers["Content-Type"] = content_type.replace(boundary, "B")
            body = body.replace(boundary.encode(), b"B")
        return ("sent", key, method, url, headers, body, retry_safe)

    compared = 0
    for path in sorted(SCENARIOS.glob("*.json")):
        scenario = json.loads(path.read_text())
        native = cs.Connector(sandbox.client_config(scenario["connector"]))._native
        for step in scenario["steps"]:
            if "call" in step and isinstance(step.get("request"), dict):
                request = expand(step["request"])
                assert outcome(native, step["call"], request) == outcome(native, step["call"], json.dumps(request))
                compared += 1
    assert compared > 150


def test_client_requests_cross_exactly_with_or_without_json_dumps(
    adyen_config: cs.ClientConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `Client` and `AsyncClient` hand the request's dict to the native layer too; a dict only
    # `json.dumps` can write (an int key) goes through it. Adyen echoes the reference.
    reference = 'r "q" \\ \u00e9\U0001f600'
    dumped: list[bool] = []  # for each text `json.dumps` wrote: whether it was a request
    dumps = _inputs.dumps

    def counting_dumps(body: Any, *args: Any) -> str:
        dumped.append("merchant_reference" in body)
        return dumps(body, *args)

    monkeypatch.setattr(_inputs, "dumps", counting_dumps)

    def request(metadata: dict[Any, str]) -> cs.AuthorizeRequest:
        fields = authorize_fields(merchant_reference=reference, payment_method=card(), metadata=metadata)
        return cs.AuthorizeRequest(**fields)

    async def authorize_async(request: cs.AuthorizeRequest) -> cs.PaymentResponse:
        return await cs.AsyncClient(adyen_config).payments.authorize(request)

    for metadata, through_dumps in (({"order": "o-1"}, 0), ({7: "seven"}, 2)):
        dumped.clear()
        with cs.Client(adyen_config) as client:
            payment = client.payments.authorize(request(metadata))
        assert (payment.status, payment.merchant_reference) == (cs.PaymentStatus.CHARGED, reference)
        payment = asyncio.run(authorize_async(request(metadata)))
        assert (payment.status, payment.merchant_reference) == (cs.PaymentStatus.CHARGED, reference)
        assert dumped.count(True) == through_dumps


def test_answers_cross_exactly() -> None:
    # The native layer reads the core's answer into Python values itself (no `json.loads`):
    # escapes, non-ASCII text, nesting, numbers and nulls arrive as they were.
    connector = cs.Connector(OFFLINE)
    reference = 'r "q" \\ / \u00e9\u20ac\U0001f600\n\t\x01'
    processor_body = json.dumps(
        {
            "pspReference": "PSP1",
            "resultCode": "Authorised",
            "merchantReference": reference,
            "amount": {"currency": "EUR", "value": 1000},
            "additionalData": {"networkTxReference": "n-1", "nested": [1, -2.5e-3, None, True, {"k": []}]},
        }
    )
    step = connector.step(cs.AuthorizeRequest(**authorize_fields()), idempotency_key="k")
    assert isinstance(step, cs.Send)
    done = connector.step(
        cs.AuthorizeRequest(**authorize_fields()),
        [cs.HttpResponse(200, processor_body.encode(), headers={"content-type": "application/json"})],
        idempotency_key="k",
    )
    assert isinstance(done, cs.Done)
    payment = done.response
    assert (payment.status, payment.merchant_reference, payment.amount) == (
        cs.PaymentStatus.CHARGED,
        reference,
        cs.Money(1000, "EUR"),
    )
    assert payment.raw_response == processor_body
    assert (payment.connector_transaction_id, payment.network_transaction_id, payment.mandate_id) == (
        "PSP1",
        "n-1",
        None,
    )


def test_wrong_values_on_the_sans_io_connector_and_in_the_config() -> None:
    connector = cs.Connector(OFFLINE)
    bad = cs.AuthorizeRequest(**authorize_fields(amount={"minor_units": 1}))
    with pytest.raises(cs.InvalidRequestError) as info:
        connector.step(bad)
    assert info.value.field == "amount"
    with pytest.raises(cs.InvalidConfigurationError) as config_info:
        cs.Client(OFFLINE, transport=cs.TransportOptions(retry={"enabled": False}))  # type: ignore[arg-type]
    assert config_info.value.field == "transport.retry"


def test_secrets_of_the_wrong_json_type_are_never_echoed() -> None:
    with offline_client() as client:
        with pytest.raises(cs.InvalidRequestError) as info:
            client.payments.authorize(**authorize_fields(payment_method=cs.Card(PAN, 3, 2030, cvc=737)))  # type: ignore[arg-type]
        assert info.value.field == "payment_method.cvc"
        assert "737" not in str(info.value)
        with pytest.raises(cs.InvalidRequestError) as info:
            client.payments.authorize(**authorize_fields(payment_method=cs.Card(int(PAN), 3, 2030)))  # type: ignore[arg-type]
        assert info.value.field == "payment_method.number"
        assert "4111" not in str(info.value)
    with pytest.raises(cs.InvalidConfigurationError) as config_info:
        cs.Client(cs.RazorpayConfig(key_id="rzp_test_1", key_secret=98765432101))  # type: ignore[arg-type]
    assert config_info.value.field == "connector.key_secret"
    assert "98765432101" not in str(config_info.value)


def test_money_conversions_name_the_field() -> None:
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Money(2**70, "EUR").to_major()
    assert info.value.field == "minor_units"
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Money("100", "EUR").to_major()  # type: ignore[arg-type]
    assert info.value.field == "minor_units"
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Money.from_major("1.00", 978)  # type: ignore[arg-type]
    assert info.value.field == "currency"


def test_transport_limits_are_validated() -> None:
    for options in (cs.TransportOptions(max_connections=0), cs.TransportOptions(max_response_bytes=0)):
        with pytest.raises(cs.InvalidConfigurationError):
            cs.Client(OFFLINE, transport=options)
    assert cs.TransportOptions().max_connections == 64
    assert cs.TransportOptions().max_response_bytes == 8 * 1024 * 1024


def test_new_idempotency_key_is_a_fresh_uuid() -> None:
    first, second = cs.new_idempotency_key(), cs.new_idempotency_key()
    assert first != second
    assert uuid.UUID(first).version == 4


def test_a_key_reused_with_different_parameters_is_a_conflict(adyen_config: cs.ClientConfig) -> None:
    key = cs.new_idempotency_key()
    fields = authorize_fields(payment_method=card(), idempotency_key=key)
    with cs.Client(adyen_config) as client:
        first = client.payments.authorize(**fields)
        again = client.payments.authorize(**fields)
        assert again.connector_transaction_id == first.connector_transaction_id
        with pytest.raises(cs.ConflictError) as info:
            client.payments.authorize(**{**fields, "amount": cs.Money(2000, "EUR")})
        assert info.value.field == "idempotency_key"
        assert info.value.idempotency_key == key
        assert not info.value.retryable
