"""The generated value types: construction, JSON form, enums, unions, Money, masking."""

from __future__ import annotations

import asyncio
import dataclasses
import decimal
import enum
import inspect
import pickle
from typing import Any

import pytest

import connector_service as cs
from connector_service import _native

PAN = "4111111111111111"


def full_request() -> cs.AuthorizeRequest:
    return cs.AuthorizeRequest(
        cs.Money(1050, "USD"),
        "order-1",
        cs.Card(PAN, 3, 2030, cvc="737", holder_name="A Shopper"),
        capture_method=cs.CaptureMethod.MANUAL,
        customer=cs.Customer(id="c-1", email="a@example.com"),
        billing_address=cs.Address(line1="1 Main St", country="US"),
        browser_info=cs.BrowserInfo(user_agent="UA", color_depth=24, java_enabled=False),
        return_url="https://shop.example/return",
        authentication_type=cs.AuthenticationType.THREE_DS,
        metadata={"orderId": "42", "Mixed-Case_key": "v"},
    )


def test_required_fields_are_positional_and_the_others_keyword_only() -> None:
    card = cs.Card(PAN, 3, 2030)
    assert (card.number, card.expiry_month, card.expiry_year, card.cvc) == (PAN, 3, 2030, None)
    with pytest.raises(TypeError):
        cs.Card(PAN, 3, 2030, "737")  # type: ignore[misc]
    with pytest.raises(TypeError):
        cs.Card(PAN, 3)  # type: ignore[call-arg]


def test_json_form_uses_snake_case_tags_and_keeps_map_keys() -> None:
    data = full_request().to_dict()
    assert data["amount"] == {"minor_units": 1050, "currency": "USD"}
    assert data["payment_method"]["type"] == "card"
    assert data["payment_method"]["number"] == PAN  # the real value goes to the core
    assert data["capture_method"] == "manual"
    assert data["authentication_type"] == "three_ds"
    assert data["metadata"] == {"orderId": "42", "Mixed-Case_key": "v"}
    assert data["browser_info"]["java_enabled"] is False


def test_round_trip_through_the_json_form() -> None:
    request = full_request()
    again = cs.AuthorizeRequest.from_dict(request.to_dict())
    assert again == request
    assert isinstance(again.payment_method, cs.Card)
    assert again.capture_method is cs.CaptureMethod.MANUAL


def test_defaults_match_the_core() -> None:
    config = cs.ClientConfig(cs.AdyenConfig("k", "M"))
    assert config.environment is cs.Environment.SANDBOX
    assert config.transport == cs.TransportOptions()
    assert config.transport.timeout_ms == 30_000
    assert config.transport.retry.max_attempts == 3
    request = cs.AuthorizeRequest(cs.Money(1, "USD"), "r", cs.Card(PAN, 1, 2030))
    assert request.capture_method is cs.CaptureMethod.AUTOMATIC
    assert request.metadata == {}
    # Mutable defaults are per instance.
    request.metadata["a"] = "b"
    assert cs.AuthorizeRequest(cs.Money(1, "USD"), "r", cs.Card(PAN, 1, 2030)).metadata == {}


def test_from_dict_gives_the_constructor_defaults_for_absent_and_null_fields() -> None:
    # `from_dict` sets the fields itself (no keyword call): what it leaves out must still be the
    # constructor's default, made per instance where the constructor makes one.
    required = {"amount": {"minor_units": 1, "currency": "USD"}, "merchant_reference": "r"}
    card = {"type": "card", "number": PAN, "expiry_month": 1, "expiry_year": 2030}
    expected = cs.AuthorizeRequest(cs.Money(1, "USD"), "r", cs.Card(PAN, 1, 2030))
    nulls = {f.name: None for f in dataclasses.fields(cs.AuthorizeRequest) if f.name not in required}
    for data in ({**required, "payment_method": card}, {**nulls, **required, "payment_method": card}):
        request = cs.AuthorizeRequest.from_dict(data)
        assert request == expected
        assert request.capture_method is cs.CaptureMethod.AUTOMATIC
        assert request.metadata == {} and request.metadata is not cs.AuthorizeRequest.from_dict(data).metadata
    config = cs.ClientConfig.from_dict({"connector": {"type": "adyen", "api_key": "k", "merchant_account": "M"}})
    assert config == cs.ClientConfig(cs.AdyenConfig("k", "M"))
    assert config.environment is cs.Environment.SANDBOX and config.transport == cs.TransportOptions()
    assert config.transport is not cs.ClientConfig.from_dict(config.to_dict()).transport
    with pytest.raises(KeyError):
        cs.AuthorizeRequest.from_dict({"merchant_reference": "r", "payment_method": card})


def test_enum_fields_convert_through_their_values() -> None:
    response = cs.PaymentResponse.from_dict({"status": "charged", "connector": "xendit", "extra": 1})
    assert response.status is cs.PaymentStatus.CHARGED and response.connector is cs.ConnectorName.XENDIT
    with pytest.raises(ValueError, match="'nope' is not a valid PaymentStatus"):
        cs.PaymentResponse.from_dict({"status": "nope", "connector": "xendit"})
    # A member or its value gives the plain value; anything else fails as the enum's call does.
    for status in (cs.PaymentStatus.VOIDED, "voided"):
        data = cs.PaymentResponse(status, "adyen").to_dict()  # type: ignore[arg-type]
        assert (data["status"], data["connector"]) == ("voided", "adyen")
        assert type(data["status"]) is str and type(data["connector"]) is str
    for wrong in ("VOIDED", cs.RefundReason.FRAUD, 3, ["voided"]):
        with pytest.raises((ValueError, TypeError)):
            cs.PaymentResponse(wrong, "adyen").to_dict()  # type: ignore[arg-type]


def test_enums_are_str_valued() -> None:
    assert issubclass(cs.PaymentStatus, enum.Enum)
    assert cs.PaymentStatus("charged") is cs.PaymentStatus.CHARGED
    assert cs.PaymentStatus.CHARGED == "charged"
    assert str(cs.PaymentStatus.AUTHENTICATION_PENDING) == "authentication_pending"
    assert cs.HttpMethod.POST.value == "POST"
    assert {s.value for s in cs.ErrorCode} == set(_native.error_codes())
    with pytest.raises(ValueError):
        cs.PaymentStatus("nope")


def test_unions_dispatch_on_their_tag() -> None:
    mandate = cs.MandateReference("m-1", usage=cs.MandateUsage.SUBSCRIPTION)
    request = cs.AuthorizeRequest(cs.Money(100, "EUR"), "r", mandate)
    data = request.to_dict()
    assert data["payment_method"] == {
        "type": "mandate",
        "mandate_id": "m-1",
        "usage": "subscription",
        "network_transaction_id": None,
        "connector_customer_id": None,
    }
    assert cs.AuthorizeRequest.from_dict(data).payment_method == mandate
    with pytest.raises(ValueError, match="unknown PaymentMethod type"):
        cs.AuthorizeRequest.from_dict({**data, "payment_method": {"type": "cash"}})
    with pytest.raises(TypeError, match="expected a PaymentMethod"):
        cs.AuthorizeRequest(cs.Money(100, "EUR"), "r", "card").to_dict()  # type: ignore[arg-type]


def test_webhook_events_are_a_union_of_classes() -> None:
    notification = cs.WebhookNotification.from_dict(
        {
            "connector": "adyen",
            "events": [
                {
                    "kind": "payment",
                    "event_type": "AUTHORISATION",
                    "connector_transaction_id": "P1",
                    "status": "charged",
                },
                {"kind": "ignored", "event_type": "REPORT_AVAILABLE"},
            ],
            "acknowledgement": {"status": 200, "content_type": "text/plain", "body": "[accepted]"},
        }
    )
    payment, ignored = notification.events
    assert isinstance(payment, cs.PaymentEvent) and payment.status is cs.PaymentStatus.CHARGED
    assert isinstance(ignored, cs.IgnoredEvent)
    match payment:
        case cs.PaymentEvent(connector_transaction_id=psp):
            assert psp == "P1"
    assert notification.to_dict()["events"][0]["kind"] == "payment"


def test_bytes_are_base64_in_json_and_hidden_in_repr() -> None:
    doc = cs.EvidenceDocument(cs.EvidenceType.RECEIPT, b"%PDF-1.4 secret", "application/pdf")
    assert doc.to_dict()["content"] == "JVBERi0xLjQgc2VjcmV0"
    assert cs.EvidenceDocument.from_dict(doc.to_dict()) == doc
    assert "secret" not in repr(doc) and "<15 bytes>" in repr(doc)
    with pytest.raises(ValueError, match="Base64"):
        cs.HttpResponse.from_dict({"status": 200, "body": "not base64!"})


def test_value_objects_pickle_and_compare() -> None:
    request = full_request()
    assert pickle.loads(pickle.dumps(request)) == request
    assert dataclasses.replace(request, merchant_reference="x") != request


def test_value_objects_behave_as_the_dataclasses_they_are() -> None:
    # The classes write their own `__init__` and share `Model.__eq__`: the behaviour of
    # `@dataclass(eq=True)` is kept.
    a, b = cs.Money(100, "EUR"), cs.Money(100, "EUR")
    assert a == b and not a != b and a != cs.Money(101, "EUR") and a != cs.Money(100, "USD")
    assert a != (100, "EUR") and a.__eq__(object()) is NotImplemented
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)
    # A default made per instance is a new object each time, and can be passed.
    first, second = cs.CheckoutConfig(secret_key="k"), cs.CheckoutConfig(secret_key="k")
    assert first.webhook_secrets == [] and first.webhook_secrets is not second.webhook_secrets
    assert cs.CheckoutConfig(secret_key="k", webhook_secrets=["w"]).webhook_secrets == ["w"]
    config = cs.ClientConfig(first)
    assert config.transport == cs.TransportOptions() and config.transport is not cs.ClientConfig(first).transport
    assert "transport: 'TransportOptions' = <factory>" in str(inspect.signature(cs.ClientConfig))
    # The dataclass API: fields, replace, asdict, positional and keyword-only parameters.
    assert [f.name for f in dataclasses.fields(cs.Money)] == ["minor_units", "currency"]
    assert dataclasses.replace(config, base_url="http://x").transport == config.transport
    assert dataclasses.asdict(a) == {"minor_units": 100, "currency": "EUR"}
    with pytest.raises(TypeError):
        cs.CheckoutConfig("k", None)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cs.CheckoutConfig()  # type: ignore[call-arg]


def test_slots_reject_unknown_attributes() -> None:
    card = cs.Card(PAN, 3, 2030)
    with pytest.raises(AttributeError):
        card.numbr = "x"  # type: ignore[attr-defined]


def test_repr_masks_cards_secrets_and_credential_headers() -> None:
    card = cs.Card(PAN, 3, 2030, cvc="9817")
    text = repr(card)
    assert text == "Card(number='411111******1111', expiry_month=3, expiry_year=2030, cvc='***')"
    assert str(card) == text
    assert PAN not in repr(full_request()) and "737" not in repr(full_request())
    adyen = cs.AdyenConfig("AQE-api-key-xyz", "Merchant", webhook_hmac_key="44782DEF", dispute_api_key="disp-key")
    razorpay = cs.RazorpayConfig("rzp_test_1", "rzp-secret", webhook_secrets=["whsec-1", "whsec-2"])
    for obj, secrets in [
        (adyen, ["AQE-api-key-xyz", "44782DEF", "disp-key"]),
        (razorpay, ["rzp-secret", "whsec-1", "whsec-2"]),
        (cs.ClientConfig(adyen), ["AQE-api-key-xyz", "44782DEF"]),
    ]:
        for s in secrets:
            assert s not in repr(obj) and s not in str(obj), (s, repr(obj))
    assert "rzp_test_1" in repr(razorpay)  # the key id is not a secret
    request = cs.HttpRequest(
        cs.HttpMethod.POST,
        "https://example.test/pay",
        {"X-API-Key": "AQE-api-key-xyz", "Authorization": "Basic cnpwOnNlY3JldA==", "Content-Type": "application/json"},
        retry_safe=False,
        body=b'{"number": "4111111111111111"}',
    )
    shown = repr(request)
    assert "AQE-api-key-xyz" not in shown and "cnpwOnNlY3JldA" not in shown and PAN not in shown
    assert "application/json" in shown and "<30 bytes>" in shown


def test_card_number_masking_keeps_at_most_six_and_four() -> None:
    assert cs.Card("370000000000002", 1, 2030).__repr__().startswith("Card(number='37000******0002'")
    assert "1234" not in repr(cs.Card("12-34", 1, 2030))  # not a card number: fully hidden


def test_money_from_major_is_exact() -> None:
    assert cs.Money.from_major("10.50", "USD") == cs.Money(1050, "USD")
    assert cs.Money.from_major("10.5", "USD").minor_units == 1050
    assert cs.Money.from_major(decimal.Decimal("19.99"), "EUR").minor_units == 1999
    assert cs.Money.from_major(decimal.Decimal("1E+1"), "USD").minor_units == 1000
    assert cs.Money.from_major("1000", "JPY").minor_units == 1000
    assert cs.Money.from_major("1.5", "KWD").minor_units == 1500
    assert cs.Money.from_major(7, "USD").minor_units == 700
    # 0.1 + 0.2 style errors cannot happen: floats are refused.
    with pytest.raises(TypeError, match="floats"):
        cs.Money.from_major(10.5, "USD")  # type: ignore[arg-type]
    for bad, currency in [("10.505", "USD"), ("1000.5", "JPY"), ("-1", "USD"), ("1e3", "USD"), ("", "USD")]:
        with pytest.raises(cs.InvalidRequestError) as info:
            cs.Money.from_major(bad, currency)
        assert info.value.field == "amount"
    with pytest.raises(cs.InvalidRequestError, match="ISO 4217"):
        cs.Money.from_major("1", "XYZ")


def test_money_to_major_and_str() -> None:
    assert cs.Money(1050, "USD").to_major() == "10.50"
    assert cs.Money(5, "USD").to_major() == "0.05"
    assert cs.Money(1500, "KWD").to_major() == "1.500"
    assert cs.Money(1000, "JPY").to_decimal() == decimal.Decimal("1000")
    assert str(cs.Money(1050, "EUR")) == "EUR 10.50"
    assert repr(cs.Money(1050, "EUR")) == "Money(minor_units=1050, currency='EUR')"


class Recorder:
    """Stands in for the native layer behind a service: records what it is asked."""

    def __init__(self, response: dict[str, Any]) -> None:
        self.calls: list[tuple[str, dict[str, Any], cs.CallOptions | None]] = []
        self.response = response

    def __call__(self, op: str, body: dict[str, Any], options: cs.CallOptions | None) -> dict[str, Any]:
        self.calls.append((op, body, options))
        return self.response

    async def async_call(self, op: str, body: dict[str, Any], options: cs.CallOptions | None) -> dict[str, Any]:
        return self(op, body, options)


PAYMENT = {"status": "authorized", "connector": "adyen", "merchant_reference": "order-1"}


def test_service_methods_take_a_request_or_keyword_arguments() -> None:
    recorder = Recorder(PAYMENT)
    payments = cs.Payments(recorder)
    request = full_request()
    by_object = payments.authorize(request)
    by_keywords = payments.authorize(
        amount=request.amount,
        merchant_reference=request.merchant_reference,
        payment_method=request.payment_method,
        capture_method=request.capture_method,
        customer=request.customer,
        billing_address=request.billing_address,
        browser_info=request.browser_info,
        return_url=request.return_url,
        authentication_type=request.authentication_type,
        metadata=request.metadata,
        options=cs.CallOptions(timeout_ms=500),
    )
    assert isinstance(by_object, cs.PaymentResponse) and by_object == by_keywords
    assert by_object.status is cs.PaymentStatus.AUTHORIZED
    (op1, body1, opt1), (op2, body2, opt2) = recorder.calls
    assert op1 == op2 == "payments.authorize"
    assert body1 == body2
    assert opt1 is None and opt2 == cs.CallOptions(timeout_ms=500)
    with pytest.raises(TypeError, match="not both"):
        payments.authorize(request, merchant_reference="x")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        payments.authorize(amount=request.amount)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="expected a AuthorizeRequest"):
        payments.authorize(cs.CaptureRequest("p", cs.Money(1, "USD")))  # type: ignore[call-overload]


def test_async_services_are_coroutines() -> None:
    recorder = Recorder({"status": "success", "connector": "razorpay", "connector_refund_id": "rfnd_1"})
    refunds = cs.AsyncRefunds(recorder.async_call)
    coro = refunds.get(connector_refund_id="rfnd_1")
    assert asyncio.iscoroutine(coro)
    refund = asyncio.run(coro)
    assert refund.status is cs.RefundStatus.SUCCESS
    assert recorder.calls == [
        (
            "refunds.get",
            {
                "connector_refund_id": "rfnd_1",
                "connector_transaction_id": None,
                "idempotency_key": None,
                "merchant_refund_reference": None,
            },
            None,
        )
    ]


def test_every_operation_has_a_method_on_both_clients() -> None:
    from connector_service._services import _OPERATIONS

    for op, _ in _OPERATIONS.values():
        service, method = op.split(".")
        for cls in (getattr(cs, f"Async{service.title()}"), getattr(cs, service.title())):
            assert callable(getattr(cls, method)), (cls, method)
