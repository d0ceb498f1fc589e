"""Runs a shared scenario (tests/scenarios/*.json, format in tests/README.md) through the typed
Python API: each request is built as its dataclass, sent with the typed service method of an
`AsyncClient` (or a `Client`), and the typed response (or exception) is turned back into JSON
to compare with the scenario's expectations."""

from __future__ import annotations

import asyncio
import http.client
import json
import pathlib
import re
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import jsonschema

import connector_service as cs
from connector_service._services import _OPERATIONS

from conftest import REPO, Sandbox

TESTS_DIR = REPO / "tests"
SCHEMA_PATH = TESTS_DIR / "scenario.schema.json"

# operation name -> request class
REQUEST_TYPES: dict[str, type[Any]] = {op: cls for cls, (op, _) in _OPERATIONS.items()}
# operation name -> response class (the parser is the response class's `from_dict`)
RESPONSE_TYPES: dict[str, type[Any]] = {op: parse.__self__ for _, (op, parse) in _OPERATIONS.items()}

_VAR = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class ScenarioFailure(AssertionError):
    pass


_validator: Any = None


def schema_errors(instance: Any) -> list[tuple[str, str]]:
    """Every complaint of tests/scenario.schema.json about `instance`, as (JSON pointer, message);
    empty when it validates."""
    global _validator
    if _validator is None:
        schema = json.loads(SCHEMA_PATH.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        _validator = jsonschema.Draft202012Validator(schema)

    def leaves(errors: Any) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for error in errors:
            if error.context:
                out += leaves(error.context)
            else:
                pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)
                out.append((pointer, error.message))
        return out

    return leaves(_validator.iter_errors(instance))


def load_scenario(path: pathlib.Path) -> dict[str, Any]:
    """Reads a scenario file and validates it against the schema; the failure names the file and
    each JSON pointer at fault."""
    scenario = json.loads(path.read_text())
    errors = schema_errors(scenario)
    if errors:
        where = path.relative_to(TESTS_DIR) if path.is_relative_to(TESTS_DIR) else path
        lines = "\n".join(f'  at "{pointer}": {message}' for pointer, message in errors)
        raise ScenarioFailure(f"tests/{where} does not validate against tests/scenario.schema.json:\n{lines}")
    assert isinstance(scenario, dict)
    return scenario


def matches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Differences between an expectation and an actual JSON value (empty when it matches)."""
    where = path or "<root>"
    if expected == "$present":
        return [] if actual is not None else [f"{where}: expected a value, got none"]
    if expected == "$absent":
        return [] if actual is None else [f"{where}: expected no value, got {actual!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            out += matches(value, actual.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {len(expected)} items, got {actual!r}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += matches(e, a, f"{path}.{i}" if path else str(i))
        return out
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        ok = expected == actual
    else:
        ok = type(expected) is type(actual) and expected == actual
    return [] if ok else [f"{where}: expected {expected!r}, got {actual!r}"]


def lookup(value: Any, path: str) -> Any:
    """The value at a dotted path for `save` (`events.0.id`; `""` is the whole value); a path
    that leads to nothing or to null fails."""
    current = value
    for part in path.split(".") if path else []:
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            current = None
        if current is None:
            break
    if current is None:
        raise ScenarioFailure(f"no value at {path!r} in {value!r}")
    return current


def tamper(body: str) -> bytes:
    """Changes one byte of the signed content: a digit of the amount when there is one (Adyen
    signs selected fields, the amount among them), else the first digit of the body."""
    raw = bytearray(body.encode())
    m = re.search(rb'"value"\s*:\s*(\d)', bytes(raw)) or re.search(rb"(\d)", bytes(raw))
    if m is None:
        raw[len(raw) // 2] ^= 0x01
    else:
        i = m.start(1)
        raw[i] = ord("0") + (raw[i] - ord("0") + 1) % 10
    return bytes(raw)


def follow_redirect(url: str, form: dict[str, str]) -> dict[str, str]:
    """POSTs the shopper's form to a redirect page (no browser) and returns the query
    parameters of the `Location` it answers with."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = urllib.parse.urlencode(form)
        conn.request("POST", target, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        resp.read()
        location = resp.getheader("Location")
        if resp.status not in (301, 302, 303, 307, 308) or location is None:
            raise ScenarioFailure(f"the redirect page answered {resp.status} without a Location")
    finally:
        conn.close()
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query, keep_blank_values=True))


class ScenarioRunner:
    def __init__(self, sandbox: Sandbox, scenario: dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.scenario = scenario
        self.connector: str = scenario["connector"]
        self.vars: dict[str, Any] = {}

    # -- values ------------------------------------------------------------------------------

    def expand(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = _VAR.fullmatch(value)
            if whole:
                return self.var(whole.group(1))
            return _VAR.sub(lambda m: self.text(self.var(m.group(1))), value)
        if isinstance(value, list):
            return [self.expand(v) for v in value]
        if isinstance(value, dict):
            return {k: self.expand(v) for k, v in value.items()}
        return value

    def var(self, name: str) -> Any:
        if name == "uuid":
            return str(uuid.uuid4())
        if name not in self.vars:
            raise ScenarioFailure(f"variable {name!r} is not set")
        return self.vars[name]

    @staticmethod
    def text(value: Any) -> str:
        # Compact JSON, as the other runners write it.
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))

    def check(self, step: dict[str, Any], actual: Any, key: str = "expect") -> None:
        if key in step:
            diffs = matches(step[key], actual)
            if diffs:
                raise ScenarioFailure(f"{step.get('name', '')}: " + "; ".join(diffs) + f"\nactual: {actual!r}")

    def save(self, step: dict[str, Any], actual: Any) -> None:
        for name, path in step.get("save", {}).items():
            try:
                self.vars[name] = lookup(actual, path)
            except ScenarioFailure as e:
                raise ScenarioFailure(f"{step.get('name', '')}: cannot save {name!r}: {e}") from None

    # -- the client --------------------------------------------------------------------------

    def client_config(self) -> cs.ClientConfig:
        connector = {**self.sandbox.credentials(self.connector), **self.scenario.get("config_overrides", {})}
        data: dict[str, Any] = {"connector": connector, "base_url": f"{self.sandbox.url}/{self.connector}"}
        if "transport" in self.scenario:
            data["transport"] = self.scenario["transport"]
        return cs.ClientConfig.from_dict(data)

    # -- steps -------------------------------------------------------------------------------

    async def run_async(self) -> None:
        self.sandbox.reset()
        async with cs.AsyncClient(self.client_config()) as client:
            for raw in self.scenario["steps"]:
                step = self.expand(raw)
                if "call" in step:
                    op, request, options = self.prepare_call(step)
                    service, method = op.split(".")
                    bound: Callable[..., Awaitable[Any]] = getattr(getattr(client, service), method)
                    try:
                        response = await bound(request, options=options)
                    except cs.ConnectorServiceError as e:
                        self.call_failed(step, e)
                    else:
                        self.call_returned(step, response)
                elif "webhook" in step:
                    await asyncio.to_thread(self.webhook_step, step, client.webhooks)
                else:
                    await asyncio.to_thread(self.control_step, step)

    def run_sync(self) -> None:
        self.sandbox.reset()
        with cs.Client(self.client_config()) as client:
            for raw in self.scenario["steps"]:
                step = self.expand(raw)
                if "call" in step:
                    op, request, options = self.prepare_call(step)
                    service, method = op.split(".")
                    try:
                        response = getattr(getattr(client, service), method)(request, options=options)
                    except cs.ConnectorServiceError as e:
                        self.call_failed(step, e)
                    else:
                        self.call_returned(step, response)
                elif "webhook" in step:
                    self.webhook_step(step, client.webhooks)
                else:
                    self.control_step(step)

    def prepare_call(self, step: dict[str, Any]) -> tuple[str, Any, cs.CallOptions | None]:
        op = step["call"]
        if "expect" not in step and "expect_error" not in step:
            raise ScenarioFailure(f"call step {op} has neither expect nor expect_error")
        request = REQUEST_TYPES[op].from_dict(step["request"])
        options = cs.CallOptions.from_dict(step["options"]) if "options" in step else None
        return op, request, options

    def call_failed(self, step: dict[str, Any], error: cs.ConnectorServiceError) -> None:
        assert type(error) is cs.ERRORS_BY_CODE[error.code.value], f"{type(error).__name__} for {error.code}"
        if "expect_error" not in step:
            raise ScenarioFailure(f"{step.get('name', step['call'])}: unexpected error {error!r}") from error
        actual = error.to_dict()
        self.check(step, actual, "expect_error")
        self.save(step, actual)

    def call_returned(self, step: dict[str, Any], response: Any) -> None:
        if "expect" not in step:
            raise ScenarioFailure(f"{step.get('name', step['call'])}: expected an error, got {response!r}")
        # Typed all the way: the response is the operation's dataclass.
        assert type(response) is RESPONSE_TYPES[step["call"]], type(response)
        actual = response.to_dict()
        self.check(step, actual)
        self.save(step, actual)

    def webhook_step(self, step: dict[str, Any], webhooks: cs.Webhooks) -> None:
        spec = step["webhook"]
        if "file" in spec:
            # An official vector: the file's exact bytes, with the step's headers.
            found = {"headers": spec.get("headers", {}), "body": None}
            body: bytes = (TESTS_DIR / spec["file"]).read_bytes()
        else:
            found = self.sandbox.next_webhook(
                self.connector, spec.get("event"), spec.get("timeout_ms", 5000), spec.get("contains")
            )
            if spec.get("none"):
                if found is not None:
                    raise ScenarioFailure(f"expected no {spec.get('event')} webhook, got {found.get('event')}")
                return
            if found is None:
                raise ScenarioFailure(f"no {spec.get('event')} webhook arrived")
            body = found["body"].encode()
        if "tamper" in spec:
            find, replace = spec["tamper"]["find"].encode(), spec["tamper"]["replace"].encode()
            if find not in body:
                raise ScenarioFailure(f"tamper: {spec['tamper']['find']!r} is not in the webhook body")
            body = body.replace(find, replace, 1)
        try:
            notification = webhooks.verify_and_parse(found["headers"], body)
        except cs.ConnectorServiceError as e:
            if "expect_error" not in step:
                raise ScenarioFailure(f"webhook {spec.get('event')}: unexpected error {e!r}") from e
            actual = e.to_dict()
            self.check(step, actual, "expect_error")
            self.save(step, actual)
            return
        if "expect_error" in step:
            raise ScenarioFailure(f"webhook {spec.get('event')}: expected an error, got {notification!r}")
        actual = notification.to_dict()
        self.check(step, actual)
        self.save(step, actual)

    def control_step(self, step: dict[str, Any]) -> None:
        if "fault" in step:
            self.sandbox.fault({"processor": self.connector, **step["fault"]})
            return
        if "sandbox" in step:
            spec = step["sandbox"]
            actual = self.sandbox.request(spec["method"], spec["path"], spec.get("body"))
        elif "redirect" in step:
            spec = step["redirect"]
            actual = follow_redirect(spec["url"], spec.get("form", {}))
        elif "requests" in step:
            actual = self.sandbox.requests(self.connector)
        else:
            raise ScenarioFailure(f"unknown step {sorted(step)}")
        self.check(step, actual)
        self.save(step, actual)
