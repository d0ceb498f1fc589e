// The package loads from ES modules and from CommonJS, with the same objects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

import * as esm from 'connector-service';
import defaultExport from 'connector-service';

const require = createRequire(import.meta.url);

test('ESM named exports and CommonJS exports are the same objects', () => {
  const cjs = require('connector-service');
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), Object.keys(cjs).sort());
  for (const key of Object.keys(cjs)) assert.equal(esm[key], cjs[key], key);
  assert.equal(defaultExport, cjs);
});

test('a CommonJS program requires the package', () => {
  const out = execFileSync(process.execPath, [
    '-e',
    "const cs = require('connector-service'); const c = new cs.Client({connector:{type:'adyen',apiKey:'k',merchantAccount:'M'}}); console.log(c.connector, typeof cs.RateLimitedError, cs.coreVersion());",
  ], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  assert.match(out, /^adyen function \d+\.\d+\.\d+/);
});

test('an ES module program imports the package', () => {
  const out = execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    "import { Client, InvalidRequestError } from 'connector-service'; const c = new Client({connector:{type:'razorpay',keyId:'rzp_test_1',keySecret:'s'}}); console.log(c.connector, typeof InvalidRequestError);",
  ], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  assert.equal(out.trim(), 'razorpay function');
});

test('the addon and the generated code come from the same core', () => {
  assert.equal(esm.coreVersion(), esm.apiSchema().version);
});

test('newIdempotencyKey gives a fresh UUID v4, to keep across a call you stop waiting for', () => {
  const [a, b] = [esm.newIdempotencyKey(), esm.newIdempotencyKey()];
  assert.notEqual(a, b);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
