"""One benchmark run of one Python client: `python clients.py CLIENT CONCURRENCY SECONDS`.

Every client makes the same Adyen authorization (`POST /v68/payments`, card, EUR 10.00)
against the sandbox given in the environment (BENCH_SANDBOX_URL, BENCH_ADYEN_API_KEY,
BENCH_ADYEN_MERCHANT) and checks that the answer is `Authorised`. A run warms up for
BENCH_WARMUP seconds, then counts calls for SECONDS. It prints one JSON line: calls, seconds,
latency percentiles, the process's peak resident memory and its CPU time per call (every
thread, over the measured calls).

The plain HTTP clients send what connector-service sends (same body and headers) and parse the
JSON answer; connector-service also builds a typed request and returns a typed response.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

URL = os.environ["BENCH_SANDBOX_URL"].rstrip("/") + "/adyen"
API_KEY = os.environ["BENCH_ADYEN_API_KEY"]
MERCHANT = os.environ["BENCH_ADYEN_MERCHANT"]
WARMUP = float(os.environ.get("BENCH_WARMUP", "0.5"))
PAYMENTS = URL + "/v68/payments"


def body(i: int) -> dict[str, Any]:
    return {
        "merchantAccount": MERCHANT,
        "amount": {"value": 1000, "currency": "EUR"},
        "reference": f"bench-{i}",
        "paymentMethod": {
            "type": "scheme",
            "number": "4111111111111111",
            "expiryMonth": "03",
            "expiryYear": "2030",
            "cvc": "737",
        },
        "returnUrl": "https://shop.example/return",
    }


def headers() -> dict[str, str]:
    return {"x-api-key": API_KEY, "content-type": "application/json", "idempotency-key": str(uuid.uuid4())}


def check(result_code: object) -> None:
    if result_code != "Authorised":
        raise SystemExit(f"unexpected answer: {result_code!r}")


# ---- the clients: each is a factory returning (call(i), close()) ----


def ours_async() -> tuple[Callable[[int], Awaitable[None]], Callable[[], Awaitable[None]]]:
    import connector_service as cs

    client = cs.AsyncClient(
        cs.ClientConfig.from_dict(
            {"connector": {"type": "adyen", "api_key": API_KEY, "merchant_account": MERCHANT}, "base_url": URL}
        )
    )
    card = cs.Card("4111111111111111", 3, 2030, cvc="737")

    async def call(i: int) -> None:
        payment = await client.payments.authorize(
            cs.AuthorizeRequest(cs.Money(1000, "EUR"), f"bench-{i}", card, return_url="https://shop.example/return")
        )
        if payment.status is not cs.PaymentStatus.CHARGED:
            raise SystemExit(f"unexpected status {payment.status}")

    async def close() -> None:
        await client.aclose()

    return call, close


def aiohttp_client() -> tuple[Callable[[int], Awaitable[None]], Callable[[], Awaitable[None]]]:
    import aiohttp

    session = aiohttp.ClientSession()

    async def call(i: int) -> None:
        async with session.post(PAYMENTS, data=json.dumps(body(i)), headers=headers()) as resp:
            check((await resp.json())["resultCode"])

    return call, session.close


def httpx_async() -> tuple[Callable[[int], Awaitable[None]], Callable[[], Awaitable[None]]]:
    import httpx

    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))

    async def call(i: int) -> None:
        resp = await client.post(PAYMENTS, content=json.dumps(body(i)), headers=headers())
        check(resp.json()["resultCode"])

    return call, client.aclose


def ours_blocking() -> tuple[Callable[[int], None], Callable[[], None]]:
    import connector_service as cs

    client = cs.Client(
        cs.ClientConfig.from_dict(
            {"connector": {"type": "adyen", "api_key": API_KEY, "merchant_account": MERCHANT}, "base_url": URL}
        )
    )
    card = cs.Card("4111111111111111", 3, 2030, cvc="737")

    def call(i: int) -> None:
        payment = client.payments.authorize(
            cs.AuthorizeRequest(cs.Money(1000, "EUR"), f"bench-{i}", card, return_url="https://shop.example/return")
        )
        if payment.status is not cs.PaymentStatus.CHARGED:
            raise SystemExit(f"unexpected status {payment.status}")

    return call, client.close


def adyen_sdk() -> tuple[Callable[[int], None], Callable[[], None]]:
    import Adyen

    adyen = Adyen.Adyen(xapikey=API_KEY, platform="test")
    # The SDK's own endpoint, pointed at the sandbox (which serves the v68 Checkout API).
    adyen.checkout.payments_api.baseUrl = URL + "/v68"

    def call(i: int) -> None:
        result = adyen.checkout.payments_api.payments(body(i), idempotency_key=str(uuid.uuid4()))
        check(result.message["resultCode"])

    return call, lambda: None


def requests_client() -> tuple[Callable[[int], None], Callable[[], None]]:
    import requests

    local = threading.local()  # a Session per thread (Session is not thread-safe)

    def call(i: int) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        resp = session.post(PAYMENTS, data=json.dumps(body(i)), headers=headers())
        check(resp.json()["resultCode"])

    return call, lambda: None


def httpx_sync() -> tuple[Callable[[int], None], Callable[[], None]]:
    import httpx

    client = httpx.Client(limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))

    def call(i: int) -> None:
        resp = client.post(PAYMENTS, content=json.dumps(body(i)), headers=headers())
        check(resp.json()["resultCode"])

    return call, client.close


ASYNC = {"ours-async": ours_async, "aiohttp": aiohttp_client, "httpx-async": httpx_async}
SYNC = {"ours-blocking": ours_blocking, "adyen-sdk": adyen_sdk, "requests": requests_client, "httpx": httpx_sync}


CPU_SECONDS: list[float] = []
"""The process's CPU time (every thread) over the measured phase."""


def percentile(sorted_ns: list[int], p: float) -> float:
    return sorted_ns[round((len(sorted_ns) - 1) * p)] / 1000.0


async def run_async(name: str, concurrency: int, seconds: float) -> list[int]:
    call, close = ASYNC[name]()
    latencies: list[int] = []
    counter = 0
    measuring = False
    deadline = time.perf_counter() + WARMUP

    async def worker() -> None:
        nonlocal counter
        while time.perf_counter() < deadline:
            counter += 1
            t = time.perf_counter_ns()
            await call(counter)
            if measuring:
                latencies.append(time.perf_counter_ns() - t)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measuring = True
    deadline = time.perf_counter() + seconds
    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    CPU_SECONDS.append(time.process_time() - cpu)
    latencies.append(-int((time.perf_counter() - start) * 1e9))  # the elapsed time, last
    await close()
    return latencies


def run_sync(name: str, concurrency: int, seconds: float) -> list[int]:
    call, close = SYNC[name]()
    latencies: list[int] = []
    lock = threading.Lock()
    state = {"counter": 0, "measuring": False, "deadline": time.perf_counter() + WARMUP}

    def worker() -> None:
        mine: list[int] = []
        while time.perf_counter() < state["deadline"]:
            with lock:
                state["counter"] += 1
                i = state["counter"]
            t = time.perf_counter_ns()
            call(i)
            mine.append(time.perf_counter_ns() - t)
        if state["measuring"]:
            with lock:
                latencies.extend(mine)

    def phase() -> None:
        if concurrency == 1:
            worker()
            return
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    phase()
    state["measuring"] = True
    state["deadline"] = time.perf_counter() + seconds
    start, cpu = time.perf_counter(), time.process_time()
    phase()
    CPU_SECONDS.append(time.process_time() - cpu)
    latencies.append(-int((time.perf_counter() - start) * 1e9))
    close()
    return latencies


def main() -> None:
    name, concurrency, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if name in ASYNC:
        latencies = asyncio.run(run_async(name, concurrency, seconds))
    else:
        latencies = run_sync(name, concurrency, seconds)
    elapsed = -latencies.pop() / 1e9
    latencies.sort()
    print(
        json.dumps(
            {
                "calls": len(latencies),
                "seconds": elapsed,
                "p50_us": percentile(latencies, 0.50),
                "p99_us": percentile(latencies, 0.99),
                "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "cpu_us_per_call": CPU_SECONDS[0] * 1e6 / len(latencies),
            }
        )
    )


if __name__ == "__main__":
    main()
