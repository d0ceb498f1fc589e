"""`make bench-peers`: connector-service against the official Adyen SDKs and the best plain
HTTP clients of each language (Python, Node, JVM), each run on a fresh local sandbox.

Starts a fresh sandbox (release build) for every run of a client, pinned to one core (it
keeps every payment it is sent: a store grown by the whole benchmark, gigabytes of it, made its
hash tables resize under load, stalling whichever run was on), runs every client pinned to
another (`taskset`, when present), each row at concurrency 1 and 50, for BENCH_ROUNDS rounds with the
rows interleaved (round 1 of every row, then round 2 in reverse order, ...), and prints the
medians as a Markdown table: calls/s, p50/p99 latency, the client process's CPU time per call
(every thread: the binding's runtime threads, the JVM's compiler and collector) and peak RSS,
and the ratio of calls/s to the official SDK and to the fastest plain client of the same language (the
median of the rounds' ratios, each taken within one round). Noise is the spread of the rounds:
(max - min) / median of calls/s, per cell.

Environment: BENCH_SECONDS (per run, default 3), BENCH_ROUNDS (default 3), BENCH_WARMUP
(default 0.5), BENCH_JVM_WARMUP (default 10: after 2 s the JIT was still compiling, and
OkHttp ran at half its steady speed), BENCH_ROWS (comma-separated row names, default all), BENCH_SANDBOX (the sandbox
binary), BENCH_PYTHON, BENCH_NODE, BENCH_JAVA.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCIES = (1, 50)
PYTHON = os.environ.get("BENCH_PYTHON", sys.executable)
NODE = os.environ.get("BENCH_NODE", "node")
SANDBOX = os.environ.get("BENCH_SANDBOX", str(ROOT / "target" / "release" / "connector-sandbox"))
JAVA = os.environ.get("BENCH_JAVA", "java")
JVM_WARMUP = os.environ.get("BENCH_JVM_WARMUP", "10")
KOTLIN = HERE / "kotlin" / "target"


def jvm(client: str) -> tuple[str, ...]:
    """The command of a JVM row: the classes `mvn package` built in peers/kotlin, and their
    dependencies (the classpath it wrote)."""
    classpath = KOTLIN / "classpath.txt"
    deps = classpath.read_text().strip() if classpath.exists() else ""
    return (JAVA, "-cp", f"{KOTLIN / 'classes'}:{deps}", "bench.BenchKt", client)


@dataclass(frozen=True)
class Row:
    name: str
    language: str
    kind: str  # "ours", "sdk" (the official Adyen SDK), "plain" (a plain HTTP client)
    command: tuple[str, ...]


ROWS = [
    Row("connector-service AsyncClient", "Python", "ours", (PYTHON, str(HERE / "clients.py"), "ours-async")),
    Row("connector-service Client", "Python", "ours", (PYTHON, str(HERE / "clients.py"), "ours-blocking")),
    Row("Adyen 16.0.0 (official SDK)", "Python", "sdk", (PYTHON, str(HERE / "clients.py"), "adyen-sdk")),
    Row("aiohttp 3.14.5", "Python", "plain", (PYTHON, str(HERE / "clients.py"), "aiohttp")),
    Row("httpx 0.28.1 (async)", "Python", "plain", (PYTHON, str(HERE / "clients.py"), "httpx-async")),
    Row("httpx 0.28.1 (sync)", "Python", "plain", (PYTHON, str(HERE / "clients.py"), "httpx")),
    Row("requests 2.34.2", "Python", "plain", (PYTHON, str(HERE / "clients.py"), "requests")),
    Row("connector-service (Node)", "Node", "ours", (NODE, str(HERE / "clients.mjs"), "ours")),
    Row("@adyen/api-library 32.1.0 (official SDK)", "Node", "sdk", (NODE, str(HERE / "clients.mjs"), "adyen-sdk")),
    Row("undici 7.30.3", "Node", "plain", (NODE, str(HERE / "clients.mjs"), "undici")),
    Row("fetch (Node built-in)", "Node", "plain", (NODE, str(HERE / "clients.mjs"), "fetch")),
    Row("connector-service ConnectorClient (blocking)", "JVM", "ours", jvm("kotlin-blocking")),
    Row("connector-service ConnectorClient (suspend, on Dispatchers.Default)", "JVM", "ours", jvm("kotlin-suspend")),
    Row(
        "connector-service ConnectorClient (suspend, on its dispatcher)",
        "JVM",
        "ours",
        jvm("kotlin-suspend-dispatcher"),
    ),
    Row("java.net.http.HttpClient (JDK, blocking)", "JVM", "plain", jvm("jdk-httpclient")),
    Row("java.net.http.HttpClient (JDK, sendAsync)", "JVM", "plain", jvm("jdk-httpclient-async")),
    Row("OkHttp 5.5.1", "JVM", "plain", jvm("okhttp")),
]


def pinned(core: int, command: list[str]) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(core), *command]
    return command


def start_sandbox() -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    proc = subprocess.Popen(pinned(0, [SANDBOX]), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = ""
    creds: dict[str, str] = {}
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("connector-sandbox listening on "):
            url = line.split()[-1]
        elif line.startswith("credentials adyen "):
            creds = json.loads(line.split(" ", 2)[2])
            break
    if not url or not creds:
        proc.kill()
        raise SystemExit("the sandbox did not start")
    # Keep reading what it prints, so that a full pipe never blocks it.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, url, creds


def stop_sandbox(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def run_once(row: Row, concurrency: int) -> dict[str, float]:
    """One run of `row`'s client, against a sandbox started for it alone."""
    command = pinned(1, [*row.command, str(concurrency), str(SECONDS)])
    proc, url, creds = start_sandbox()
    env = dict(os.environ)
    env.update(
        BENCH_SANDBOX_URL=url,
        BENCH_ADYEN_API_KEY=creds["api_key"],
        BENCH_ADYEN_MERCHANT=creds["merchant_account"],
    )
    if row.language == "JVM":
        env["BENCH_WARMUP"] = JVM_WARMUP
    try:
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=SECONDS * 20 + 120)
    finally:
        stop_sandbox(proc)
    if out.returncode != 0:
        raise SystemExit(f"{row.name} (concurrency {concurrency}) failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["calls_per_s"] = result["calls"] / result["seconds"]
    return result


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def main() -> None:
    wanted = {n.strip() for n in os.environ.get("BENCH_ROWS", "").split(",") if n.strip()}
    rows = [r for r in ROWS if not wanted or r.command[-1] in wanted]
    unknown = wanted - {r.command[-1] for r in ROWS}
    if unknown:
        names = ", ".join(r.command[-1] for r in ROWS)
        raise SystemExit(f"BENCH_ROWS: no row named {', '.join(sorted(unknown))} (the rows: {names})")
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for round_ in range(ROUNDS):
        # Every other round runs the rows in reverse order, so that no row always runs
        # before the others (this VM's speed drifts over minutes).
        for row in rows if round_ % 2 == 0 else rows[::-1]:
            for c in CONCURRENCIES:
                r = run_once(row, c)
                results.setdefault((row.name, c), []).append(r)
                print(
                    f"round {round_ + 1}/{ROUNDS}  {row.name:<42} c={c:<3} {r['calls_per_s']:>8.0f} calls/s",
                    file=sys.stderr,
                    flush=True,
                )

    def median(name: str, c: int, key: str) -> float:
        return statistics.median(r[key] for r in results[(name, c)])

    def noise(name: str, c: int) -> float:
        values = [r["calls_per_s"] for r in results[(name, c)]]
        return (max(values) - min(values)) / statistics.median(values)

    def ratio(row: Row, kind: str, c: int) -> float | None:
        """The median over the rounds of the row's calls/s over the best `kind` row's of its
        language in the same round: a drift of the machine's speed between rounds cancels out."""
        peers = [r for r in rows if r.language == row.language and r.kind == kind]
        if not peers:
            return None
        per_round = [
            mine["calls_per_s"] / max(results[(p.name, c)][i]["calls_per_s"] for p in peers)
            for i, mine in enumerate(results[(row.name, c)])
        ]
        return statistics.median(per_round)

    warmup = os.environ.get("BENCH_WARMUP", "0.5")
    print(
        f"\n{time.strftime('%Y-%m-%d')}, {platform.node()} ({os.cpu_count()} cores), "
        f"sandbox on core 0, clients on core 1; {ROUNDS} interleaved rounds of {SECONDS:g} s per cell "
        f"(after {warmup} s warm-up, {JVM_WARMUP} s for the JVM), medians."
    )
    print(
        "\n| client | language | calls/s c=1 | calls/s c=50 | p50 / p99 c=1 (us) | p50 / p99 c=50 (us) "
        "| CPU per call c=1 / c=50 (us) | peak RSS (MiB) "
        "| vs official SDK c=1 / c=50 | vs best plain client c=1 / c=50 | noise c=1 / c=50 |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    verdict_ok = True
    for row in rows:
        cells = []
        sdk_ratio, plain_ratio = [], []
        for c in CONCURRENCIES:
            cps = median(row.name, c, "calls_per_s")
            sdk, plain = ratio(row, "sdk", c), ratio(row, "plain", c)
            sdk_ratio.append(sdk)
            plain_ratio.append(plain)
            cells.append(cps)
            if row.kind == "ours" and ((sdk is not None and sdk <= 1) or (plain is not None and plain <= 1)):
                verdict_ok = False
        lat = [f"{median(row.name, c, 'p50_us'):.0f} / {median(row.name, c, 'p99_us'):.0f}" for c in CONCURRENCIES]
        cpu = " / ".join(f"{median(row.name, c, 'cpu_us_per_call'):.0f}" for c in CONCURRENCIES)
        rss = max(median(row.name, c, "peak_rss_kib") for c in CONCURRENCIES) / 1024
        name = f"**{row.name}**" if row.kind == "ours" else row.name
        sdk_cell = " / ".join(fmt_ratio(r) for r in sdk_ratio)
        plain_cell = " / ".join(fmt_ratio(r) for r in plain_ratio)
        print(
            f"| {name} | {row.language} | {cells[0]:.0f} | {cells[1]:.0f} | {lat[0]} | {lat[1]} | {cpu} | {rss:.0f} "
            f"| {sdk_cell} | {plain_cell} | {noise(row.name, 1):.0%} / {noise(row.name, 50):.0%} |"
        )
    among = " (among the rows run: BENCH_ROWS)" if wanted else ""
    verdict = "Every" if verdict_ok else "NOT every"
    scope = " at both concurrencies" if verdict_ok else ""
    print(
        f"\n{verdict} connector-service row is ahead of the official SDK and of the best plain client "
        f"of its language{scope}{among}."
    )


if __name__ == "__main__":
    main()
