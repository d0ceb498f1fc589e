"""The type information matches the runtime: mypy --strict over the package and the example,
and stubtest over the native module's stub."""

from __future__ import annotations

import pathlib
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


def test_mypy_catches_wrong_calls(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "wrong.py"
    source.write_text(
        "from connector_service import *\n"
        "async def f(client: AsyncClient, connector: Connector) -> None:\n"
        "    p = await client.payments.authorize(amount=Money(1, 'USD'), merchant_reference='r',\n"
        "                                        payment_method=Card('4111111111111111', 1, 2030))\n"
        "    reveal_type(p)\n"
        "    await client.payments.authorize(amount=Money(1, 'USD'))\n"  # line 6: missing fields
        "    await client.payments.capture(amont=Money(1, 'USD'), connector_transaction_id='p')\n"  # 7: typo
        "    await client.refunds.get(CaptureRequest('p', Money(1, 'USD')))\n"  # 8: wrong request
        "    step = connector.step(RefundGetRequest('r'))\n"
        "    if isinstance(step, Done):\n"
        "        reveal_type(step.response)\n"
        "    Money(1.5, 'USD')\n"  # 12: float amount
    )
    result = run("mypy", "--strict", "--no-incremental", "--no-error-summary", str(source))
    out = result.stdout
    assert result.returncode == 1, out
    assert 'wrong.py:5: note: Revealed type is "connector_service._types.PaymentResponse"' in out, out
    assert 'wrong.py:11: note: Revealed type is "connector_service._types.RefundResponse"' in out, out
    for line in (6, 7, 8, 12):
        assert f"wrong.py:{line}: error:" in out, out
