// The shared scenarios (tests/scenarios/*.json) against the sandbox, through the typed API.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Sandbox } from './helpers/sandbox.mjs';
import { runScenario, scenarioFiles } from './helpers/scenarios.mjs';

let sandbox;
before(async () => {
  sandbox = await Sandbox.start();
});
after(() => sandbox.stop());

const files = scenarioFiles();

test('the shared scenarios are there', () => {
  assert.ok(files.length > 0, 'no scenario files in tests/scenarios');
});

for (const { file, scenario } of files) {
  test(`scenario ${file}: ${scenario.description || scenario.name}`, async () => {
    const steps = await runScenario(sandbox, scenario);
    assert.equal(steps, scenario.steps.length);
  });
}
