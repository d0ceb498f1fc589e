"""The type information matches the runtime: mypy --strict over the package and the example,
and stubtest over the native module's stub."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

PACKAGE = REPO / "bindings-python" / "python" / "connector_service"
EXAMPLE = REPO / "examples" / "python" / "lifecycle.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=REPO, timeout=600)


def test_package_and_example_pass_mypy_strict() -> None:
    assert (PACKAGE / "py.typed").exists()
    result = run("mypy", "--strict", "--no-incremental", str(PACKAGE), str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_native_stub_matches_the_module() -> None:
    result = run("mypy.stubtest", "connector_service._native")
    assert result.returncode == 0, result.stdout + result.stderr
