// No secret in any message or `util.inspect` output of the package's objects: the client, the
// sans-IO connector, the requests it builds, and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';

import * as cs from 'connector-service';

const API_KEY = 'AQEsecretApiKey0123456789';
const HMAC_KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
const DISPUTE_KEY = 'AQEdisputeKey987654321';
const RZP_SECRET = 'rzpKeySecretXYZ';
const RZP_WEBHOOK = 'rzpWebhookSecretABC';
const PAN = '4111111111111111';
const CVC = '7373';
const SECRETS = [API_KEY, HMAC_KEY, DISPUTE_KEY, RZP_SECRET, RZP_WEBHOOK, PAN, CVC];

function assertClean(text, what) {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${what} shows a secret: ${text}`);
}

function everyRendering(value) {
  return [util.inspect(value, { depth: 10, showHidden: true }), String(value), JSON.stringify(value) ?? '', util.format('%o', value)].join('\n');
}

const adyen = {
  connector: { type: 'adyen', apiKey: API_KEY, merchantAccount: 'TestMerchant', webhookHmacKey: HMAC_KEY, disputeApiKey: DISPUTE_KEY },
  baseUrl: 'http://user:pass@127.0.0.1:9/adyen',
};

test('a client shows its processor and environment, never its credentials', () => {
  const client = new cs.Client(adyen);
  const text = everyRendering(client);
  assertClean(text, 'Client');
  assert.match(util.inspect(client), /adyen/);
  assert.ok(!text.includes('pass'), 'URL credentials are not shown');
  const razorpay = new cs.Client({ connector: { type: 'razorpay', keyId: 'rzp_test_1', keySecret: RZP_SECRET, webhookSecrets: [RZP_WEBHOOK] } });
  assertClean(everyRendering(razorpay), 'Client');
  assertClean(everyRendering(razorpay.payments), 'service');
  assertClean(everyRendering(razorpay.webhooks), 'webhooks');
});

test('a sans-IO connector and the requests it builds mask credentials and card data', () => {
  const connector = new cs.Connector(adyen);
  assertClean(everyRendering(connector), 'Connector');
  const step = connector.step('payments.authorize', {
    amount: { minorUnits: 1000, currency: 'EUR' },
    merchantReference: 'o-1',
    returnUrl: 'https://shop.example/return',
    paymentMethod: { type: 'card', number: PAN, expiryMonth: 3, expiryYear: 2030, cvc: CVC },
  });
  assert.equal(step.type, 'send');
  // The request itself carries what must be sent...
  assert.ok(Object.values(step.request.headers).includes(API_KEY));
  assert.ok(step.request.body.toString().includes(PAN));
  // ...but never shows it.
  assertClean(util.inspect(step, { depth: 10 }), 'step');
  assertClean(util.inspect(step.request), 'HttpRequest');
  assert.match(util.inspect(step.request), /<\d+ bytes>/);
});

test('errors never echo a card number, a secret or the offending value', async () => {
  const client = new cs.Client(adyen);
  const badPan = '4111111111111112';
  const attempts = [
    client.payments.authorize({ amount: { minorUnits: 1, currency: 'EUR' }, merchantReference: 'o', returnUrl: 'https://s/r', paymentMethod: { type: 'card', number: badPan, expiryMonth: 3, expiryYear: 2030 } }),
    client.payments.authorize({ amount: { minorUnits: 1, currency: 'EUR' }, merchantReference: 'o', returnUrl: 'https://s/r', paymentMethod: { type: 'card', number: PAN, expiryMonth: PAN, expiryYear: 2030 } }),
    client.payments.authorize({ amount: { minorUnits: 1, currency: 'EUR' }, merchantReference: 'o', returnUrl: 'https://s/r', paymentMethod: { type: 'card', number: PAN, expiryMonth: 3, expiryYear: 2030, cvc: Number(CVC) } }),
    client.payments.authorize({ amount: { minorUnits: 1, currency: 'EUR' }, merchantReference: 'o', returnUrl: 'https://s/r', paymentMethod: { type: 'card', number: PAN, expiryMonth: 3, expiryYear: 2030, cvc: CVC, [API_KEY]: 1 } }),
  ];
  const settled = attempts.map((a) => a.then(() => null, (e) => e));
  for (const outcome of settled) {
    const e = await outcome;
    assert.ok(e, 'expected an error');
    assert.ok(e instanceof cs.InvalidRequestError, e.name);
    const text = everyRendering(e) + e.stack + JSON.stringify(e.toJSON());
    assertClean(text, e.name);
    assert.ok(!text.includes(badPan), text);
  }
  assert.throws(
    () => new cs.Client({ connector: { type: 'adyen', apiKey: API_KEY, merchantAccount: 42 } }),
    (e) => {
      assertClean(everyRendering(e) + e.stack, 'config error');
      return e instanceof cs.InvalidConfigurationError && e.field === 'connector.merchantAccount';
    },
  );
});
