"""examples/python/lifecycle.py runs to the end against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, Sandbox


def test_lifecycle_example_runs(sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "python" / "lifecycle.py")],
        env={**os.environ, "CONNECTOR_SANDBOX_URL": sandbox.url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for line in ("authorize: authorized", "webhook: refund", "decline: failure", "after the challenge: charged"):
        assert line in out, out
    assert "4111111111111111" not in out and "cvc='737'" not in out
