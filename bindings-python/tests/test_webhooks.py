"""Webhooks from the sandbox's outbox, verified and parsed from the raw bytes; any change to the
signed content is rejected."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

import connector_service as cs
from conftest import Sandbox, card
from scenario_runner import tamper


def authorised_webhook(sandbox: Sandbox, config: cs.ClientConfig) -> tuple[cs.PaymentResponse, dict[str, Any]]:
    client = cs.Client(config)
    payment = client.payments.authorize(
        amount=cs.Money(4200, "EUR"),
        merchant_reference=f"wh-{uuid.uuid4()}",
        payment_method=card(),
        return_url="https://shop.example/return",
    )
    # Its own: a webhook an earlier test's payment scheduled may still come after the reset.
    found = sandbox.next_webhook("adyen", "AUTHORISATION", contains=payment.connector_transaction_id)
    assert found is not None, "the sandbox emitted no AUTHORISATION webhook"
    return payment, found


def test_verified_and_parsed_from_raw_bytes(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    payment, found = authorised_webhook(clean_sandbox, adyen_config)
    body: bytes = found["body"].encode()
    client = cs.Client(adyen_config)
    notification = client.webhooks.verify_and_parse(found["headers"], body)
    assert notification.connector is cs.ConnectorName.ADYEN
    (event,) = notification.events
    assert isinstance(event, cs.PaymentEvent)
    assert event.connector_transaction_id == payment.connector_transaction_id
    assert event.merchant_reference == payment.merchant_reference
    # An AUTHORISATION event says the authorization succeeded (Adyen reports captures apart).
    assert event.status is cs.PaymentStatus.AUTHORIZED
    assert event.amount == cs.Money(4200, "EUR")
    ack = notification.acknowledgement
    assert ack.status == 200 and ack.body
    # Any bytes-like body, and headers as (name, value) pairs, work the same.
    assert client.webhooks.verify_and_parse(list(found["headers"].items()), bytearray(body)) == notification
    assert client.webhooks.verify_and_parse(found["headers"], memoryview(body)) == notification
    # The async client and the sans-IO connector verify the same way.
    assert cs.AsyncClient(adyen_config).webhooks.verify_and_parse(found["headers"], body) == notification
    assert cs.Connector(adyen_config).webhooks.verify_and_parse(found["headers"], body) == notification


def test_a_tampered_body_is_rejected(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    _, found = authorised_webhook(clean_sandbox, adyen_config)
    client = cs.Client(adyen_config)
    with pytest.raises(cs.WebhookVerificationError) as info:
        client.webhooks.verify_and_parse(found["headers"], tamper(found["body"]))
    error = info.value
    assert error.code is cs.ErrorCode.WEBHOOK_VERIFICATION_FAILED
    assert error.connector is cs.ConnectorName.ADYEN and error.flow is cs.Flow.WEBHOOK
    # A body re-serialized by a JSON library is not the signed body either when a signed
    # value changes; and a notification signed with another key is rejected.
    data = json.loads(found["body"])
    item = data["notificationItems"][0]["NotificationRequestItem"]
    item["amount"]["value"] += 1
    with pytest.raises(cs.WebhookVerificationError):
        client.webhooks.verify_and_parse(found["headers"], json.dumps(data).encode())
    other_key = dict(clean_sandbox.credentials("adyen"), webhook_hmac_key="00" * 32)
    other = cs.Client(cs.ClientConfig.from_dict({"connector": other_key, "base_url": adyen_config.base_url}))
    with pytest.raises(cs.WebhookVerificationError):
        other.webhooks.verify_and_parse(found["headers"], found["body"].encode())


def test_the_body_must_be_bytes(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    _, found = authorised_webhook(clean_sandbox, adyen_config)
    with pytest.raises(TypeError, match="raw bytes"):
        cs.Client(adyen_config).webhooks.verify_and_parse(found["headers"], found["body"])  # type: ignore[arg-type]
