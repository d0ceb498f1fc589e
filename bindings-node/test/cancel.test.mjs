// Cancelling a call with an AbortSignal (`options.signal`): on the event loop, and behind a proxy
// (on the runtime).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';

/** A server that accepts connections and never answers; it counts them and their closes. */
class Silent {
  constructor() {
    this.connections = 0;
    this.closed = 0;
    this.sockets = new Set();
    this.server = net.createServer((socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.closed += 1;
        this.sockets.delete(socket);
      });
      socket.resume();
    });
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Waits (up to 5 s) until `check()` holds. */
  async until(check, what) {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const request = (ref) => ({
  amount: { minorUnits: 1000, currency: 'EUR' },
  merchantReference: ref,
  returnUrl: 'https://shop.example/return',
  paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
});

const adyen = { type: 'adyen', apiKey: 'test-key-value', merchantAccount: 'TestMerchant' };

let silent;
let url;
before(async () => {
  silent = new Silent();
  url = await silent.start();
});
after(() => silent.stop());

for (const [name, config] of [
  ['on the event loop', () => ({ connector: adyen, baseUrl: url, transport: { retry: { enabled: false } } })],
  // Through a proxy that never answers: the call runs on the runtime.
  [
    'behind a proxy',
    () => ({ connector: adyen, baseUrl: 'http://processor.invalid', transport: { proxyUrl: url, retry: { enabled: false } } }),
  ],
]) {
  test(`an aborted call rejects with the signal's reason, closes its connection, and is reported as cancelled (${name})`, async () => {
    const records = [];
    const client = new cs.Client(config(), { onCall: (r) => records.push(r) });
    const before = { connections: silent.connections, closed: silent.closed };
    const controller = new AbortController();
    const call = client.payments.authorize(Object.assign(request('abort-1'), { idempotencyKey: `abort-key-${name.replaceAll(' ', '-')}` }), {
      signal: controller.signal,
      timeoutMs: 20000,
    });
    await silent.until(() => silent.connections > before.connections, 'the connection');
    const reason = new Error('the shopper left');
    const started = Date.now();
    controller.abort(reason);
    await assert.rejects(call, (e) => e === reason);
    assert.ok(Date.now() - started < 2000, `rejected after ${Date.now() - started} ms`);
    await silent.until(() => silent.closed > before.closed, 'the connection to close');
    await silent.until(() => records.length > 0, 'the call record');
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record.outcome, 'cancelled');
    assert.equal(record.operation, 'payments.authorize');
    assert.equal(record.status, undefined);
    assert.equal(record.errorCode, undefined);
    assert.equal(record.attempts, 1);
    assert.equal(record.idempotencyKey, `abort-key-${name.replaceAll(' ', '-')}`);
    assert.ok(!JSON.stringify(record).includes('test-key-value'));
  });
}

test('an already aborted signal sends nothing', async () => {
  const client = new cs.Client({ connector: adyen, baseUrl: url });
  const before = silent.connections;
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.payments.authorize(request('abort-2'), { signal: controller.signal }), { name: 'AbortError' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(silent.connections, before);
});

test('a signal that is not an AbortSignal is a TypeError', async () => {
  const client = new cs.Client({ connector: adyen, baseUrl: url });
  await assert.rejects(client.payments.authorize(request('abort-3'), { signal: 'stop' }), TypeError);
});

test('a call that a signal could cancel ends as any other; a late abort changes nothing', async () => {
  const sandbox = await Sandbox.start();
  try {
    const client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
    const controller = new AbortController();
    const payment = await client.payments.authorize(request('abort-4'), { signal: controller.signal });
    assert.equal(payment.status, 'charged');
    controller.abort();
    // No signal (null, as the type allows) beside the core's options.
    const again = await client.payments.authorize(request('abort-6'), { signal: null, timeoutMs: 10000 });
    assert.equal(again.status, 'charged');
    // A decline is still a response, and an error still the library's.
    const declined = await client.payments.authorize(Object.assign(request('abort-5'), { amount: { minorUnits: -1, currency: 'EUR' } }), {
      signal: new AbortController().signal,
    }).catch((e) => e);
    assert.ok(declined instanceof cs.InvalidRequestError, String(declined));
  } finally {
    sandbox.stop();
  }
});
