// The generated conversion between the package's camelCase objects and the core's JSON, and
// the checks made before anything is sent. No network: requests rejected here never leave the
// process (the client points at an address nothing listens on).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as cs from 'connector-service';

const CONFIG = { connector: { type: 'adyen', apiKey: 'AQE_test_key_0123456789', merchantAccount: 'TestMerchant' }, baseUrl: 'http://127.0.0.1:9/adyen' };

function authorizeRequest(overrides = {}) {
  return {
    amount: { minorUnits: 1000, currency: 'USD' },
    merchantReference: 'order-1',
    returnUrl: 'https://shop.example/return',
    paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
    ...overrides,
  };
}

test('camelCase objects become the core JSON and back; map keys are data', () => {
  const request = authorizeRequest({
    metadata: { order_id: '42', 'x-Mixed_Case': 'v', camelKey: 'c' },
    browserInfo: { userAgent: 'UA', colorDepth: 24, javaEnabled: false },
  });
  const wire = JSON.parse(cs.toCoreJson('AuthorizeRequest', request));
  assert.deepEqual(wire.amount, { minor_units: 1000, currency: 'USD' });
  assert.equal(wire.merchant_reference, 'order-1');
  assert.deepEqual(wire.payment_method, { type: 'card', number: '4111111111111111', expiry_month: 3, expiry_year: 2030, cvc: '737' });
  assert.deepEqual(wire.metadata, { order_id: '42', 'x-Mixed_Case': 'v', camelKey: 'c' });
  assert.deepEqual(wire.browser_info, { user_agent: 'UA', color_depth: 24, java_enabled: false });
  const back = cs.fromCoreJson('AuthorizeRequest', JSON.stringify(wire));
  assert.deepEqual(back, request);
});

test('tagged unions are discriminated unions with their tag', () => {
  const json = JSON.stringify({
    status: 'authentication_pending',
    connector: 'adyen',
    next_action: { type: 'redirect', url: 'https://pay.example/3ds', method: 'POST', form_fields: { PaReq: 'abc', MD: 'x_y' } },
  });
  const payment = cs.fromCoreJson('PaymentResponse', json);
  assert.equal(payment.status, 'authentication_pending');
  assert.deepEqual(payment.nextAction, { type: 'redirect', url: 'https://pay.example/3ds', method: 'POST', formFields: { PaReq: 'abc', MD: 'x_y' } });
  const event = cs.fromCoreJson('WebhookEvent', JSON.stringify({ kind: 'refund', event_type: 'REFUND', connector_refund_id: 'r1', status: 'success' }));
  assert.deepEqual(event, { kind: 'refund', eventType: 'REFUND', connectorRefundId: 'r1', status: 'success' });
  assert.throws(() => cs.toCoreJson('PaymentMethod', { type: 'wallet' }), (e) => e instanceof cs.InvalidRequestError && e.field === 'type');
  assert.throws(() => cs.toCoreJson('PaymentMethod', { number: '4111111111111111' }), (e) => e instanceof cs.InvalidRequestError && e.field === 'type');
});

test('bytes are Buffers in JavaScript and Base64 in the core JSON', () => {
  const pdf = Buffer.from('%PDF-1.4 evidence');
  const wire = JSON.parse(cs.toCoreJson('EvidenceDocument', { evidenceType: 'receipt', content: pdf, mimeType: 'application/pdf' }));
  assert.equal(wire.content, pdf.toString('base64'));
  const fromArray = JSON.parse(cs.toCoreJson('EvidenceDocument', { evidenceType: 'receipt', content: new Uint8Array(pdf), mimeType: 'application/pdf' }));
  assert.equal(fromArray.content, wire.content);
  const back = cs.fromCoreJson('EvidenceDocument', JSON.stringify(wire));
  assert.ok(Buffer.isBuffer(back.content));
  assert.deepEqual(back.content, pdf);
});

test('optional fields: null and undefined are left out; response nulls are absent', () => {
  const wire = JSON.parse(cs.toCoreJson('AuthorizeRequest', authorizeRequest({ customer: null, statementDescriptor: undefined })));
  assert.ok(!('customer' in wire) && !('statement_descriptor' in wire));
  const payment = cs.fromCoreJson('PaymentResponse', JSON.stringify({ status: 'charged', connector: 'adyen', decline: null, mandate_id: null }));
  assert.deepEqual(payment, { status: 'charged', connector: 'adyen' });
});

test('unknown and snake_case fields are rejected with a hint', () => {
  assert.throws(
    () => cs.toCoreJson('AuthorizeRequest', { ...authorizeRequest(), merchant_reference: 'x' }),
    (e) => e instanceof cs.InvalidRequestError && /merchantReference/.test(e.message),
  );
  assert.throws(
    () => cs.toCoreJson('Money', { minorUnits: 1, currency: 'USD', cents: 1 }),
    (e) => e instanceof cs.InvalidRequestError && /unknown field \(expected only `minorUnits`, `currency`\)/.test(e.message) && !e.message.includes('cents'),
  );
});

test('an unknown field of a config, of call options or of a request names the object it is in', async () => {
  assert.throws(
    () => new cs.Client({ ...CONFIG, retry: { enabled: false } }),
    (e) => e instanceof cs.InvalidConfigurationError && e.field === 'config' && /expected only `connector`/.test(e.message),
  );
  const client = new cs.Client(CONFIG);
  await assert.rejects(
    client.payments.void({ connectorTransactionId: 'x' }, { timeout: 5 }),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'options' && /expected only `timeoutMs`, `retry`/.test(e.message),
  );
  await assert.rejects(
    client.payments.void({ connectorTransactionId: 'x', reference: 'y' }),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'request',
  );
});

test('missing required fields name the field', () => {
  const { merchantReference, ...rest } = authorizeRequest();
  assert.equal(merchantReference, 'order-1');
  assert.throws(
    () => cs.toCoreJson('AuthorizeRequest', rest),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'merchantReference' && e.toJSON().field === 'merchant_reference',
  );
});

// Amounts are JavaScript numbers that must be safe integers (see README: "Amounts").
const BAD_AMOUNTS = [
  ['a fraction', 10.5, /fraction/],
  ['NaN', NaN, /NaN/],
  ['Infinity', Infinity, /Infinity/],
  ['a numeric string', '1000', /string/],
  ['2^53', 2 ** 53, /safe integer/],
  ['-(2^53)', -(2 ** 53), /safe integer/],
  ['1e21', 1e21, /safe integer/],
  ['a bigint', 1000n, /bigint/],
  ['null', null, /required/],
  ['an object', { value: 1 }, /object/],
];

for (const [name, value, message] of BAD_AMOUNTS) {
  test(`an amount that is ${name} is rejected before sending, naming the field`, async () => {
    const client = new cs.Client(CONFIG);
    await assert.rejects(client.payments.authorize(authorizeRequest({ amount: { minorUnits: value, currency: 'USD' } })), (e) => {
      assert.ok(e instanceof cs.InvalidRequestError, e.name);
      assert.equal(e.code, 'invalid_request');
      assert.equal(e.field, 'amount.minorUnits');
      assert.equal(e.toJSON().field, 'amount.minor_units');
      assert.equal(e.connector, 'adyen');
      assert.equal(e.flow, 'authorize');
      assert.match(e.message, message);
      // Rejected in the process: no connection was attempted, so no network error.
      assert.equal(e.httpStatus, undefined);
      return true;
    });
  });
}

test('the largest safe integer passes the binding and reaches the core', async () => {
  const wire = JSON.parse(cs.toCoreJson('Money', { minorUnits: Number.MAX_SAFE_INTEGER, currency: 'USD' }));
  assert.equal(wire.minor_units, 9007199254740991);
  // The core checks the domain (not negative); the binding only checks representation.
  const client = new cs.Client(CONFIG);
  await assert.rejects(client.payments.capture({ connectorTransactionId: 'p', amount: { minorUnits: -5, currency: 'USD' } }), (e) => {
    assert.ok(e instanceof cs.InvalidRequestError);
    assert.equal(e.connector, 'adyen');
    assert.equal(e.flow, 'capture');
    return true;
  });
});

test('amounts from the core beyond 2^53-1 are refused, not rounded', () => {
  const json = '{"minor_units": 9007199254740993, "currency": "USD"}';
  assert.throws(() => cs.fromCoreJson('Money', json), (e) => e instanceof cs.InvalidResponseError);
});

test('every integer field is checked, with the range of its format', async () => {
  const client = new cs.Client(CONFIG);
  const card = { type: 'card', number: '4111111111111111', expiryMonth: 256, expiryYear: 2030 };
  await assert.rejects(client.payments.authorize(authorizeRequest({ paymentMethod: card })), (e) => {
    assert.ok(e instanceof cs.InvalidRequestError);
    assert.equal(e.field, 'paymentMethod.expiryMonth');
    return true;
  });
  assert.throws(
    () => new cs.Client({ ...CONFIG, transport: { timeoutMs: 1.5 } }),
    (e) => e instanceof cs.InvalidConfigurationError && e.field === 'transport.timeoutMs',
  );
  await assert.rejects(
    client.payments.capture({ connectorTransactionId: 'p', amount: { minorUnits: 5, currency: 'USD' } }, { timeoutMs: -1 }),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'options.timeoutMs',
  );
});

test('the core names nested fields in JavaScript terms', async () => {
  const client = new cs.Client(CONFIG);
  await assert.rejects(
    client.payments.authorize(authorizeRequest({ paymentMethod: { type: 'card', number: '4111111111111112', expiryMonth: 3, expiryYear: 2030 } })),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'paymentMethod.number' && e.toJSON().field === 'payment_method.number',
  );
  await assert.rejects(
    client.disputes.submitEvidence({ connectorDisputeId: 'd', documents: [{ evidenceType: 'bogus', content: Buffer.from('x'), mimeType: 'application/pdf' }] }),
    (e) => e instanceof cs.InvalidRequestError && e.field === 'documents[0].evidenceType',
  );
});

test('every operation is a typed method returning a Promise', async () => {
  const client = new cs.Client(CONFIG);
  assert.equal(cs.OPERATION_NAMES.length, cs.apiSchema().operations.length);
  for (const name of cs.OPERATION_NAMES) {
    const [service, method] = name.split('.');
    assert.equal(typeof client[service][method], 'function', name);
    // A bad request: the method still returns a (rejected) Promise instead of throwing.
    const pending = client[service][method](42);
    assert.ok(pending instanceof Promise, name);
    await assert.rejects(pending, (e) => e instanceof cs.InvalidRequestError && e.field === 'request');
  }
});

test('environments and transport options are part of the config', () => {
  const client = new cs.Client({
    ...CONFIG,
    environment: 'sandbox',
    transport: { connectTimeoutMs: 2000, timeoutMs: 10000, retry: { enabled: true, maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 500 }, userAgentSuffix: 'shop/1.0' },
  });
  assert.equal(client.connector, 'adyen');
  assert.throws(() => new cs.Client({ ...CONFIG, environment: 'staging' }), (e) => e instanceof cs.InvalidConfigurationError && e.field === 'environment');
  const live = new cs.Client({ connector: { type: 'adyen', apiKey: 'k', merchantAccount: 'M', liveEndpointPrefix: '1797a841fbb37ca7-AdyenDemo' }, environment: 'live' });
  assert.equal(live.toJSON().environment, 'live');
  const razorpay = new cs.Client({ connector: { type: 'razorpay', keyId: 'rzp_test_abc', keySecret: 's3cr3t', webhookSecrets: ['w1', 'w2'] } });
  assert.equal(razorpay.connector, 'razorpay');
});
