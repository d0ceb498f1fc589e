"""The two outcomes of a sans-IO step: send a request, or the flow is done."""

from __future__ import annotations

import dataclasses
from typing import Generic, TypeAlias, TypeVar

from ._types import HttpRequest

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class Send:
    """Send `request` with your HTTP client, then call `step` again with its response appended.

    `repr` masks credential headers and hides the body (it carries card data)."""

    request: HttpRequest
    """The HTTP request to send."""
    idempotency_key: str
    """The operation's idempotency key: pass it to every later step of this operation."""


@dataclasses.dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """The flow's typed result (e.g. a `PaymentResponse`)."""

    response: T
    """The typed result; a declined payment is a response with status `failure`."""
    idempotency_key: str
    """The idempotency key the operation used."""


Step: TypeAlias = Send | Done[T]
"""What a sans-IO step returns: `Send` (an HTTP request to make) or `Done` (the result)."""
