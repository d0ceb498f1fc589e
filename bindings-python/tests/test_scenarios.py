"""The shared scenarios (tests/scenarios/*.json) through the typed API, with the async client
and with the sync client."""

from __future__ import annotations

import asyncio
import json
import pathlib

import pytest

from conftest import SCENARIOS, Sandbox
from scenario_runner import ScenarioRunner

FILES = sorted(SCENARIOS.glob("*.json"))


def test_there_are_scenarios() -> None:
    assert FILES, f"no scenario files in {SCENARIOS}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_async(sandbox: Sandbox, path: pathlib.Path) -> None:
    asyncio.run(ScenarioRunner(sandbox, json.loads(path.read_text())).run_async())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_sync(sandbox: Sandbox, path: pathlib.Path) -> None:
    ScenarioRunner(sandbox, json.loads(path.read_text())).run_sync()
