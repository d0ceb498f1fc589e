"""The shared scenarios (tests/scenarios/*.json) through the typed API, with the async client
and with the sync client. Each file is validated against tests/scenario.schema.json first; the
shared matcher self-test (tests/matchers.selftest.json) checks this runner's matcher, variable
expansion and save paths against the cases every runner checks."""

from __future__ import annotations

import asyncio
import json
import pathlib
import re
from typing import Any

import pytest

from conftest import SCENARIOS, Sandbox
from scenario_runner import TESTS_DIR, ScenarioFailure, ScenarioRunner, load_scenario, lookup, matches, schema_errors

FILES = sorted(SCENARIOS.glob("*.json"))
SELFTEST: dict[str, Any] = json.loads((TESTS_DIR / "matchers.selftest.json").read_text())
INVALID_DIR = TESTS_DIR / "fixtures" / "invalid"
INVALID: dict[str, str] = json.loads((TESTS_DIR / "fixtures" / "invalid.json").read_text())["files"]


def test_there_are_scenarios() -> None:
    assert FILES, f"no scenario files in {SCENARIOS}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_async(sandbox: Sandbox, path: pathlib.Path) -> None:
    asyncio.run(ScenarioRunner(sandbox, load_scenario(path)).run_async())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_sync(sandbox: Sandbox, path: pathlib.Path) -> None:
    ScenarioRunner(sandbox, load_scenario(path)).run_sync()


def test_invalid_fixtures_are_listed() -> None:
    assert sorted(p.name for p in INVALID_DIR.glob("*.json")) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_scenario_is_rejected(name: str) -> None:
    path = INVALID_DIR / name
    pointer = INVALID[name]
    errors = schema_errors(json.loads(path.read_text()))
    assert errors, f"{name} validates, but must not"
    assert any(at == pointer or at.startswith(pointer + "/") for at, _ in errors), (pointer, errors)
    with pytest.raises(ScenarioFailure, match=re.escape(name)) as failure:
        load_scenario(path)
    assert f'"{pointer}' in str(failure.value)


@pytest.mark.parametrize("case", SELFTEST["match"], ids=[c["name"] for c in SELFTEST["match"]])
def test_matcher_self_test(case: dict[str, Any]) -> None:
    assert (matches(case["expect"], case["actual"]) == []) is case["matches"], matches(case["expect"], case["actual"])


@pytest.mark.parametrize("case", SELFTEST["expand"], ids=[c["name"] for c in SELFTEST["expand"]])
def test_expand_self_test(case: dict[str, Any]) -> None:
    runner = ScenarioRunner.__new__(ScenarioRunner)
    runner.vars = dict(case["vars"])
    if case.get("error"):
        with pytest.raises(ScenarioFailure):
            runner.expand(case["value"])
        return
    result = runner.expand(case["value"])
    if "result_pattern" in case:
        assert isinstance(result, str) and re.search(case["result_pattern"], result), result
    else:
        assert result == case["result"] and type(result) is type(case["result"])


@pytest.mark.parametrize("case", SELFTEST["save"], ids=[c["name"] for c in SELFTEST["save"]])
def test_save_self_test(case: dict[str, Any]) -> None:
    if case.get("error"):
        with pytest.raises(ScenarioFailure):
            lookup(case["value"], case["path"])
        return
    assert lookup(case["value"], case["path"]) == case["result"]
