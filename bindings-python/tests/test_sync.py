"""The blocking client against the sandbox: the payment lifecycle, a decline, a 3-D Secure
redirect, and calls from many threads at once."""

from __future__ import annotations

import concurrent.futures
import uuid

import connector_service as cs
from conftest import Sandbox, card
from scenario_runner import follow_redirect


def test_manual_capture_lifecycle(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    with cs.Client(adyen_config) as client:
        payment = client.payments.authorize(
            amount=cs.Money.from_major("25.00", "EUR"),
            merchant_reference=f"order-{uuid.uuid4()}",
            payment_method=card(holder_name="A Shopper"),
            capture_method=cs.CaptureMethod.MANUAL,
            return_url="https://shop.example/return",
        )
        assert payment.status is cs.PaymentStatus.AUTHORIZED
        assert payment.connector_transaction_id
        psp = payment.connector_transaction_id

        captured = client.payments.capture(
            connector_transaction_id=psp, amount=cs.Money(2000, "EUR"), authorized_amount=cs.Money(2500, "EUR")
        )
        assert captured.status in (cs.PaymentStatus.PENDING, cs.PaymentStatus.CHARGED, cs.PaymentStatus.PARTIAL_CHARGED)

        refund = client.payments.refund(
            cs.RefundRequest(psp, cs.Money(500, "EUR"), reason=cs.RefundReason.CUSTOMER_REQUEST)
        )
        assert isinstance(refund, cs.RefundResponse)
        assert refund.status in (cs.RefundStatus.PENDING, cs.RefundStatus.SUCCESS)
        assert refund.connector_refund_id

        # The outcome of the asynchronous steps arrives by webhook.
        found = clean_sandbox.next_webhook("adyen", "REFUND", contains=refund.connector_refund_id)
        assert found is not None
        notification = client.webhooks.verify_and_parse(found["headers"], found["body"].encode())
        (event,) = notification.events
        assert isinstance(event, cs.RefundEvent)
        assert event.connector_transaction_id == psp and event.status is cs.RefundStatus.SUCCESS


def test_a_decline_is_a_result(adyen_config: cs.ClientConfig) -> None:
    client = cs.Client(adyen_config)
    payment = client.payments.authorize(
        amount=cs.Money(1500, "EUR"),
        merchant_reference="declined-1",
        payment_method=card(holder_name="DECLINED"),
        return_url="https://shop.example/return",
    )
    assert payment.status is cs.PaymentStatus.FAILURE
    assert payment.decline is not None and payment.decline.code == "2"


def test_three_ds_redirect(adyen_config: cs.ClientConfig) -> None:
    client = cs.Client(adyen_config)
    payment = client.payments.authorize(
        amount=cs.Money(3000, "EUR"),
        merchant_reference="3ds-1",
        payment_method=cs.Card("4212345678910006", 3, 2030, cvc="737"),
        authentication_type=cs.AuthenticationType.THREE_DS,
        return_url="https://shop.example/return",
        browser_info=cs.BrowserInfo(user_agent="Mozilla/5.0", accept_header="text/html"),
    )
    assert payment.status is cs.PaymentStatus.AUTHENTICATION_PENDING
    action = payment.next_action
    assert isinstance(action, cs.RedirectAction)
    redirect_result = follow_redirect(action.url, {"password": "password"})
    final = client.payments.get(redirect_result=redirect_result)
    assert final.status is cs.PaymentStatus.CHARGED


def test_calls_from_many_threads(adyen_config: cs.ClientConfig) -> None:
    client = cs.Client(adyen_config)

    def pay(i: int) -> cs.PaymentResponse:
        return client.payments.authorize(
            amount=cs.Money(100 + i, "EUR"),
            merchant_reference=f"thread-{i}",
            payment_method=card(),
            return_url="https://shop.example/return",
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        payments = list(pool.map(pay, range(48)))
    assert [p.merchant_reference for p in payments] == [f"thread-{i}" for i in range(48)]
    assert all(p.status is cs.PaymentStatus.CHARGED for p in payments)
    assert [p.amount for p in payments] == [cs.Money(100 + i, "EUR") for i in range(48)]


def test_sync_and_async_clients_share_one_runtime(adyen_config: cs.ClientConfig) -> None:
    import asyncio
    import os

    from connector_service import _native

    cs.Client(adyen_config).payments.authorize(
        amount=cs.Money(100, "EUR"), merchant_reference="rt-1", payment_method=card(), return_url="https://s.example/r"
    )
    assert _native.runtime_pid() == os.getpid()
    asyncio.run(
        cs.AsyncClient(adyen_config).payments.authorize(
            amount=cs.Money(100, "EUR"),
            merchant_reference="rt-2",
            payment_method=card(),
            return_url="https://s.example/r",
        )
    )
    assert _native.runtime_pid() == os.getpid()


def test_ctrl_c_cancels_a_blocking_call(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    import _thread
    import threading

    import pytest

    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 10_000}}
    )
    client = cs.Client(adyen_config)
    returned: list[cs.PaymentResponse] = []
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        returned.append(
            client.payments.authorize(
                amount=cs.Money(100, "EUR"),
                merchant_reference="ctrl-c",
                payment_method=card(),
                return_url="https://s.example/r",
            )
        )
    timer.join()
    # The call itself was interrupted: it never returned a payment.
    assert returned == []
    clean_sandbox.reset()
    assert (
        client.payments.authorize(
            amount=cs.Money(100, "EUR"),
            merchant_reference="after-ctrl-c",
            payment_method=card(),
            return_url="https://s.example/r",
        ).status
        is cs.PaymentStatus.CHARGED
    )
