// The shared scenarios (tests/scenarios/*.json) against the sandbox, through the typed API.
// Each file is validated against tests/scenario.schema.json first. Each scenario gets its own
// sandbox, so that webhooks still in flight from one scenario can never reach the next one's
// outbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Sandbox } from './helpers/sandbox.mjs';
import { assertValidScenario, runScenario, scenarioFiles } from './helpers/scenarios.mjs';

const files = scenarioFiles();

test('the shared scenarios are there', () => {
  assert.ok(files.length > 0, 'no scenario files in tests/scenarios');
});

for (const { file, scenario } of files) {
  test(`scenario ${file}: ${scenario.description || scenario.name}`, async () => {
    // Validated against tests/scenario.schema.json before it runs.
    assertValidScenario(file, scenario);
    const sandbox = await Sandbox.start();
    try {
      const steps = await runScenario(sandbox, scenario);
      assert.equal(steps, scenario.steps.length);
    } finally {
      sandbox.stop();
    }
  });
}
