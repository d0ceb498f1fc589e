// Observability: the `onCall` hook (fields present, secrets absent, a throwing hook never
// breaks the call) and `setLogger`, the bridge of the core's logs (no secret at TRACE).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';

const PAN = '4111111111111111';
const CVC = '737';

let sandbox;
let config;
let apiKey;
before(async () => {
  sandbox = await Sandbox.start();
  config = await sandboxConfig(sandbox, 'adyen', cs);
  apiKey = (await sandbox.credentials()).adyen.api_key;
});
after(() => sandbox.stop());

const request = (holder = 'A Shopper', extra = {}) => ({
  amount: { minorUnits: 1000, currency: 'EUR' },
  merchantReference: `observe-${Math.random().toString(36).slice(2)}`,
  returnUrl: 'https://shop.example/return',
  paymentMethod: { type: 'card', number: PAN, expiryMonth: 3, expiryYear: 2030, cvc: CVC, holderName: holder },
  ...extra,
});

/** Resolves once `list` has `n` items: hooks run on the JavaScript thread, queued by the core. */
async function waitFor(list, n) {
  while (list.length < n) await new Promise((resolve) => setImmediate(resolve));
  return list;
}

function assertNoSecret(text) {
  for (const secret of [PAN, apiKey]) assert.ok(!text.includes(secret), `secret in ${text}`);
  for (const labelled of [`"${CVC}"`, `'${CVC}'`, `=${CVC}`, `: ${CVC}`]) assert.ok(!text.includes(labelled), `CVC in ${text}`);
}

test('onCall receives a typed record of every call', async () => {
  const records = [];
  const client = new cs.Client(config, { onCall: (r) => records.push(r) });
  const payment = await client.payments.authorize(request('A Shopper', { idempotencyKey: 'node-observe-1' }));
  const declined = await client.payments.authorize(request('DECLINED'));
  assert.equal(declined.status, 'failure');
  await assert.rejects(client.payments.capture({ connectorTransactionId: 'x', amount: { minorUnits: -5, currency: 'EUR' } }), cs.InvalidRequestError);
  await waitFor(records, 3);
  const byKey = (k) => records.find((r) => r.idempotencyKey === k);
  const ok = byKey('node-observe-1');
  assert.equal(ok.connector, 'adyen');
  assert.equal(ok.operation, 'payments.authorize');
  assert.equal(ok.flow, 'authorize');
  assert.equal(ok.outcome, payment.status);
  assert.equal(ok.status, payment.status);
  assert.equal(ok.errorCode, undefined);
  assert.equal(ok.httpStatus, 200);
  assert.equal(ok.attempts, 1);
  assert.ok(ok.latencyUs > 0);
  assert.equal(ok.requestId, payment.requestId);
  assert.equal(byKey(declined.idempotencyKey).outcome, 'failure');
  const invalid = records.find((r) => r.operation === 'payments.capture');
  assert.equal(invalid.errorCode, 'invalid_request');
  assert.equal(invalid.outcome, 'invalid_request');
  assert.equal(invalid.attempts, 0);
  for (const r of records) {
    const text = `${JSON.stringify(r)} ${util.inspect(r)}`;
    assertNoSecret(text);
    assert.ok(!text.includes('A Shopper'));
  }
});

test('onCall sees errors with their HTTP status and idempotency key', async () => {
  const records = [];
  const bad = cs.fromCoreJson('ClientConfig', JSON.stringify({ connector: { ...(await sandbox.credentials()).adyen, api_key: 'wrong-key-value' }, base_url: sandbox.base('adyen') }));
  const client = new cs.Client(bad, { onCall: (r) => records.push(r) });
  const error = await client.payments.authorize(request()).then(() => null, (e) => e);
  assert.ok(error instanceof cs.AuthenticationFailedError);
  const [record] = await waitFor(records, 1);
  assert.equal(record.errorCode, 'authentication');
  assert.equal(record.httpStatus, 401);
  assert.equal(record.attempts, 1);
  assert.equal(record.idempotencyKey, error.idempotencyKey);
  assert.ok(!JSON.stringify(record).includes('wrong-key-value'));
});

test('a throwing onCall hook is reported and the call succeeds', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const client = new cs.Client(config, {
      onCall: () => {
        throw new Error('hook bug');
      },
    });
    const payment = await client.payments.authorize(request());
    assert.ok(payment.connectorTransactionId);
    await waitFor(warnings, 1);
    assert.match(warnings[0].message, /onCall hook threw/);
  } finally {
    process.off('warning', onWarning);
  }
});

test('onCall must be a function', () => {
  assert.throws(() => new cs.Client(config, { onCall: 42 }), TypeError);
});

test('setLogger receives the core records at TRACE without secrets', async () => {
  const records = [];
  cs.setLogger((r) => records.push(r), { level: 'trace' });
  try {
    const client = new cs.Client(config);
    await client.payments.authorize(request());
    await waitFor(records, 1);
    // Wait for the call's last record (the response body, at TRACE).
    while (!records.some((r) => r.message === 'response body')) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    cs.setLogger(null);
  }
  const sending = records.find((r) => r.message === 'sending request');
  assert.ok(sending, JSON.stringify(records));
  assert.equal(sending.level, 'debug');
  assert.ok(sending.target.startsWith('connector_service'));
  assert.equal(sending.fields.connector, 'adyen');
  assert.equal(sending.fields.operation, 'payments.authorize');
  assert.ok(sending.fields.idempotency_key);
  assert.ok(records.some((r) => r.level === 'trace' && r.message === 'request body'));
  for (const r of records) assertNoSecret(JSON.stringify(r));
});

test('setLogLevel rejects a bad filter', () => {
  assert.throws(() => cs.setLogLevel('connector_service=[[['), cs.InvalidConfigurationError);
});
