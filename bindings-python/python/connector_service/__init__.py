"""connector-service: payment processors (Adyen, Razorpay, ...) from Python.

One Rust core speaks to every processor; this package is its native binding (no service in
between). Use `AsyncClient` under asyncio or `Client` in blocking code:

```python
import asyncio
from connector_service import AdyenConfig, AsyncClient, Card, Money

async def main() -> None:
    client = AsyncClient(AdyenConfig(api_key="...", merchant_account="..."))
    payment = await client.payments.authorize(
        amount=Money(1000, "USD"),
        merchant_reference="order-1",
        payment_method=Card("4111111111111111", 3, 2030, cvc="737"),
    )
    print(payment.status)

asyncio.run(main())
```

Amounts are `Money` (integer minor units and an ISO 4217 currency). A decline is a response
whose `status` is `failure`; calls that could not be processed raise a subclass of
`ConnectorServiceError`. `Connector` gives the same flows sans-IO, for your own HTTP client.
"""

from . import _errors, _types
from ._client import AsyncClient, Client, Headers, Webhooks
from ._connector import Connector
from ._errors import *  # noqa: F403
from ._native import __version__
from ._services import AsyncDisputes, AsyncPayments, AsyncRefunds, Disputes, Payments, Refunds
from ._step import Done, Send, Step
from ._types import *  # noqa: F403

__all__ = [
    "__version__",
    "AsyncClient",
    "Client",
    "Connector",
    "Headers",
    "Webhooks",
    "Send",
    "Done",
    "Step",
    "AsyncPayments",
    "AsyncRefunds",
    "AsyncDisputes",
    "Payments",
    "Refunds",
    "Disputes",
    *_types.__all__,
    *_errors.__all__,
]
