"""The local sandbox for the observability examples: $CONNECTOR_SANDBOX_URL, or one started
from target/debug/connector-sandbox (`cargo build -p connector-sandbox`)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from connector_service import ClientConfig

REPO = pathlib.Path(__file__).resolve().parents[3]


@contextmanager
def sandbox_config() -> Iterator[ClientConfig]:
    """An Adyen configuration pointing at the sandbox, with the credentials it publishes."""
    url = os.environ.get("CONNECTOR_SANDBOX_URL")
    proc = None
    if not url:
        binary = os.environ.get("CONNECTOR_SANDBOX_BIN", str(REPO / "target" / "debug" / "connector-sandbox"))
        proc = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().rsplit(" ", 1)[-1]
        threading.Thread(target=proc.stdout.read, daemon=True).start()
    try:
        base = url.rstrip("/")
        with urllib.request.urlopen(f"{base}/_sandbox/credentials", timeout=30) as response:
            credentials = json.loads(response.read())["adyen"]
        yield ClientConfig.from_dict({"connector": credentials, "base_url": f"{base}/adyen"})
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
