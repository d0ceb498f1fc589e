"""The asyncio client against the sandbox: plain asyncio.run, hundreds of concurrent calls, an
event loop that keeps running while a call waits, cancellation."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid

import pytest

import connector_service as cs
from conftest import Sandbox, card


def authorize_request(reference: str, **kwargs: object) -> cs.AuthorizeRequest:
    return cs.AuthorizeRequest(
        cs.Money(1000, "EUR"),
        reference,
        card(),
        return_url="https://shop.example/return",
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_package_imports_asyncio_only_when_an_async_client_calls() -> None:
    # asyncio was most of `import connector_service`'s time; `Client` users never need it.
    code = "import sys, connector_service; print('asyncio' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"


def test_plain_asyncio_run(adyen_config: cs.ClientConfig) -> None:
    client = cs.AsyncClient(adyen_config)
    payment = asyncio.run(
        client.payments.authorize(
            amount=cs.Money(1000, "USD"),
            merchant_reference="o-1",
            payment_method=card(),
            return_url="https://shop.example/return",
        )
    )
    assert isinstance(payment, cs.PaymentResponse)
    assert payment.status is cs.PaymentStatus.CHARGED
    assert payment.connector is cs.ConnectorName.ADYEN
    assert payment.amount == cs.Money(1000, "USD")
    assert payment.connector_transaction_id and payment.idempotency_key
    # The same client works again under a new event loop.
    again = asyncio.run(client.payments.authorize(authorize_request("o-2")))
    assert again.status is cs.PaymentStatus.CHARGED
    assert again.connector_transaction_id != payment.connector_transaction_id


def test_two_hundred_concurrent_authorizations(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    references = [f"gather-{i}-{uuid.uuid4()}" for i in range(200)]

    async def main() -> list[cs.PaymentResponse]:
        async with cs.AsyncClient(adyen_config) as client:
            return await asyncio.gather(*(client.payments.authorize(authorize_request(r)) for r in references))

    payments = asyncio.run(main())
    assert len(payments) == 200
    assert [p.merchant_reference for p in payments] == references
    assert all(p.status is cs.PaymentStatus.CHARGED for p in payments)
    assert len({p.connector_transaction_id for p in payments}) == 200
    assert len({p.idempotency_key for p in payments}) == 200
    assert clean_sandbox.requests("adyen")["by_path"]["POST /v68/payments"] == 200


def test_the_event_loop_keeps_running_while_a_call_waits(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 1500}}
    )

    async def main() -> tuple[cs.PaymentResponse, int, int]:
        client = cs.AsyncClient(adyen_config)
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0)  # let the ticker start
        before = ticks
        payment = await client.payments.authorize(authorize_request("slow-1"))
        during = ticks - before
        done.set()
        await ticking
        return payment, before, during

    payment, before, during = asyncio.run(main())
    assert payment.status is cs.PaymentStatus.CHARGED
    assert before == 1
    # A blocked loop would not have ticked at all while the call waited; a running one ticks
    # every 10 ms of the 1.5 s latency.
    assert during >= 20, during


def test_cancelling_a_call_leaves_the_client_usable(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 2000}}
    )

    async def main() -> cs.PaymentResponse:
        client = cs.AsyncClient(adyen_config)
        task = asyncio.create_task(client.payments.authorize(authorize_request("cancelled-1")))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await client.payments.authorize(authorize_request("after-cancel-1"))

    assert asyncio.run(main()).status is cs.PaymentStatus.CHARGED


def test_wait_for_timeout_cancels_the_call(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 2000}}
    )

    async def main() -> None:
        client = cs.AsyncClient(adyen_config)
        await asyncio.wait_for(client.payments.authorize(authorize_request("wait-for-1")), timeout=0.2)

    with pytest.raises(TimeoutError):
        asyncio.run(main())


def test_errors_arrive_as_typed_exceptions(adyen_config: cs.ClientConfig) -> None:
    async def main() -> None:
        client = cs.AsyncClient(adyen_config)
        await client.refunds.get(connector_refund_id="")

    with pytest.raises(cs.ConnectorServiceError) as info:
        asyncio.run(main())
    assert type(info.value) is cs.ERRORS_BY_CODE[info.value.code.value]
