// The shared scenarios (tests/scenarios/*.json) against the sandbox, through the typed API.
// Each scenario gets its own sandbox, so that webhooks still in flight from one scenario can
// never reach the next one's outbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Sandbox } from './helpers/sandbox.mjs';
import { runScenario, scenarioFiles } from './helpers/scenarios.mjs';

const files = scenarioFiles();

test('the shared scenarios are there', () => {
  assert.ok(files.length > 0, 'no scenario files in tests/scenarios');
});

for (const { file, scenario } of files) {
  test(`scenario ${file}: ${scenario.description || scenario.name}`, async () => {
    const sandbox = await Sandbox.start();
    try {
      const steps = await runScenario(sandbox, scenario);
      assert.equal(steps, scenario.steps.length);
    } finally {
      sandbox.stop();
    }
  });
}
