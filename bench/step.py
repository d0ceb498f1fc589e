"""`make bench` (Python part, and the table): replays the step fixtures of the Rust bench
through the Python binding's sans-IO `Connector.step`, typed objects in and out, then prints,
per connector and flow, the Rust, Python and Node cost of building the request and of parsing
the response, and the bindings' ratio to Rust. Usage: `python step.py STEPS.json`."""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable

import connector_service as cs
from connector_service import _services

BUDGET_S = float(os.environ.get("BENCH_STEP_MS", "300")) / 1000


def ns_per_op(f: Callable[[], object]) -> float:
    for _ in range(200):
        f()
    n = 0
    start = time.perf_counter_ns()
    deadline = start + BUDGET_S * 1e9
    while time.perf_counter_ns() < deadline:
        for _ in range(50):
            f()
        n += 50
    return (time.perf_counter_ns() - start) / n


def main() -> None:
    path = sys.argv[1]
    with open(path) as f:
        data = json.load(f)
    request_types = {op: cls for cls, (op, _) in _services._OPERATIONS.items()}
    for connector in data["connectors"]:
        c = cs.Connector(cs.ClientConfig.from_dict(connector["config"]))
        for flow in connector["flows"]:
            request = request_types[flow["op"]].from_dict(flow["request"])
            responses = [cs.HttpResponse.from_dict(r) for r in flow["responses"]]
            key = flow["idempotency_key"]
            flow["python_build_ns"] = ns_per_op(functools.partial(c.step, request, [], idempotency_key=key))
            flow["python_parse_ns"] = ns_per_op(functools.partial(c.step, request, responses, idempotency_key=key))

    def us(ns: float | None) -> str:
        return "-" if ns is None else f"{ns / 1000:.1f}"

    def ratio(ns: float | None, base: float) -> str:
        return "-" if ns is None else f"{ns / base:.1f}x"

    print("\n== sans-IO step per connector and flow (us per step; ratio to Rust in brackets)")
    bindings = f"{'Python':>14} {'Node':>14}"
    print(f"{'connector':<10} {'flow':<20} | {'build: Rust':>11} {bindings} | {'parse: Rust':>11} {bindings}")
    worst = {"python": 0.0, "node": 0.0}
    for connector in data["connectors"]:
        for flow in connector["flows"]:
            cells = []
            for phase in ("build", "parse"):
                rust = flow[f"rust_{phase}_ns"]
                py = flow.get(f"python_{phase}_ns")
                node = flow.get(f"node_{phase}_ns")
                for lang, v in (("python", py), ("node", node)):
                    if v is not None:
                        worst[lang] = max(worst[lang], v / rust)
                py_cell, node_cell = (f"{us(v)} ({ratio(v, rust)})" for v in (py, node))
                cells.append(f"{us(rust):>11} {py_cell:>14} {node_cell:>14}")
            print(f"{connector['name']:<10} {flow['op']:<20} | {cells[0]} | {cells[1]}")
    print(f"\nlargest ratio to Rust: Python {worst['python']:.1f}x, Node {worst['node']:.1f}x")


if __name__ == "__main__":
    main()
