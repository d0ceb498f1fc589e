// The process exits by itself when its work is done: no handle is left open by the addon.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { Sandbox } from './helpers/sandbox.mjs';

let sandbox;
before(async () => {
  sandbox = await Sandbox.start();
});
after(() => sandbox.stop());

/** Runs a Node script; resolves with its exit code and output, or null if it did not exit. */
function runNode(args, guardMs = 60000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Not an assertion on speed: a generous guard so that a hanging process fails the test
    // instead of hanging the suite.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, out, err });
    }, guardMs);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, out, err });
    });
  });
}

test('a script that made network calls exits by itself', async () => {
  const creds = await sandbox.credentials();
  const script = fileURLToPath(new URL('./fixtures/one-payment.mjs', import.meta.url));
  const { code, out, err } = await runNode([script, sandbox.base('adyen'), JSON.stringify(creds.adyen)]);
  assert.notEqual(code, null, 'the process did not exit by itself');
  assert.equal(code, 0, err);
  assert.match(out, /UnsupportedError/);
  assert.match(out, /charged,charged,charged/);
});

test('a worker thread makes calls on its own event loop, ends, and the process exits by itself', async () => {
  const creds = await sandbox.credentials();
  const script = fileURLToPath(new URL('./fixtures/worker-payment.mjs', import.meta.url));
  const { code, out, err } = await runNode([script, sandbox.base('adyen'), JSON.stringify(creds.adyen)]);
  assert.notEqual(code, null, 'the process did not exit by itself');
  assert.equal(code, 0, err);
  assert.equal(out.trim(), 'charged,charged');
});

test('a script that only builds a client exits by itself', async () => {
  const { code, err } = await runNode(['-e', "const { Client } = require('connector-service'); new Client({ connector: { type: 'razorpay', keyId: 'rzp_test_1', keySecret: 's' } });"]);
  assert.equal(code, 0, err);
});
