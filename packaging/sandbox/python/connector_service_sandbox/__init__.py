"""The connector-service sandbox, packaged for Python: no Rust toolchain needed.

A local, stateful emulation of the payment processors' APIs (test cards, 3-D Secure pages,
webhooks, disputes, injected faults). Run it as a command::

    connector-sandbox --port 8080

or start it from Python, on a free port, for tests and examples::

    from connector_service_sandbox import start

    with start() as sandbox:
        config = {"connector": sandbox.credentials()["adyen"], "base_url": sandbox.base_url("adyen")}
        ...

The package carries the `connector-sandbox` binary built from the project's `sandbox/` crate
(the same one its own tests use).
"""

from __future__ import annotations

import json
import os
import pathlib
import stat
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, NoReturn

__all__ = ["Sandbox", "binary", "main", "start"]

_PREFIX = "connector-sandbox listening on "


def binary() -> pathlib.Path:
    """The path of the `connector-sandbox` binary: $CONNECTOR_SANDBOX_BIN, or the bundled one."""
    if explicit := os.environ.get("CONNECTOR_SANDBOX_BIN"):
        return pathlib.Path(explicit)
    path = pathlib.Path(__file__).resolve().parent / "bin" / "connector-sandbox"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall connector-service-sandbox")
    mode = path.stat().st_mode
    if not mode & stat.S_IXUSR:
        path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


class Sandbox:
    """A running sandbox (a child process); stop it with `stop()` or use it as a context manager."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self._process = process
        #: ``http://HOST:PORT``
        self.url = url

    def base_url(self, processor: str) -> str:
        """Where a client of `processor` points its base URL, e.g. ``http://127.0.0.1:PORT/adyen``."""
        return f"{self.url}/{processor}"

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the sandbox's control API (``/_sandbox/...``); returns the parsed JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def credentials(self) -> dict[str, dict[str, Any]]:
        """The test credentials the sandbox accepts, per processor (``ConnectorConfig`` JSON objects)."""
        creds: dict[str, dict[str, Any]] = self.control("GET", "/_sandbox/credentials")
        return creds

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        """Stops the sandbox (SIGTERM, then SIGKILL after 10 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r}, pid={self.pid})"


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    webhook_urls: Mapping[str, str] | None = None,
    webhook_delay_ms: int | None = None,
    args: Iterable[str] = (),
) -> Sandbox:
    """Starts the sandbox (on a free port by default) and waits until it listens.

    `webhook_urls` maps a processor to a URL the sandbox also POSTs its webhooks to.
    """
    argv = [str(binary()), "--host", host, "--port", str(port)]
    for processor, url in (webhook_urls or {}).items():
        argv += ["--webhook-url", f"{processor}={url}"]
    if webhook_delay_ms is not None:
        argv += ["--webhook-delay-ms", str(webhook_delay_ms)]
    argv += list(args)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if not first.startswith(_PREFIX):
        process.kill()
        process.wait()
        raise RuntimeError(f"the sandbox did not start (first line: {first!r})")
    # Keep draining stdout so the sandbox never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return Sandbox(process, first[len(_PREFIX) :])


def main() -> NoReturn:
    """The `connector-sandbox` command: runs the bundled binary with the same arguments."""
    path = str(binary())
    os.execv(path, [path, *sys.argv[1:]])
