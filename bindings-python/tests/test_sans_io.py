"""The sans-IO connector driven by plain Python HTTP clients (http.client, urllib) against the
sandbox: the core builds every request and parses every response; Python does the I/O."""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

import connector_service as cs
from conftest import SCENARIOS, Sandbox, card
from connector_service import _native
from scenario_runner import ScenarioFailure, ScenarioRunner, load_scenario


def send_with_http_client(request: cs.HttpRequest) -> cs.HttpResponse:
    url = urllib.parse.urlsplit(request.url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=30)
    try:
        target = url.path + (f"?{url.query}" if url.query else "")
        conn.request(request.method.value, target, body=request.body, headers=request.headers)
        resp = conn.getresponse()
        return cs.HttpResponse(resp.status, resp.read(), headers=dict(resp.getheaders()))
    finally:
        conn.close()


def send_with_urllib(request: cs.HttpRequest) -> cs.HttpResponse:
    req = urllib.request.Request(request.url, data=request.body, method=request.method.value, headers=request.headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return cs.HttpResponse(resp.status, resp.read(), headers=dict(resp.headers.items()))
    except urllib.error.HTTPError as e:
        return cs.HttpResponse(e.code, e.read(), headers=dict(e.headers.items()))


def test_step_by_step_with_http_client(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    connector = cs.Connector(adyen_config)
    request = cs.AuthorizeRequest(
        cs.Money(1999, "EUR"),
        f"sans-io-{uuid.uuid4()}",
        card(),
        capture_method=cs.CaptureMethod.MANUAL,
        return_url="https://shop.example/return",
    )
    responses: list[cs.HttpResponse] = []
    step = connector.step(request, responses)
    assert isinstance(step, cs.Send)
    key = step.idempotency_key
    http_request = step.request
    assert isinstance(http_request, cs.HttpRequest)
    assert http_request.method is cs.HttpMethod.POST
    assert http_request.url.startswith(clean_sandbox.url + "/adyen/")
    assert http_request.body is not None and b"4111111111111111" in http_request.body  # what is sent
    assert "4111111111111111" not in repr(step) and "4111111111111111" not in repr(http_request)
    api_key = clean_sandbox.credentials("adyen")["api_key"]
    assert api_key not in repr(step)

    while isinstance(step, cs.Send):
        responses.append(send_with_http_client(step.request))
        step = connector.step(request, responses, idempotency_key=key)
        assert step.idempotency_key == key
    assert isinstance(step, cs.Done)
    payment = step.response
    assert isinstance(payment, cs.PaymentResponse)
    assert payment.status is cs.PaymentStatus.AUTHORIZED
    assert payment.idempotency_key == key
    assert payment.connector_transaction_id

    # The rest of the lifecycle with `run`, over urllib.
    captured = connector.run(
        cs.CaptureRequest(payment.connector_transaction_id, cs.Money(1999, "EUR")), send_with_urllib
    )
    assert isinstance(captured, cs.PaymentResponse)
    refund = connector.run(cs.RefundRequest(payment.connector_transaction_id, cs.Money(999, "EUR")), send_with_urllib)
    assert isinstance(refund, cs.RefundResponse) and refund.connector_refund_id
    assert clean_sandbox.requests("adyen")["count"] == 3


def test_processor_errors_come_out_of_step(clean_sandbox: Sandbox) -> None:
    config = clean_sandbox.client_config("adyen", api_key="wrong-key")
    connector = cs.Connector(config)
    request = cs.AuthorizeRequest(cs.Money(100, "EUR"), "bad-key", card(), return_url="https://shop.example/return")
    with pytest.raises(cs.AuthenticationFailedError) as info:
        connector.run(request, send_with_urllib)
    assert info.value.http_status == 401
    assert "wrong-key" not in str(info.value) and "wrong-key" not in repr(info.value)


def test_validation_happens_before_the_first_request(clean_sandbox: Sandbox, adyen_config: cs.ClientConfig) -> None:
    connector = cs.Connector(adyen_config)
    bad = cs.AuthorizeRequest(cs.Money(-1, "EUR"), "neg", card(), return_url="https://shop.example/return")
    with pytest.raises(cs.InvalidRequestError) as info:
        connector.step(bad)
    assert info.value.field == "amount"
    with pytest.raises(TypeError, match="expected a request object"):
        connector.step(cs.Money(1, "EUR"))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="HttpResponse"):
        connector.step(bad, [{"status": 200}])  # type: ignore[list-item]


def test_answers_are_the_python_values_of_the_cores_json(clean_sandbox: Sandbox) -> None:
    # The native layer converts the core's typed answers to Python values itself (no JSON text
    # in between). They must be what `json.loads` gives for the JSON the core writes (what the
    # Node and Kotlin bindings read), for every answer of every connector: each scenario's calls
    # are stepped against the sandbox with `urllib` and compared when done. Faults and retries
    # aside, the scenarios' sandbox steps run too, so later calls find what they need.
    compared: collections.Counter[str] = collections.Counter()
    for path in sorted(SCENARIOS.glob("*.json")):
        scenario = load_scenario(path)
        runner = ScenarioRunner(clean_sandbox, scenario)
        clean_sandbox.reset()
        native = cs.Connector(runner.client_config())._native
        for raw in scenario["steps"]:
            if "call" not in raw:
                if "sandbox" in raw or "redirect" in raw:
                    with contextlib.suppress(ScenarioFailure):
                        runner.control_step({k: v for k, v in runner.expand(raw).items() if k != "expect"})
                continue
            try:
                step = runner.expand(raw)
            except ScenarioFailure:
                continue  # it needs what an earlier call that failed would have saved
            op, request, key = step["call"], step["request"], str(uuid.uuid4())
            responses: list[cs.HttpResponse] = []
            while True:
                parts = [(r.status, r.headers, r.body) for r in responses]
                try:
                    _, send, done = native.step_parts(op, request, parts, key)
                except _native.NativeError:
                    break
                if send is None:
                    wire = json.dumps([r.to_dict() for r in responses])
                    assert done == json.loads(native.step_json(op, json.dumps(request), wire, key))["response"]
                    compared[op] += 1
                    with contextlib.suppress(ScenarioFailure):
                        runner.save(step, done)
                    break
                method, url, headers, body, retry_safe = send
                sent = cs.HttpRequest(cs.HttpMethod(method), url, headers, retry_safe, body=body)
                responses.append(send_with_urllib(sent))
    assert set(compared) >= {
        "payments.authorize",
        "payments.get",
        "payments.capture",
        "payments.void",
        "payments.refund",
        "refunds.get",
        "payments.setup_mandate",
        "payments.create_order",
        "disputes.accept",
        "disputes.submit_evidence",
        "disputes.defend",
    }, compared
