"""No secret (API key, HMAC key, card number, CVC) in the repr or str of any object or exception
the package hands out, across a real lifecycle against the sandbox."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import connector_service as cs
from conftest import Sandbox
from scenario_runner import tamper

PAN = "4111111111111111"
CVC = "737"


def secrets_of(sandbox: Sandbox) -> list[str]:
    creds = sandbox.credentials("adyen")
    values = [PAN, creds["api_key"]]
    for key in ("webhook_hmac_key", "dispute_api_key"):
        if creds.get(key):
            values.append(creds[key])
    return values


def assert_clean(obj: Any, secrets: list[str]) -> None:
    for text in (repr(obj), str(obj)):
        for secret in secrets:
            assert secret not in text, f"{secret!r} shown by {type(obj).__name__}: {text}"
        # The CVC is short: check it only where it is labelled.
        assert f"cvc='{CVC}'" not in text


def test_nothing_secret_is_ever_rendered(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    secrets = secrets_of(clean_sandbox)
    card = cs.Card(PAN, 3, 2030, cvc=CVC, holder_name="A Shopper")
    request = cs.AuthorizeRequest(
        cs.Money(1000, "EUR"),
        f"secrets-{uuid.uuid4()}",
        card,
        capture_method=cs.CaptureMethod.MANUAL,
        return_url="https://shop.example/return",
    )
    client = cs.Client(adyen_config)
    async_client = cs.AsyncClient(adyen_config)
    connector = cs.Connector(adyen_config)
    objects: list[Any] = [
        card,
        request,
        adyen_config,
        adyen_config.connector,
        client,
        async_client,
        connector,
        client.payments,
        client.webhooks,
        async_client.payments,
    ]

    payment = client.payments.authorize(request)
    objects.append(payment)
    step = connector.step(request)
    assert isinstance(step, cs.Send)
    objects += [step, step.request]
    objects.append(asyncio.run(async_client.payments.authorize(request)))

    webhook = clean_sandbox.next_webhook("adyen", "AUTHORISATION", contains=payment.connector_transaction_id)
    assert webhook is not None
    objects.append(client.webhooks.verify_and_parse(webhook["headers"], webhook["body"].encode()))
    with pytest.raises(cs.WebhookVerificationError) as bad_signature:
        client.webhooks.verify_and_parse(webhook["headers"], tamper(webhook["body"]))
    objects.append(bad_signature.value)

    with pytest.raises(cs.InvalidRequestError) as invalid:
        client.payments.authorize(
            cs.AuthorizeRequest(cs.Money(1, "EUR"), "x", cs.Card("4111111111111112", 3, 2030, cvc=CVC))
        )
    objects.append(invalid.value)
    secrets.append("4111111111111112")

    wrong_key = "wrong-api-key-0123456789"
    with pytest.raises(cs.AuthenticationFailedError) as auth:
        cs.Client(clean_sandbox.client_config("adyen", api_key=wrong_key)).payments.authorize(request)
    objects.append(auth.value)
    secrets.append(wrong_key)

    for obj in objects:
        assert_clean(obj, secrets)
    for error in (bad_signature.value, invalid.value, auth.value):
        assert_clean(error.to_dict(), secrets)
        assert_clean(error.args, secrets)
