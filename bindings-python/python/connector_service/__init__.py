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
        return_url="https://shop.example/return",
    )
    print(payment.status)

asyncio.run(main())
```

Amounts are `Money` (integer minor units and an ISO 4217 currency). A decline is a response
whose `status` is `failure`; calls that could not be processed raise a subclass of
`ConnectorServiceError`. `Connector` gives the same flows sans-IO, for your own HTTP client.
"""

# Every public name is re-exported: the generated modules through their `__all__` (star
# imports), the hand-written ones with `X as X` (what type checkers read as a re-export).
from ._client import AsyncClient as AsyncClient
from ._client import Client as Client
from ._client import Headers as Headers
from ._client import Webhooks as Webhooks
from ._connector import Connector as Connector
from ._errors import *  # noqa: F403
from ._native import __version__ as __version__
from ._observe import TRACE as TRACE
from ._observe import CallObserver as CallObserver
from ._observe import set_log_level as set_log_level
from ._native import new_idempotency_key as new_idempotency_key
from ._native import fiserv_signature as fiserv_signature
from ._services import AsyncDisputes as AsyncDisputes
from ._services import AsyncPayments as AsyncPayments
from ._services import AsyncRefunds as AsyncRefunds
from ._services import Disputes as Disputes
from ._services import Payments as Payments
from ._services import Refunds as Refunds
from ._step import Done as Done
from ._step import Send as Send
from ._step import Step as Step
from ._types import *  # noqa: F403
