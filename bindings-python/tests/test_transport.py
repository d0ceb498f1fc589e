"""Transport options reach the core: proxy, retries, timeouts, base URL."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

import connector_service as cs
from conftest import Sandbox, card


class CountingProxy(http.server.BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy that records the URLs it forwards."""

    seen: list[str] = []

    def forward(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "proxy-connection", "connection")}
        req = urllib.request.Request(self.path, data=body, method=self.command, headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=30) as resp:
                status, resp_headers, data = resp.status, resp.headers.items(), resp.read()
        except urllib.error.HTTPError as e:
            status, resp_headers, data = e.code, e.headers.items(), e.read()
        self.send_response(status)
        for k, v in resp_headers:
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = forward

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def proxy() -> Iterator[str]:
    CountingProxy.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_requests_go_through_the_proxy(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig, proxy: str) -> None:
    client = cs.Client(adyen_config, transport=cs.TransportOptions(proxy_url=proxy))
    payment = client.payments.authorize(
        amount=cs.Money(100, "EUR"),
        merchant_reference="via-proxy",
        payment_method=card(),
        return_url="https://s.example/r",
    )
    assert payment.status is cs.PaymentStatus.CHARGED
    assert CountingProxy.seen == [f"POST {clean_sandbox.url}/adyen/v68/payments"]


def test_retries_follow_the_transport_options(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    fast = cs.TransportOptions(retry=cs.RetryOptions(max_attempts=3, initial_backoff_ms=10, max_backoff_ms=50))
    client = cs.Client(adyen_config, transport=fast)
    rule = {"processor": "adyen", "method": "POST", "path": "/v68/payments", "fault": {"type": "status", "status": 503}}
    clean_sandbox.fault({**rule, "count": 1})
    payment = client.payments.authorize(
        amount=cs.Money(100, "EUR"),
        merchant_reference="retried",
        payment_method=card(),
        return_url="https://s.example/r",
    )
    assert payment.status is cs.PaymentStatus.CHARGED
    assert clean_sandbox.requests("adyen")["by_path"]["POST /v68/payments"] == 2
    # The same fault with retries off for this call is an error carrying what the core knows.
    clean_sandbox.fault({**rule, "count": 1})
    with pytest.raises(cs.ProcessorUnavailableError) as info:
        client.payments.authorize(
            amount=cs.Money(100, "EUR"),
            merchant_reference="not-retried",
            payment_method=card(),
            return_url="https://s.example/r",
            options=cs.CallOptions(retry=False),
        )
    error = info.value
    assert error.http_status == 503 and error.retryable
    assert error.connector is cs.ConnectorName.ADYEN and error.flow is cs.Flow.AUTHORIZE
    assert error.idempotency_key and error.processor_code


def test_environment_and_base_url(adyen_config: cs.ClientConfig) -> None:
    request = cs.AuthorizeRequest(cs.Money(1, "EUR"), "r", card(), return_url="https://s.example/r")
    live = cs.AdyenConfig("key", "Merchant", live_endpoint_prefix="1797a841fbb37ca7-AdyenDemo")
    live_connector = cs.Connector(live, environment=cs.Environment.LIVE)
    assert "environment='live'" in repr(live_connector)
    live_step = live_connector.step(request)
    assert isinstance(live_step, cs.Send)
    assert live_step.request.url.startswith("https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/")
    test_step = cs.Connector(cs.AdyenConfig("key", "Merchant")).step(request)
    assert isinstance(test_step, cs.Send) and test_step.request.url.startswith("https://checkout-test.adyen.com/")
    connector = cs.Connector(adyen_config)
    step = connector.step(request)
    assert isinstance(step, cs.Send)
    assert adyen_config.base_url is not None and step.request.url.startswith(adyen_config.base_url)
