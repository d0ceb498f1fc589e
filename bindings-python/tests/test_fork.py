"""Fork safety: a client created before a fork raises a clear error in the child (never hangs);
a client created in the child works, on the child's own runtime."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
import uuid
from typing import Any

import connector_service as cs
from conftest import card
from connector_service import _native

# Exit codes of the forked child.
OK, WRONG_ERROR, NO_ERROR, NEW_CLIENT_FAILED = 0, 10, 11, 12
CHILD_DEADLINE_S = 60  # generous: a hang shows as this timing out, not as a slow test


def request(reference: str) -> cs.AuthorizeRequest:
    return cs.AuthorizeRequest(cs.Money(500, "EUR"), reference, card(), return_url="https://shop.example/return")


def wait_for(pid: int) -> int:
    """The child's exit code; kills it and fails if it does not finish (a hang)."""
    deadline = time.monotonic() + CHILD_DEADLINE_S
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child hung")


def child(parent_client: cs.Client, config: cs.ClientConfig) -> int:
    try:
        parent_client.payments.authorize(request(f"child-old-{uuid.uuid4()}"))
        return NO_ERROR
    except cs.InvalidConfigurationError as e:
        if "fork" not in e.message or str(os.getppid()) not in e.message:
            return WRONG_ERROR
    except BaseException:
        return WRONG_ERROR
    try:
        payment = cs.Client(config).payments.authorize(request(f"child-new-{uuid.uuid4()}"))
        async_payment = asyncio.run(cs.AsyncClient(config).payments.authorize(request(f"child-async-{uuid.uuid4()}")))
        if payment.status is not cs.PaymentStatus.CHARGED or async_payment.status is not cs.PaymentStatus.CHARGED:
            return NEW_CLIENT_FAILED
        if _native.runtime_pid() != os.getpid():
            return NEW_CLIENT_FAILED
    except BaseException:
        return NEW_CLIENT_FAILED
    return OK


def test_os_fork_after_the_runtime_started(adyen_config: cs.ClientConfig) -> None:
    client = cs.Client(adyen_config)
    assert client.payments.authorize(request("parent-1")).status is cs.PaymentStatus.CHARGED
    assert _native.runtime_pid() == os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        code = NEW_CLIENT_FAILED
        try:
            code = child(client, adyen_config)
        finally:
            os._exit(code)
    assert wait_for(pid) == OK
    # The parent is unaffected.
    assert client.payments.authorize(request("parent-2")).status is cs.PaymentStatus.CHARGED
    assert _native.runtime_pid() == os.getpid()


def pay_in_child(config: cs.ClientConfig, parent_client: cs.AsyncClient, out: Any) -> None:
    async def main() -> tuple[str, str]:
        try:
            await parent_client.payments.authorize(request("mp-old"))
            old = "no error"
        except cs.InvalidConfigurationError:
            old = "configuration error"
        async with cs.AsyncClient(config) as client:
            payment = await client.payments.authorize(request(f"mp-new-{uuid.uuid4()}"))
        return old, payment.status.value

    out.put(asyncio.run(main()))


def test_multiprocessing_fork_context(adyen_config: cs.ClientConfig) -> None:
    parent = cs.AsyncClient(adyen_config)
    asyncio.run(parent.payments.authorize(request("mp-parent")))
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=pay_in_child, args=(adyen_config, parent, out))
    proc.start()
    proc.join(CHILD_DEADLINE_S)
    if proc.is_alive():
        proc.kill()
        raise AssertionError("the multiprocessing child hung")
    assert proc.exitcode == 0
    assert out.get(timeout=5) == ("configuration error", "charged")
