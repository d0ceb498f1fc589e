// Error classes: one per error code, a common base, the core's fields in camelCase; and
// processor errors from the sandbox carry the processor's side.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';

const CARD = { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' };
const authorize = (ref, extra = {}) => ({
  amount: { minorUnits: 700, currency: 'EUR' },
  merchantReference: ref,
  returnUrl: 'https://shop.example/return',
  paymentMethod: CARD,
  ...extra,
});

let sandbox;
before(async () => {
  sandbox = await Sandbox.start();
});
after(() => sandbox.stop());

test("class names come from the core's naming table and shadow no global", () => {
  const table = cs.apiSchema().error_classes;
  assert.equal(`${table.base}Error`, cs.ConnectorServiceError.name);
  for (const [code, Class] of Object.entries(cs.ERROR_CLASSES)) {
    // The same stem as in Python (`<stem>Error`) and Kotlin (`<stem>Exception`).
    assert.equal(Class.name, `${table.stems[code]}Error`);
  }
  for (const Class of [cs.ConnectorServiceError, ...Object.values(cs.ERROR_CLASSES)]) {
    assert.ok(!(Class.name in globalThis), `${Class.name} shadows a global`);
  }
});

test('one Error subclass per error code of the schema, all under ConnectorServiceError', () => {
  const codes = cs.apiSchema().error_codes;
  assert.deepEqual(Object.keys(cs.ERROR_CLASSES), codes);
  for (const code of codes) {
    const Class = cs.ERROR_CLASSES[code];
    assert.equal(cs[Class.name], Class, `${Class.name} is exported`);
    const e = new Class({ code, message: 'm', retryable: false });
    assert.ok(e instanceof Error && e instanceof cs.ConnectorServiceError && e instanceof Class);
    assert.equal(e.name, Class.name);
    assert.equal(e.code, code);
  }
  assert.equal(cs.ERROR_CLASSES.rate_limited, cs.RateLimitedError);
  assert.equal(cs.ERROR_CLASSES.invalid_request, cs.InvalidRequestError);
  assert.equal(cs.ERROR_CLASSES.processor_error, cs.ProcessorError);
});

test('an authentication failure: HTTP status, processor code and message, never retried', async () => {
  const config = await sandboxConfig(sandbox, 'adyen', cs);
  config.connector.apiKey = 'wrong-key';
  const client = new cs.Client(config);
  await sandbox.reset();
  await assert.rejects(client.payments.authorize(authorize('auth-1')), (e) => {
    assert.ok(e instanceof cs.AuthenticationFailedError, e.name);
    assert.ok(e instanceof cs.ConnectorServiceError);
    assert.equal(e.code, 'authentication');
    assert.equal(e.httpStatus, 401);
    assert.equal(typeof e.processorCode, 'string');
    assert.equal(e.connector, 'adyen');
    assert.equal(e.flow, 'authorize');
    assert.equal(e.retryable, false);
    assert.equal(typeof e.idempotencyKey, 'string');
    assert.deepEqual(e.toJSON().http_status, 401);
    return true;
  });
});

test('a rate limit is a RateLimitedError with the HTTP status, retryable', async () => {
  const client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
  await sandbox.reset();
  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'rate_limit', retry_after_s: 0 }, count: 1 });
  await assert.rejects(client.payments.authorize(authorize('rl-1', { idempotencyKey: 'rl-key-1' }), { retry: false }), (e) => {
    assert.ok(e instanceof cs.RateLimitedError, e.name);
    assert.equal(e.code, 'rate_limited');
    assert.equal(e.httpStatus, 429);
    assert.equal(e.retryable, true);
    assert.equal(e.idempotencyKey, 'rl-key-1');
    return true;
  });
});

test('a processor outage is a ProcessorUnavailableError; a timeout a ProcessorTimeoutError', async () => {
  const client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
  await sandbox.reset();
  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'status', status: 503 }, count: 1 });
  await assert.rejects(client.payments.authorize(authorize('pu-1'), { retry: false }), (e) => e instanceof cs.ProcessorUnavailableError && e.httpStatus === 503);
  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'latency', ms: 1500 }, count: 1 });
  await assert.rejects(client.payments.authorize(authorize('to-1'), { retry: false, timeoutMs: 200 }), (e) => e instanceof cs.ProcessorTimeoutError && e.code === 'timeout');
});

test('a connection refused is a NetworkError', async () => {
  const config = await sandboxConfig(sandbox, 'adyen', cs);
  config.baseUrl = 'http://127.0.0.1:9/adyen';
  config.transport = { retry: { enabled: false } };
  const client = new cs.Client(config);
  await assert.rejects(client.payments.authorize(authorize('net-1')), (e) => e instanceof cs.NetworkError && e.code === 'network');
});

test('an unsupported flow is an UnsupportedError naming the flow', async () => {
  const client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
  await assert.rejects(client.payments.get({ connectorTransactionId: 'ANYPSPREFERENCE1' }), (e) => {
    assert.ok(e instanceof cs.UnsupportedError);
    assert.equal(e.flow, 'psync');
    assert.equal(e.connector, 'adyen');
    return true;
  });
});

test('a decline is a result, not an error', async () => {
  const client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
  const declined = await client.payments.authorize(authorize('decl-1', { paymentMethod: { ...CARD, holderName: 'DECLINED' } }));
  assert.equal(declined.status, 'failure');
  assert.ok(declined.decline);
  assert.equal(typeof declined.decline.message, 'string');
});
