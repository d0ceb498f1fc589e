"""A payment lifecycle with connector-service from Python, against the local sandbox.

    python examples/python/lifecycle.py

Starts the sandbox itself: the `connector-sandbox` command of the connector-service-sandbox
package when it is installed beside this Python (`pip install connector-service-sandbox`, no
Rust needed), else target/debug/connector-sandbox (`cargo build -p connector-sandbox`); or uses
the sandbox at $CONNECTOR_SANDBOX_URL when set. No credentials needed: the sandbox
publishes the ones it accepts. Shows: authorize with manual capture, capture, refund, the
refund's webhook (verified from the raw bytes), a decline (a result, not an exception), a
3-D Secure redirect, and an error.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import pathlib
import subprocess
import sysconfig
import threading
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from connector_service import (
    AsyncClient,
    AuthenticationType,
    BrowserInfo,
    CaptureMethod,
    Card,
    ClientConfig,
    ConnectorServiceError,
    Money,
    PaymentStatus,
    RedirectAction,
    RefundEvent,
)

REPO = pathlib.Path(__file__).resolve().parents[2]


@contextmanager
def sandbox() -> Iterator[str]:
    """The sandbox's URL: $CONNECTOR_SANDBOX_URL, or a sandbox started for this run."""
    if url := os.environ.get("CONNECTOR_SANDBOX_URL"):
        yield url.rstrip("/")
        return
    installed = pathlib.Path(sysconfig.get_path("scripts")) / "connector-sandbox"
    default = installed if installed.exists() else REPO / "target" / "debug" / "connector-sandbox"
    binary = os.environ.get("CONNECTOR_SANDBOX_BIN", str(default))
    proc = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "connector-sandbox listening on http://HOST:PORT"
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield first.strip().rsplit(" ", 1)[-1]
    finally:
        proc.terminate()
        proc.wait()


def control(base: str, method: str, path: str, body: Any = None) -> Any:
    """The sandbox's control API (test helpers, not part of connector-service)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def shopper_completes_3ds(url: str) -> dict[str, str]:
    """What a shopper's browser does on the 3-D Secure page: post the form, follow back."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80)
    conn.request("POST", parts.path, "password=password", {"Content-Type": "application/x-www-form-urlencoded"})
    location = conn.getresponse().getheader("Location") or ""
    conn.close()
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


async def lifecycle(base: str) -> None:
    credentials = control(base, "GET", "/_sandbox/credentials")["adyen"]
    client = AsyncClient(ClientConfig.from_dict({"connector": credentials, "base_url": f"{base}/adyen"}))
    print(client)  # secrets never show: AsyncClient(connector='adyen', environment='sandbox', ...)

    card = Card("4111111111111111", 3, 2030, cvc="737", holder_name="Ada Lovelace")
    print(card)  # Card(number='411111******1111', expiry_month=3, expiry_year=2030, cvc='***', ...)

    # 1. Authorize EUR 25.00, capture later.
    payment = await client.payments.authorize(
        amount=Money.from_major("25.00", "EUR"),
        merchant_reference=f"order-{uuid.uuid4()}",
        payment_method=card,
        capture_method=CaptureMethod.MANUAL,
        return_url="https://shop.example/return",
    )
    print("authorize:", payment.status, payment.connector_transaction_id)
    assert payment.status is PaymentStatus.AUTHORIZED and payment.connector_transaction_id
    psp = payment.connector_transaction_id

    # 2. Capture it, then refund part of it.
    captured = await client.payments.capture(connector_transaction_id=psp, amount=Money(2500, "EUR"))
    print("capture:", captured.status)
    refund = await client.payments.refund(connector_transaction_id=psp, amount=Money(1000, "EUR"))
    print("refund:", refund.status, refund.connector_refund_id)

    # 3. The refund's outcome arrives by webhook: verify the raw bytes, then parse.
    webhook = control(base, "POST", "/_sandbox/webhooks/next", {"processor": "adyen", "event": "REFUND"})
    notification = client.webhooks.verify_and_parse(webhook["headers"], webhook["body"].encode())
    for event in notification.events:
        if isinstance(event, RefundEvent):
            print("webhook: refund", event.connector_refund_id, event.status)
    print("answer the processor with:", notification.acknowledgement.status, notification.acknowledgement.body)

    # 4. A decline is a result with the processor's reason, not an exception.
    declined = await client.payments.authorize(
        amount=Money(1500, "EUR"),
        merchant_reference=f"order-{uuid.uuid4()}",
        payment_method=Card("4111111111111111", 3, 2030, cvc="737", holder_name="DECLINED"),
        return_url="https://shop.example/return",
    )
    print("decline:", declined.status, declined.decline)

    # 5. 3-D Secure: the shopper is redirected, then the payment is looked up with the result.
    pending = await client.payments.authorize(
        amount=Money(3000, "EUR"),
        merchant_reference=f"order-{uuid.uuid4()}",
        payment_method=Card("4212345678910006", 3, 2030, cvc="737"),
        authentication_type=AuthenticationType.THREE_DS,
        return_url="https://shop.example/return",
        browser_info=BrowserInfo(user_agent="Mozilla/5.0", accept_header="text/html"),
    )
    print("3-D Secure:", pending.status)
    if isinstance(pending.next_action, RedirectAction):
        redirect_result = shopper_completes_3ds(pending.next_action.url)
        final = await client.payments.get(redirect_result=redirect_result)
        print("after the challenge:", final.status)

    # 6. Calls that cannot be processed raise a typed exception.
    try:
        await client.payments.capture(connector_transaction_id=psp, amount=Money(-1, "EUR"))
    except ConnectorServiceError as e:
        print("error:", type(e).__name__, e.code, e.field)

    # 7. Many calls at once share the connection pool and never block the event loop.
    many = await asyncio.gather(
        *(
            client.payments.authorize(
                amount=Money(100 + i, "EUR"),
                merchant_reference=f"batch-{i}",
                payment_method=card,
                return_url="https://shop.example/return",
            )
            for i in range(20)
        )
    )
    print("20 concurrent authorizations:", sorted({p.status.value for p in many}))


def main() -> None:
    with sandbox() as base:
        asyncio.run(lifecycle(base))


if __name__ == "__main__":
    main()
