// examples/node/lifecycle.mjs (the README's Node quick start) runs to the end against the
// sandbox and exits by itself.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, Sandbox } from './helpers/sandbox.mjs';

const EXAMPLES = path.join(REPO_ROOT, 'examples', 'node');

let sandbox;
before(async () => {
  sandbox = await Sandbox.start();
});
after(() => sandbox.stop());

test('the lifecycle example runs', async () => {
  assert.ok(existsSync(path.join(EXAMPLES, 'node_modules', 'connector-service')), 'run `npm install` in examples/node (make test does)');
  const { stdout } = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['lifecycle.mjs'], { cwd: EXAMPLES, env: { ...process.env, SANDBOX_URL: sandbox.url }, timeout: 120000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout }));
  });
  for (const line of [
    /^authorize: authorized \S+$/m,
    /^capture: (pending|charged)$/m,
    /^refund: (pending|success) \S+$/m,
    /^webhook: payment CAPTURE \w+ \S+$/m,
    /^webhook: refund REFUND success \S+$/m,
    /^webhook: forged body rejected: webhook_verification_failed$/m,
    /^decline: failure \S+ /m,
    /^3-D Secure: authentication_pending redirect$/m,
    /^3-D Secure: after the challenge: charged$/m,
    /^error: InvalidRequestError amount\.minorUnits /m,
  ]) {
    assert.match(stdout, line);
  }
});
