"""The exception classes: one per error code, their attributes, pickling, and real errors from
the core (configuration, validation, network, timeout) that need no sandbox."""

from __future__ import annotations

import asyncio
import pickle
import socket
from collections.abc import Iterator

import pytest

import connector_service as cs
from connector_service import _native

PAN = "4111111111111111"

EXPECTED_CLASSES = {
    "invalid_request": "InvalidRequestError",
    "authentication": "AuthenticationFailedError",
    "not_found": "NotFoundError",
    "conflict": "ConflictError",
    "rate_limited": "RateLimitedError",
    "processor_unavailable": "ProcessorUnavailableError",
    "timeout": "ProcessorTimeoutError",
    "network": "NetworkError",
    "webhook_verification_failed": "WebhookVerificationError",
    "unsupported": "UnsupportedError",
    "configuration": "InvalidConfigurationError",
    "invalid_response": "InvalidResponseError",
    "processor_error": "ProcessorError",
    "internal": "InternalError",
}

ATTRIBUTES = {
    "field": "payment_method.number",
    "connector": cs.ConnectorName.ADYEN,
    "flow": cs.Flow.AUTHORIZE,
    "http_status": 422,
    "processor_code": "101",
    "processor_message": "Invalid card number",
    "request_id": "PSP123",
    "idempotency_key": "key-1",
    "retryable": True,
}


def test_one_class_per_core_error_code() -> None:
    assert set(cs.ERRORS_BY_CODE) == set(_native.error_codes()) == set(EXPECTED_CLASSES)
    for code, name in EXPECTED_CLASSES.items():
        cls = cs.ERRORS_BY_CODE[code]
        assert cls.__name__ == name and getattr(cs, name) is cls
        assert issubclass(cls, cs.ConnectorServiceError) and issubclass(cls, Exception)
        assert cls.default_code == code
        assert cls.__doc__


def test_class_names_come_from_the_cores_naming_table_and_shadow_no_builtin() -> None:
    import builtins
    import json

    table = json.loads(_native.api_schema_json())["error_classes"]
    assert table["base"] + "Error" == cs.ConnectorServiceError.__name__
    for code, cls in cs.ERRORS_BY_CODE.items():
        # The same stem as in Node (`<stem>Error`) and Kotlin (`<stem>Exception`).
        assert cls.__name__ == table["stems"][code] + "Error"
    for cls in [cs.ConnectorServiceError, *cs.ERRORS_BY_CODE.values()]:
        assert not hasattr(builtins, cls.__name__), cls.__name__


def test_builtin_bases_where_python_has_one() -> None:
    assert issubclass(cs.ProcessorTimeoutError, TimeoutError)
    assert issubclass(cs.NetworkError, ConnectionError)
    assert issubclass(cs.InvalidRequestError, ValueError)
    assert cs.ProcessorTimeoutError is not TimeoutError
    with pytest.raises(TimeoutError):
        raise cs.ProcessorTimeoutError("no answer")


@pytest.mark.parametrize("code", sorted(EXPECTED_CLASSES))
def test_every_class_carries_every_attribute_and_pickles(code: str) -> None:
    cls = cs.ERRORS_BY_CODE[code]
    error = cls("something failed", **ATTRIBUTES)  # type: ignore[arg-type]
    assert error.code == code and error.code is cs.ErrorCode(code)
    assert error.message == "something failed"
    for name, value in ATTRIBUTES.items():
        assert getattr(error, name) == value
    assert error.args == ("something failed",)
    text = str(error)
    assert text.startswith(f"[{code}] something failed (field: payment_method.number)")
    assert "connector=adyen" in text and "flow=authorize" in text and "http_status=422" in text
    assert repr(error).startswith(f"{cls.__name__}(code='{code}', message='something failed'")
    for loaded in (pickle.loads(pickle.dumps(error, protocol=p)) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)):
        assert type(loaded) is cls
        assert loaded.to_dict() == error.to_dict()
        assert str(loaded) == str(error) and loaded.args == error.args
    info = error.info
    assert isinstance(info, cs.ErrorInfo) and info.code is cs.ErrorCode(code) and info.http_status == 422
    rebuilt = cs.error_from_dict(error.to_dict())
    assert type(rebuilt) is cls and rebuilt.to_dict() == error.to_dict()


def test_defaults_and_the_base_class() -> None:
    error = cs.NotFoundError("no such payment")
    assert error.code is cs.ErrorCode.NOT_FOUND
    assert (error.field, error.connector, error.http_status, error.request_id, error.retryable) == (
        None,
        None,
        None,
        None,
        False,
    )
    assert str(error) == "[not_found] no such payment"
    base = cs.ConnectorServiceError("x", code="conflict")
    assert base.code is cs.ErrorCode.CONFLICT
    assert type(pickle.loads(pickle.dumps(base))) is cs.ConnectorServiceError
    odd = cs.error_from_dict({"code": "from_the_future", "message": "m"})
    assert type(odd) is cs.ConnectorServiceError and "from_the_future" in str(odd)


def test_configuration_errors_are_raised_at_construction() -> None:
    with pytest.raises(cs.InvalidConfigurationError) as info:
        cs.AsyncClient(cs.AdyenConfig("key", "Merchant"), base_url="ftp://example.test")
    assert "base_url" in info.value.message
    with pytest.raises(cs.InvalidConfigurationError):
        cs.Connector(cs.AdyenConfig("key", "Merchant"), base_url="not a url")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def razorpay(base_url: str, **transport: int) -> cs.ClientConfig:
    options = cs.TransportOptions(retry=cs.RetryOptions(enabled=False), **transport)
    return cs.ClientConfig(cs.RazorpayConfig("rzp_test_key", "rzp-secret-value"), base_url=base_url, transport=options)


def authorize_request(number: str = PAN) -> cs.AuthorizeRequest:
    return cs.AuthorizeRequest(
        cs.Money(1000, "INR"),
        "order-1",
        cs.Card(number, 3, 2030, cvc="9817"),
        return_url="https://shop.example/return",
        customer=cs.Customer(email="a@example.com", phone="+919999999999"),
    )


def assert_no_secret(error: BaseException) -> None:
    for text in (str(error), repr(error), repr(getattr(error, "to_dict", dict)())):
        for secret in (PAN, "9817", "rzp-secret-value"):
            assert secret not in text, (secret, text)


def test_invalid_input_is_rejected_before_sending_without_echo() -> None:
    client = cs.Client(razorpay(f"http://127.0.0.1:{closed_port()}"))
    with pytest.raises(cs.InvalidRequestError) as info:
        client.payments.authorize(authorize_request("4111111111111112"))
    error = info.value
    assert error.field == "payment_method.number" and "Luhn" in error.message
    assert isinstance(error, ValueError)
    assert "4111111111111112" not in str(error) and "4111111111111112" not in repr(error)
    assert_no_secret(error)


def test_a_refused_connection_is_a_network_error() -> None:
    client = cs.Client(razorpay(f"http://127.0.0.1:{closed_port()}"))
    with pytest.raises(cs.NetworkError) as info:
        client.payments.authorize(authorize_request())
    error = info.value
    assert isinstance(error, ConnectionError)
    assert error.idempotency_key
    assert error.connector is cs.ConnectorName.RAZORPAY and error.flow is cs.Flow.AUTHORIZE
    assert_no_secret(error)


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def test_no_answer_is_a_processor_timeout_error(silent_server: str) -> None:
    client = cs.AsyncClient(razorpay(silent_server, timeout_ms=200))

    async def call() -> None:
        await client.payments.authorize(authorize_request())

    with pytest.raises(cs.ProcessorTimeoutError) as info:
        asyncio.run(call())
    error = info.value
    assert isinstance(error, TimeoutError) and error.code is cs.ErrorCode.TIMEOUT
    assert error.idempotency_key
    assert_no_secret(error)
    # A per-call timeout overrides the client's.
    sync = cs.Client(razorpay(silent_server, timeout_ms=60_000))
    with pytest.raises(cs.ProcessorTimeoutError):
        sync.payments.authorize(authorize_request(), options=cs.CallOptions(timeout_ms=200))


def test_a_closed_client_refuses_calls() -> None:
    client = cs.Client(razorpay("http://127.0.0.1:9"))
    with client:
        pass
    assert "closed" in repr(client)
    with pytest.raises(cs.InvalidConfigurationError, match="closed"):
        client.payments.authorize(authorize_request())
