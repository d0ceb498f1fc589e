// Webhooks verified from the raw bytes: from the sandbox's outbox, and delivered by the sandbox
// to a real Node HTTP server. A changed body is rejected.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import * as cs from 'connector-service';
import { Sandbox, sandboxConfig } from './helpers/sandbox.mjs';
import { tamper } from './helpers/scenarios.mjs';

const CARD = { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' };

// A merchant's webhook endpoint: collects the raw body, verifies it, answers the processor.
let client;
const received = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    try {
      const notification = client.webhooks.verifyAndParse({ headers: req.headers, body });
      received.push(notification);
      res.writeHead(notification.acknowledgement.status, { 'content-type': notification.acknowledgement.contentType });
      res.end(notification.acknowledgement.body);
    } catch (e) {
      received.push(e);
      res.writeHead(401);
      res.end();
    }
  });
});

let sandbox;
before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  sandbox = await Sandbox.start(['--webhook-url', `adyen=http://127.0.0.1:${port}/webhooks/adyen`]);
  client = new cs.Client(await sandboxConfig(sandbox, 'adyen', cs));
});
after(() => {
  sandbox.stop();
  server.close();
});

async function pay(ref) {
  const payment = await client.payments.authorize({
    amount: { minorUnits: 2500, currency: 'EUR' },
    merchantReference: ref,
    returnUrl: 'https://shop.example/return',
    paymentMethod: CARD,
  });
  assert.equal(payment.status, 'charged');
  return payment;
}

test('a webhook from the outbox verifies from its raw Buffer', async () => {
  await sandbox.reset();
  const payment = await pay('wh-1');
  const hook = await sandbox.nextWebhook('adyen', 'AUTHORISATION');
  assert.ok(hook, 'the sandbox emitted AUTHORISATION');
  const notification = client.webhooks.verifyAndParse({ headers: hook.headers, body: Buffer.from(hook.body, 'utf8') });
  assert.equal(notification.connector, 'adyen');
  assert.equal(notification.events.length, 1);
  const [event] = notification.events;
  assert.equal(event.kind, 'payment');
  assert.equal(event.connectorTransactionId, payment.connectorTransactionId);
  assert.deepEqual(event.amount, { minorUnits: 2500, currency: 'EUR' });
  assert.equal(typeof notification.acknowledgement.body, 'string');
  // The same bytes as a Uint8Array verify too.
  const again = client.webhooks.verifyAndParse({ headers: hook.headers, body: new Uint8Array(Buffer.from(hook.body, 'utf8')) });
  assert.deepEqual(again, notification);
});

test('a tampered body is rejected with WebhookVerificationError', async () => {
  await sandbox.reset();
  await pay('wh-2');
  const hook = await sandbox.nextWebhook('adyen', 'AUTHORISATION');
  assert.ok(hook);
  const body = tamper(Buffer.from(hook.body, 'utf8'));
  assert.notDeepEqual(body, Buffer.from(hook.body, 'utf8'));
  assert.throws(() => client.webhooks.verifyAndParse({ headers: hook.headers, body }), (e) => {
    assert.ok(e instanceof cs.WebhookVerificationError, e.name);
    assert.equal(e.code, 'webhook_verification_failed');
    assert.equal(e.flow, 'webhook');
    return true;
  });
  // The sans-IO connector verifies the same way.
  const connector = new cs.Connector(await sandboxConfig(sandbox, 'adyen', cs));
  assert.throws(() => connector.webhooks.verifyAndParse({ headers: hook.headers, body }), cs.WebhookVerificationError);
  assert.equal(connector.webhooks.verifyAndParse({ headers: hook.headers, body: Buffer.from(hook.body) }).events[0].kind, 'payment');
});

test('webhooks delivered over HTTP to a Node server verify from the raw request body', async () => {
  received.length = 0;
  await sandbox.reset();
  const payment = await pay('wh-3');
  // Wait (by polling the outbox, which the sandbox fills as it delivers) until delivered.
  const hook = await sandbox.nextWebhook('adyen', 'AUTHORISATION');
  assert.ok(hook);
  // Deliveries of earlier tests' webhooks may arrive too: look for this payment's.
  const mine = () => received.find((n) => !(n instanceof Error) && n.events.some((e) => e.connectorTransactionId === payment.connectorTransactionId));
  for (let i = 0; i < 250 && !mine(); i++) await new Promise((r) => setTimeout(r, 20));
  const errors = received.filter((n) => n instanceof Error);
  assert.deepEqual(errors, [], 'every delivered webhook verified');
  const notification = mine();
  assert.ok(notification, 'the server received the payment\'s webhook');
  assert.equal(notification.events[0].kind, 'payment');
  assert.equal(notification.events[0].eventType, 'AUTHORISATION');
});

test('bad webhook input is an InvalidRequestError', () => {
  assert.throws(() => client.webhooks.verifyAndParse({ headers: {}, body: 42 }), (e) => e instanceof cs.InvalidRequestError && e.field === 'body');
  assert.throws(() => client.webhooks.verifyAndParse(null), cs.InvalidRequestError);
  assert.throws(() => client.webhooks.verifyAndParse({ headers: 'x-signature: 1', body: '{}' }), (e) => e instanceof cs.InvalidRequestError && e.field === 'headers');
});

test('a Razorpay webhook signed with a rotated-out secret verifies from its raw bytes; a changed byte does not', async () => {
  const { createHmac } = await import('node:crypto');
  const razorpay = new cs.Client({ connector: { type: 'razorpay', keyId: 'rzp_test_1', keySecret: 'key-secret', webhookSecrets: ['new-secret', 'old-secret'] } });
  // Raw bytes as Razorpay sends them (spacing and key order are kept: the signature covers them).
  const body = Buffer.from('{"entity":"event","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_29QQoUBi66xm2f","entity":"payment","amount":50000,"currency":"INR","status":"captured","order_id":"order_9A33XWu170gUtm","method":"card","captured":true}}},"created_at":1567674606}');
  const signature = createHmac('sha256', 'old-secret').update(body).digest('hex');
  const headers = { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'evt_1', 'content-type': 'application/json' };
  const notification = razorpay.webhooks.verifyAndParse({ headers, body });
  assert.equal(notification.connector, 'razorpay');
  assert.equal(notification.events.length, 1);
  const [event] = notification.events;
  assert.equal(event.kind, 'payment');
  assert.equal(event.eventType, 'payment.captured');
  assert.equal(event.connectorTransactionId, 'pay_29QQoUBi66xm2f');
  assert.deepEqual(event.amount, { minorUnits: 50000, currency: 'INR' });
  assert.deepEqual(notification.acknowledgement, { status: 200, contentType: 'text/plain', body: 'OK' });

  const changed = Buffer.from(body);
  changed[changed.indexOf('50000')] = '6'.charCodeAt(0);
  assert.throws(() => razorpay.webhooks.verifyAndParse({ headers, body: changed }), cs.WebhookVerificationError);
  assert.throws(
    () => razorpay.webhooks.verifyAndParse({ headers: { 'x-razorpay-signature': createHmac('sha256', 'unknown').update(body).digest('hex') }, body }),
    cs.WebhookVerificationError,
  );
});
