// The sans-IO path: the connector builds requests, Node's own fetch sends them, the connector
// parses the answers. No network access from the native layer.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';

let sandbox;
before(async () => {
  sandbox = await Sandbox.start();
});
after(() => sandbox.stop());

let sent = 0;
async function send(request) {
  sent += 1;
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const CARD = { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' };

test('authorize, capture and refund with fetch driving the connector', async () => {
  await sandbox.reset();
  const connector = new cs.Connector(await sandboxConfig(sandbox, 'adyen', cs));
  assert.equal(connector.connector, 'adyen');
  const request = {
    amount: { minorUnits: 4200, currency: 'EUR' },
    merchantReference: 'sansio-1',
    returnUrl: 'https://shop.example/return',
    captureMethod: 'manual',
    paymentMethod: CARD,
  };

  // Step by step: first the request to send.
  const first = connector.step('payments.authorize', request);
  assert.equal(first.type, 'send');
  assert.equal(first.request.method, 'POST');
  assert.ok(first.request.url.startsWith(sandbox.base('adyen')));
  assert.ok(Buffer.isBuffer(first.request.body));
  assert.equal(typeof first.idempotencyKey, 'string');
  const response = await send(first.request);
  const done = connector.step('payments.authorize', request, [response], first.idempotencyKey);
  assert.equal(done.type, 'done');
  assert.equal(done.response.status, 'authorized');
  assert.equal(done.response.idempotencyKey, first.idempotencyKey);
  const payment = done.response.connectorTransactionId;
  assert.ok(payment);

  // Or driven to the end by run().
  sent = 0;
  const captured = await connector.run('payments.capture', { connectorTransactionId: payment, amount: { minorUnits: 4200, currency: 'EUR' } }, send);
  assert.ok(sent >= 1);
  assert.ok(['charged', 'pending'].includes(captured.status), captured.status);
  const refund = await connector.run('payments.refund', { connectorTransactionId: payment, amount: { minorUnits: 1000, currency: 'EUR' } }, send, { idempotencyKey: 'refund-sansio-1' });
  assert.equal(refund.idempotencyKey, 'refund-sansio-1');
  assert.ok(refund.connectorRefundId);

  // The sandbox saw exactly what fetch sent.
  const log = await sandbox.requests('adyen');
  assert.equal(log.count, 3);
});

test('a body crosses byte for byte, whatever its text; a request without one has none', async () => {
  const connector = new cs.Connector(await sandboxConfig(sandbox, 'adyen', cs));
  const name = 'Zoë Ørsted 山田 \u{1F4B3}';
  const step = connector.step('payments.authorize', {
    amount: { minorUnits: 4200, currency: 'EUR' },
    merchantReference: 'sansio-utf8',
    returnUrl: 'https://shop.example/return',
    paymentMethod: { ...CARD, holderName: name },
  });
  const body = step.request.body;
  assert.ok(Buffer.isBuffer(body));
  // UTF-8 in the bytes (the name's characters take 2, 3 and 4 bytes), the same text back.
  assert.ok(body.includes(Buffer.from(name, 'utf8')));
  assert.equal(JSON.parse(body.toString('utf8')).paymentMethod.holderName, name);

  const checkout = new cs.Connector(await sandboxConfig(sandbox, 'checkout', cs));
  const get = checkout.step('payments.get', { connectorTransactionId: 'pay_sansio' });
  assert.equal(get.request.method, 'GET');
  assert.equal(get.request.body, undefined);
});

test('a decline comes back as a done step, an HTTP error as a typed error', async () => {
  await sandbox.reset();
  const connector = new cs.Connector(await sandboxConfig(sandbox, 'adyen', cs));
  const declined = await connector.run('payments.authorize', {
    amount: { minorUnits: 100, currency: 'EUR' },
    merchantReference: 'sansio-2',
    returnUrl: 'https://shop.example/return',
    paymentMethod: { ...CARD, holderName: 'DECLINED' },
  }, send);
  assert.equal(declined.status, 'failure');
  assert.ok(declined.decline);

  await sandbox.fault({ processor: 'adyen', method: 'POST', path: '/v68/payments', fault: { type: 'status', status: 503 }, count: 1 });
  await assert.rejects(
    connector.run('payments.authorize', { amount: { minorUnits: 100, currency: 'EUR' }, merchantReference: 'sansio-3', returnUrl: 'https://shop.example/return', paymentMethod: CARD }, send),
    (e) => e instanceof cs.ProcessorUnavailableError && e.httpStatus === 503 && e.flow === 'authorize',
  );
});

test('bad step input is rejected before anything is built', () => {
  const connector = new cs.Connector({ connector: { type: 'adyen', apiKey: 'k', merchantAccount: 'M' } });
  assert.throws(() => connector.step('payments.nope', {}), (e) => e instanceof cs.InvalidRequestError && e.field === 'operation');
  assert.throws(
    () => connector.step('payments.capture', { connectorTransactionId: 'p', amount: { minorUnits: 1.5, currency: 'EUR' } }),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'amount.minorUnits',
  );
  assert.throws(
    () => connector.step('payments.capture', { connectorTransactionId: 'p', amount: { minorUnits: 1, currency: 'EUR' } }, [{ status: 'x', body: '' }]),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'responses[0].status',
  );
});
