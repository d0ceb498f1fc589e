"""The asyncio client against the sandbox: plain asyncio.run, hundreds of concurrent calls, an
event loop that keeps running while a call waits, cancellation, and the native future each call
awaits (asyncio's future protocol, the task resumed in the iteration that reads the result)."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
import uuid

import pytest

import connector_service as cs
from conftest import Sandbox, card
from connector_service import _client, _inputs, _native


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
    records: list[cs.CallRecord] = []

    async def main() -> cs.PaymentResponse:
        client = cs.AsyncClient(adyen_config, on_call=records.append)
        request = authorize_request("cancelled-1", idempotency_key="cancelled-key-1")
        task = asyncio.create_task(client.payments.authorize(request))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The call is gone, and so is the loop's watch of its socket.
        completer = _client._COMPLETERS[asyncio.get_running_loop()]
        assert len(completer) == 0 and completer.watching == 0
        # It was reported, as cancelled.
        assert [(r.outcome, r.idempotency_key) for r in records] == [("cancelled", "cancelled-key-1")]
        assert records[0].status is None and records[0].error_code is None and records[0].attempts == 1
        return await client.payments.authorize(authorize_request("after-cancel-1"))

    assert asyncio.run(main()).status is cs.PaymentStatus.CHARGED
    assert [r.outcome for r in records] == ["cancelled", "charged"]


def test_the_loop_keeps_a_calls_deadline(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 3000}}
    )

    async def main() -> tuple[float, cs.PaymentResponse]:
        loop = asyncio.get_running_loop()
        client = cs.AsyncClient(adyen_config)
        started = loop.time()
        with pytest.raises(cs.ProcessorTimeoutError):
            options = cs.CallOptions(timeout_ms=300, retry=False)
            await client.payments.authorize(authorize_request("deadline-1"), options=options)
        waited = loop.time() - started
        completer = _client._COMPLETERS[loop]
        assert len(completer) == 0 and completer.watching == 0
        clean_sandbox.reset()
        return waited, await client.payments.authorize(authorize_request("deadline-2"))

    waited, payment = asyncio.run(main())
    # At the deadline (the loop's timer), not at the answer 3 s later.
    assert 0.25 <= waited < 2, waited
    assert payment.status is cs.PaymentStatus.CHARGED


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


def start_call(client: cs.AsyncClient, reference: str) -> _native.CallFuture:
    """Starts an authorization the way `AsyncClient` does, and returns its native future."""
    loop = asyncio.get_running_loop()
    completer = _client._COMPLETERS.get(loop) or _client._completer_of(loop)
    request = _inputs.to_dict(authorize_request(reference))
    return client._require().call("payments.authorize", request, None, completer, loop)


def test_a_call_is_made_on_the_loops_thread_and_resumes_in_the_iteration_that_reads_the_answer(
    clean_sandbox: Sandbox, adyen_config: cs.ClientConfig
) -> None:
    # A callback that schedules itself again runs once per iteration of the loop: it counts them.
    async def main() -> tuple[int, list[int], int, cs.PaymentResponse]:
        loop = asyncio.get_running_loop()
        iterations = 0

        def tick() -> None:
            nonlocal iterations
            iterations += 1
            loop.call_soon(tick)

        loop.call_soon(tick)
        client = cs.AsyncClient(adyen_config)
        await client.payments.authorize(authorize_request("same-iteration-0"))  # a connection to reuse
        # Answered late enough that the loop has to watch the socket for it.
        clean_sandbox.fault(
            {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 50}}
        )
        completer = _client._COMPLETERS[loop]
        reports = completer.reports
        drained: list[int] = []

        def drain() -> None:
            drained.append(iterations)
            completer.drain()

        loop.remove_reader(completer.fileno())
        loop.add_reader(completer.fileno(), drain)
        try:
            response = await client.payments.authorize(authorize_request("same-iteration-1"))
            resumed = iterations
        finally:
            loop.remove_reader(completer.fileno())
            del _client._COMPLETERS[loop]
        assert completer.watching == 0 and len(completer) == 0
        return completer.reports - reports, drained, resumed, response

    reports, drained, resumed, payment = asyncio.run(main())
    assert payment.status is cs.PaymentStatus.CHARGED
    # No other thread took part (nothing was reported through the completer's queue), the
    # socket was watched through the completer's descriptor, and the task resumed in the
    # iteration that read the answer (an asyncio.Future would resume it one iteration later).
    assert reports == 0
    assert drained and drained[-1] == resumed


def test_the_call_future_speaks_asyncios_future_protocol(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    clean_sandbox.fault(
        {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "latency", "ms": 300}}
    )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        client = cs.AsyncClient(adyen_config)
        future = start_call(client, "protocol-1")
        assert asyncio.isfuture(future) and future.get_loop() is loop
        assert not future.done() and not future.cancelled()
        with pytest.raises(asyncio.InvalidStateError):
            future.result()
        with pytest.raises(asyncio.InvalidStateError):
            future.exception()
        calls: list[str] = []

        def first(f: _native.CallFuture) -> None:
            calls.append("first")

        def second(f: _native.CallFuture) -> None:
            assert f is future and f.done()
            calls.append("second")

        future.add_done_callback(first)
        future.add_done_callback(first)
        future.add_done_callback(second)
        assert future.remove_done_callback(first) == 2
        assert future.remove_done_callback(first) == 0
        # asyncio.wait and asyncio.shield take it as they take any future.
        done, _ = await asyncio.wait([future])
        assert done == {future}
        assert calls == ["second"]
        assert future.result()["status"] == "charged" and future.exception() is None
        assert await future == future.result()
        assert future.cancel() is False and not future.cancelled()
        # A callback added once done runs through the loop, not at once.
        future.add_done_callback(first)
        assert calls == ["second"]
        await asyncio.sleep(0)
        assert calls == ["second", "first"]

        # Cancelling: the callbacks run through the loop, the result is CancelledError.
        pending = start_call(client, "protocol-2")
        cancelled: list[bool] = []
        pending.add_done_callback(lambda f: cancelled.append(f.cancelled()))
        assert pending.cancel("stop") is True
        assert pending.cancelled() and pending.done() and cancelled == []
        with pytest.raises(asyncio.CancelledError, match="stop"):
            pending.result()
        await asyncio.sleep(0)
        assert cancelled == [True]
        _client._COMPLETERS[loop].cancel(pending.call_id)

    asyncio.run(main())


def test_a_failing_done_callback_goes_to_the_loops_handler_and_the_others_still_resolve(
    adyen_config: cs.ClientConfig,
) -> None:
    async def main() -> tuple[list[dict[str, object]], list[cs.PaymentResponse]]:
        loop = asyncio.get_running_loop()
        reported: list[dict[str, object]] = []
        loop.set_exception_handler(lambda _, context: reported.append(context))
        client = cs.AsyncClient(adyen_config)
        future = start_call(client, "bad-callback-1")

        def boom(_: object) -> None:
            raise ValueError("boom")

        future.add_done_callback(boom)
        payments = await asyncio.gather(
            *(client.payments.authorize(authorize_request(f"bad-callback-{i}")) for i in range(2, 12))
        )
        first = cs.PaymentResponse.from_dict(await future)
        return reported, [first, *payments]

    reported, payments = asyncio.run(main())
    assert [type(c["exception"]) for c in reported] == [ValueError]
    assert all(p.status is cs.PaymentStatus.CHARGED for p in payments)


def test_a_call_that_fails_raises_its_error_through_the_future(adyen_config: cs.ClientConfig) -> None:
    # Nothing listens on port 9: the call fails on the runtime, after it started.
    unreachable = dataclasses.replace(
        adyen_config, base_url="http://127.0.0.1:9", transport=cs.TransportOptions(retry=cs.RetryOptions(enabled=False))
    )

    async def main() -> BaseException | None:
        future = start_call(cs.AsyncClient(unreachable), "unreachable-1")
        with pytest.raises(_native.NativeError, match='"code":"network"'):
            await future
        assert future.done() and not future.cancelled()
        return future.exception()

    assert isinstance(asyncio.run(main()), _native.NativeError)
