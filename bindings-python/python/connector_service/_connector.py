"""The sans-IO connector: the core builds requests and parses responses; you do the HTTP."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from . import _inputs, _native
from ._client import Webhooks, client_config, shown_url
from ._errors import InvalidConfigurationError
from ._ext import native_error
from ._services import ConnectorSteps
from ._step import Done, Send, Step
from ._types import ClientConfig, ConnectorConfig, ConnectorName, Environment, HttpMethod, HttpRequest, HttpResponse

_R = TypeVar("_R")

# `HttpMethod(value)` goes through the enum's metaclass: a dict lookup is ten times cheaper.
_METHODS = {m.value: m for m in HttpMethod}


class Connector(ConnectorSteps):
    """A processor's flows as pure functions, for driving with your own HTTP client.

    ```python
    connector = Connector(AdyenConfig(api_key="...", merchant_account="..."))
    responses: list[HttpResponse] = []
    while isinstance(step := connector.step(request, responses), Send):
        responses.append(my_http_send(step.request))   # any HTTP client
    payment = step.response                            # a PaymentResponse
    ```

    `step` takes the typed request and the responses received so far, and returns `Send`
    (the next `HttpRequest`) or `Done` (the typed result). `run(request, send)` does the loop
    for you. Nothing here performs I/O, and a connector can be used from any thread or
    process.
    """

    __slots__ = ("_native", "_shown", "connector", "webhooks")

    connector: ConnectorName
    webhooks: Webhooks

    def __init__(
        self,
        connector: ConnectorConfig | ClientConfig,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
    ) -> None:
        config = client_config(connector, environment, base_url, None)
        try:
            self._native = _native.NativeConnector(
                _inputs.dumps(_inputs.to_dict(config, InvalidConfigurationError), InvalidConfigurationError)
            )
        except _native.NativeError as e:
            raise native_error(e) from None
        self.connector = ConnectorName(self._native.connector)
        self.webhooks = Webhooks(self._native)
        self._shown = f"connector={self.connector.value!r}, environment={Environment(config.environment).value!r}"
        if config.base_url is not None:
            self._shown += f", base_url={shown_url(config.base_url)!r}"

    def _step(
        self,
        operation: str,
        request: dict[str, Any],
        responses: Sequence[HttpResponse],
        idempotency_key: str | None,
        parse: Callable[[Mapping[str, Any]], _R],
    ) -> Step[_R]:
        parts = []
        for r in responses:
            if not isinstance(r, HttpResponse):
                raise TypeError(f"responses must be HttpResponse objects, got {type(r).__name__}")
            body = r.body if type(r.body) is bytes else bytes(r.body)
            parts.append((r.status, r.headers, body))
        # The HTTP exchanges cross as Python values (no JSON, no Base64), the request as its
        # JSON form's `dict` (`native_call`), and the flow's result comes back as its JSON
        # form's `dict`.
        try:
            key, send, done = _inputs.native_call(
                lambda body: self._native.step_parts(operation, body, parts, idempotency_key), request
            )
        except _native.NativeError as e:
            raise native_error(e) from None
        if send is None:
            assert done is not None
            return Done(parse(done), key)
        method, url, headers, request_body, retry_safe = send
        return Send(HttpRequest(_METHODS[method], url, headers, retry_safe, body=request_body), key)

    def __repr__(self) -> str:
        return f"Connector({self._shown})"
