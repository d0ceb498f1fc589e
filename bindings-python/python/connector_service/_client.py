"""The clients: `AsyncClient` (asyncio) and `Client` (blocking), over one native core."""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
import weakref
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import _inputs, _native
from ._errors import InvalidConfigurationError
from ._ext import native_error
from ._observe import CallObserver, ensure_log_bridge, native_observer
from ._services import AsyncDisputes, AsyncPayments, AsyncRefunds, Disputes, Payments, Refunds
from ._types import (
    CallOptions,
    ClientConfig,
    ConnectorConfig,
    ConnectorName,
    Environment,
    TransportOptions,
    WebhookNotification,
)

if TYPE_CHECKING:
    # Imported when an `AsyncClient` makes its first call (see `_running_loop`), not with the
    # package: it is most of the package's import time, and `Client` never needs it.
    import asyncio

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers: a mapping, or (name, value) pairs as WSGI/ASGI frameworks give them."""


def client_config(
    connector: ConnectorConfig | ClientConfig,
    environment: Environment | None,
    base_url: str | None,
    transport: TransportOptions | None,
) -> ClientConfig:
    """The full configuration from a connector config (or a `ClientConfig`) and overrides."""
    if isinstance(connector, ClientConfig):
        overrides: dict[str, Any] = {}
        if environment is not None:
            overrides["environment"] = environment
        if base_url is not None:
            overrides["base_url"] = base_url
        if transport is not None:
            overrides["transport"] = transport
        return dataclasses.replace(connector, **overrides) if overrides else connector
    return ClientConfig(
        connector,
        environment=Environment.SANDBOX if environment is None else environment,
        base_url=base_url,
        transport=TransportOptions() if transport is None else transport,
    )


def shown_url(url: str | None) -> str | None:
    """A base URL for `repr`, without any user:password part."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def headers_json(headers: Headers) -> str:
    items = headers.items() if isinstance(headers, Mapping) else headers
    merged: dict[str, str] = {}
    for name, value in items:
        key = str(name)
        merged[key] = f"{merged[key]}, {value}" if key in merged else str(value)
    return json.dumps(merged)


def body_bytes(body: bytes | bytearray | memoryview) -> bytes:
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"the webhook body must be the raw bytes received, not {type(body).__name__}")
    return bytes(body)


class Webhooks:
    """Incoming webhooks: verify their source and parse them into typed events.

    Pure computation (no I/O): the same on `Client` and `AsyncClient`."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeClient | _native.NativeConnector) -> None:
        self._native = native

    def verify_and_parse(self, headers: Headers, body: bytes | bytearray | memoryview) -> WebhookNotification:
        """Verifies the signature (or token) over the raw `body` and returns the events.

        Pass the body exactly as received (never re-serialized JSON). A request that fails
        verification raises `WebhookVerificationError`; its content is never returned. Answer
        the processor with `notification.acknowledgement` once the events are stored."""
        try:
            notification = self._native.handle_webhook(headers_json(headers), body_bytes(body))
        except _native.NativeError as e:
            raise native_error(e) from None
        return WebhookNotification.from_dict(notification)

    def __repr__(self) -> str:
        return "<Webhooks>"


class _ClientBase:
    __slots__ = ("_native", "_config_shown", "connector", "webhooks")

    connector: ConnectorName
    """The processor this client talks to."""
    webhooks: Webhooks
    """Webhook verification and parsing."""

    def __init__(
        self,
        connector: ConnectorConfig | ClientConfig,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        transport: TransportOptions | None = None,
        on_call: CallObserver | None = None,
    ) -> None:
        config = client_config(connector, environment, base_url, transport)
        observer = native_observer(on_call)
        ensure_log_bridge()
        try:
            native = _native.NativeClient(
                _inputs.dumps(_inputs.to_dict(config, InvalidConfigurationError), InvalidConfigurationError),
                observer,
            )
        except _native.NativeError as e:
            raise native_error(e) from None
        self._native: _native.NativeClient | None = native
        self.connector = ConnectorName(native.connector)
        self.webhooks = Webhooks(native)
        env = Environment(config.environment).value
        self._config_shown = f"connector={self.connector.value!r}, environment={env!r}"
        if config.base_url is not None:
            self._config_shown += f", base_url={shown_url(config.base_url)!r}"

    def _require(self) -> _native.NativeClient:
        if self._native is None:
            raise InvalidConfigurationError("this client is closed")
        return self._native

    @staticmethod
    def _options(options: CallOptions | None) -> str | None:
        return None if options is None else _inputs.dumps(_inputs.to_dict(options))

    def __repr__(self) -> str:
        if not hasattr(self, "_config_shown"):
            return f"<{type(self).__name__}, not initialized>"
        closed = ", closed" if self._native is None else ""
        return f"{type(self).__name__}({self._config_shown}{closed})"


_COMPLETERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _native.Completer] = weakref.WeakKeyDictionary()
"""Each event loop's completer: it runs the loop's calls on the loop's thread, the loop watching
their sockets; other threads (a new connection's, the runtime's) report to it through one file
descriptor, which the loop watches too."""


def _running_loop() -> asyncio.AbstractEventLoop:
    """The running event loop; asyncio is imported here, on an `AsyncClient`'s first call (a
    program that awaits one has imported it already)."""
    import asyncio

    return asyncio.get_running_loop()


def _completer_of(loop: asyncio.AbstractEventLoop) -> _native.Completer:
    completer = _native.Completer()
    loop.add_reader(completer.fileno(), completer.drain)
    _COMPLETERS[loop] = completer
    return completer


class AsyncClient(_ClientBase):
    """A client for asyncio: every call is awaitable and never blocks the event loop.

    ```python
    client = AsyncClient(AdyenConfig(api_key="...", merchant_account="..."))
    payment = await client.payments.authorize(
        amount=Money(1000, "USD"), merchant_reference="order-1", payment_method=Card(...))
    ```

    Calls run on the event loop's thread (Rust, with the GIL released), their sockets watched by
    the loop as an asyncio HTTP client's are, so hundreds of concurrent calls
    (`asyncio.gather`) share one connection pool and no call waits on another thread. (Behind
    a proxy, or off Linux, calls run on the core's runtime instead.)
    A declined payment is a response with status `failure`; a call that could not be
    processed raises a `ConnectorServiceError` subclass. A client belongs to the process that
    created it: after `os.fork()`, create a new one in the child.

    `on_call` receives a `CallRecord` (connector, operation, outcome, HTTP status, attempts,
    latency, idempotency key; never a secret) when each call finishes, on the thread that
    finished it (the event loop's, or the core's): keep it quick. An exception it raises is
    logged, never raised into the call.
    """

    __slots__ = ("payments", "refunds", "disputes")

    payments: AsyncPayments
    refunds: AsyncRefunds
    disputes: AsyncDisputes

    def __init__(
        self,
        connector: ConnectorConfig | ClientConfig,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        transport: TransportOptions | None = None,
        on_call: CallObserver | None = None,
    ) -> None:
        super().__init__(connector, environment=environment, base_url=base_url, transport=transport, on_call=on_call)
        self.payments = AsyncPayments(self._call)
        self.refunds = AsyncRefunds(self._call)
        self.disputes = AsyncDisputes(self._call)

    async def _call(self, operation: str, request: dict[str, Any], options: CallOptions | None) -> Mapping[str, Any]:
        native = self._require()
        loop = _running_loop()
        completer = _COMPLETERS.get(loop)
        if completer is None:
            completer = _completer_of(loop)
        options_json = self._options(options)
        try:
            future = _inputs.native_call(
                lambda body: native.call(operation, body, options_json, completer, loop), request
            )
        except _native.NativeError as e:
            raise native_error(e) from None
        try:
            result = await future
        except _native.NativeError as e:
            raise native_error(e) from None
        except BaseException:
            # Cancelled (task.cancel(), asyncio.wait_for): the call stops too.
            completer.cancel(future.call_id)
            raise
        return result

    async def aclose(self) -> None:
        """Releases the connection pool; later calls raise `InvalidConfigurationError`."""
        self._native = None

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class Client(_ClientBase):
    """A blocking client, for scripts, WSGI apps and worker threads.

    Same API as `AsyncClient` without `await`. Each call releases the GIL while the core
    works, so threads run concurrently; Ctrl-C cancels a call in progress. `Client` and
    `AsyncClient` share the process's one runtime. `on_call`: as in `AsyncClient` (on the
    core's thread).
    """

    __slots__ = ("payments", "refunds", "disputes")

    payments: Payments
    refunds: Refunds
    disputes: Disputes

    def __init__(
        self,
        connector: ConnectorConfig | ClientConfig,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        transport: TransportOptions | None = None,
        on_call: CallObserver | None = None,
    ) -> None:
        super().__init__(connector, environment=environment, base_url=base_url, transport=transport, on_call=on_call)
        self.payments = Payments(self._call)
        self.refunds = Refunds(self._call)
        self.disputes = Disputes(self._call)

    def _call(self, operation: str, request: dict[str, Any], options: CallOptions | None) -> Mapping[str, Any]:
        native = self._require()
        options_json = self._options(options)
        # The answer comes back as its JSON form's `dict`.
        try:
            return _inputs.native_call(lambda body: native.call_blocking(operation, body, options_json), request)
        except _native.NativeError as e:
            raise native_error(e) from None

    def close(self) -> None:
        """Releases the connection pool; later calls raise `InvalidConfigurationError`."""
        self._native = None

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
