// Promises, concurrency, and an event loop that is never blocked.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';

let sandbox;
let client;
before(async () => {
  sandbox = await Sandbox.start();
  client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
});
after(() => sandbox.stop());

const request = (ref) => ({
  amount: { minorUnits: 1000 + (ref.length % 7), currency: 'EUR' },
  merchantReference: ref,
  returnUrl: 'https://shop.example/return',
  paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
});

test('200 concurrent calls with Promise.all', async () => {
  await sandbox.reset();
  const N = 200;
  const payments = await Promise.all(Array.from({ length: N }, (_, i) => client.payments.authorize(request(`concurrent-${i}`))));
  assert.equal(payments.length, N);
  for (const p of payments) assert.equal(p.status, 'charged');
  const ids = new Set(payments.map((p) => p.connectorTransactionId));
  assert.equal(ids.size, N, 'every call got its own payment');
  const keys = new Set(payments.map((p) => p.idempotencyKey));
  assert.equal(keys.size, N, 'every call carried its own idempotency key');
  assert.deepEqual(payments.map((p) => p.merchantReference), Array.from({ length: N }, (_, i) => `concurrent-${i}`));
  const log = await sandbox.requests('adyen');
  assert.equal(log.count, N);
});

test('a timer keeps firing while a slow call is in flight', async () => {
  await sandbox.reset();
  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'latency', ms: 1500 }, count: 1 });
  let ticks = 0;
  let ticksWhenSettled = -1;
  const timer = setInterval(() => {
    ticks += 1;
  }, 10);
  try {
    const call = client.payments.authorize(request('slow-1')).then((p) => {
      ticksWhenSettled = ticks;
      return p;
    });
    // The call is pending, and the loop runs: the timer fires again and again before it ends.
    const payment = await call;
    assert.equal(payment.status, 'charged');
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticksWhenSettled >= 5, `the timer fired ${ticksWhenSettled} times during the call`);
  // Other work completes while the slow call is pending too.
  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'latency', ms: 1500 }, count: 1 });
  const order = [];
  const slow = client.payments.authorize(request('slow-2')).then(() => order.push('slow'));
  await new Promise((r) => setTimeout(r, 50));
  const fast = client.payments.authorize(request('fast-1')).then(() => order.push('fast'));
  await Promise.all([slow, fast]);
  assert.deepEqual(order, ['fast', 'slow']);
});

test('calls on many clients share one runtime', async () => {
  await sandbox.reset();
  const config = await sandboxConfig(sandbox, 'adyen', cs);
  const clients = Array.from({ length: 20 }, () => new cs.Client(config));
  const results = await Promise.all(clients.map((c, i) => c.payments.authorize(request(`multi-${i}`))));
  assert.equal(results.filter((p) => p.status === 'charged').length, 20);
});
