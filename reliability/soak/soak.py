"""Soak of the Python binding: ITERATIONS x (authorize, get, a webhook with a bad signature)
through one client, against a sandbox binary in another process; samples this process's RSS
and open descriptors after a warm-up, in the middle and at the end, and writes them as JSON
(judged by `reliability --soak-results`).

    python soak.py SANDBOX_BIN OUT.json [ITERATIONS]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import connector_service as cs


def sample() -> tuple[int, int]:
    rss = -1
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/self/fd"))


def main() -> None:
    sandbox_bin, out = sys.argv[1], sys.argv[2]
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    proc = subprocess.Popen([sandbox_bin, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().split()[-1]
        creds = {}
        for _ in range(6):
            kind, name, payload = proc.stdout.readline().split(" ", 2)
            if kind == "credentials":
                creds[name] = json.loads(payload)
        config = cs.ClientConfig.from_dict({"connector": creds["checkout"], "base_url": f"{base}/checkout"})
        client = cs.Client(config)
        warmup = iterations // 10
        rss = [0, 0, 0]
        fds = [0, 0, 0]
        calls = 0
        for i in range(warmup + iterations):
            if i == warmup:
                rss[0], fds[0] = sample()
            elif i == warmup + iterations // 2:
                rss[1], fds[1] = sample()
            payment = client.payments.authorize(
                amount=cs.Money(1000 + i % 500, "USD"),
                merchant_reference=f"soak-{i}",
                payment_method=cs.Card("4242424242424242", 12, 2030, cvc="100"),
            )
            client.payments.get(connector_transaction_id=payment.connector_transaction_id)
            try:
                client.webhooks.verify_and_parse(
                    headers={"cko-signature": "0" * 64}, body=b'{"type": "payment_approved", "data": {}}'
                )
            except cs.ConnectorServiceError:
                pass
            calls += 3
        rss[2], fds[2] = sample()
        with open(out, "w") as f:
            json.dump({"binding": "python", "calls": calls, "rss_kb": rss, "fds": fds}, f)
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
