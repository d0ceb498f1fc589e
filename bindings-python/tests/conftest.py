"""Shared fixtures: the sandbox (one per test session, on a free port) and its control API."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import connector_service as cs

REPO = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "tests" / "scenarios"

# Test card numbers of the sandbox (sandbox/README.md).
APPROVED_CARD = "4111111111111111"


def sandbox_binary() -> pathlib.Path:
    if explicit := os.environ.get("CONNECTOR_SANDBOX_BIN"):
        return pathlib.Path(explicit)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "connector-sandbox"


class Sandbox:
    """A running connector-sandbox and a small client of its control API (plain urllib)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def request(self, method: str, path: str, body: Any = None, *, ok_statuses: tuple[int, ...] = ()) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            if e.code in ok_statuses:
                return None
            raise AssertionError(f"sandbox {method} {path} answered {e.code}: {e.read()[:500]!r}") from None
        return json.loads(raw) if raw.strip() else None

    def credentials(self, connector: str) -> dict[str, Any]:
        creds: dict[str, Any] = self.request("GET", "/_sandbox/credentials")[connector]
        return creds

    def client_config(self, connector: str, **overrides: Any) -> cs.ClientConfig:
        return cs.ClientConfig.from_dict(
            {"connector": {**self.credentials(connector), **overrides}, "base_url": f"{self.url}/{connector}"}
        )

    def reset(self) -> None:
        for path in ("/_sandbox/faults", "/_sandbox/requests", "/_sandbox/webhooks"):
            self.request("DELETE", path)

    def next_webhook(
        self, processor: str, event: str | None = None, timeout_ms: int = 5000, contains: str | None = None
    ) -> dict[str, Any] | None:
        body: dict[str, Any] = {"processor": processor, "timeout_ms": timeout_ms}
        if event is not None:
            body["event"] = event
        if contains is not None:
            body["contains"] = contains
        found: dict[str, Any] | None = self.request("POST", "/_sandbox/webhooks/next", body, ok_statuses=(404,))
        return found

    def fault(self, rule: dict[str, Any]) -> None:
        self.request("POST", "/_sandbox/faults", rule)

    def requests(self, processor: str) -> dict[str, Any]:
        log: dict[str, Any] = self.request("GET", f"/_sandbox/requests?processor={processor}")
        return log


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    binary = sandbox_binary()
    if not binary.exists():
        raise RuntimeError(f"{binary} does not exist: build it with `cargo build -p connector-sandbox`")
    proc = subprocess.Popen(
        [str(binary), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        prefix = "connector-sandbox listening on "
        if not first.startswith(prefix):
            raise RuntimeError(f"unexpected first line from the sandbox: {first!r}")
        # Keep draining stdout so the sandbox never blocks on a full (or closed) pipe.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield Sandbox(first[len(prefix) :])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def clean_sandbox(sandbox: Sandbox) -> Sandbox:
    sandbox.reset()
    return sandbox


@pytest.fixture()
def adyen_config(clean_sandbox: Sandbox) -> cs.ClientConfig:
    return clean_sandbox.client_config("adyen")


def card(number: str = APPROVED_CARD, **kwargs: Any) -> cs.Card:
    return cs.Card(number, 3, 2030, cvc="737", **kwargs)
