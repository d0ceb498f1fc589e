// A payment lifecycle with connector-service against the local sandbox: no credentials, no
// network beyond localhost.
//
//   node lifecycle.mjs                      # starts the sandbox itself (cargo run)
//   SANDBOX_URL=http://127.0.0.1:PORT node lifecycle.mjs
//
// authorize (manual capture) -> capture -> partial refund -> the processor's webhooks ->
// a decline (a result, not an error) -> a 3-D Secure redirect -> typed errors.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { Client, ConnectorServiceError, InvalidRequestError, WebhookVerificationError } from 'connector-service';

const sandbox = process.env.SANDBOX_URL ? { url: process.env.SANDBOX_URL, stop() {} } : await startSandbox();
try {
  await main(sandbox.url);
} finally {
  sandbox.stop();
}

async function main(sandboxUrl) {
  // The sandbox accepts these (fake) credentials; with real ones, drop `baseUrl` and set
  // `environment: 'live'` when you go live.
  const { adyen } = await (await fetch(`${sandboxUrl}/_sandbox/credentials`)).json();
  const client = new Client({
    connector: {
      type: 'adyen',
      apiKey: adyen.api_key,
      merchantAccount: adyen.merchant_account,
      webhookHmacKey: adyen.webhook_hmac_key,
    },
    baseUrl: `${sandboxUrl}/adyen`,
    transport: { timeoutMs: 10_000 },
  });
  console.log('client:', client); // shows the processor and environment, never the key

  const card = { type: 'card', number: '4111 1111 1111 1111', expiryMonth: 3, expiryYear: 2030, cvc: '737', holderName: 'Jane Doe' };

  // 1. Authorize EUR 49.99 (amounts are integer minor units), capture later.
  const payment = await client.payments.authorize({
    amount: { minorUnits: 4999, currency: 'EUR' },
    merchantReference: 'order-1001',
    paymentMethod: card,
    captureMethod: 'manual',
    returnUrl: 'https://shop.example/return',
    metadata: { cart_id: 'c-77' },
  });
  console.log('authorize:', payment.status, payment.connectorTransactionId);

  // 2. Capture it.
  const captured = await client.payments.capture({
    connectorTransactionId: payment.connectorTransactionId,
    amount: { minorUnits: 4999, currency: 'EUR' },
  });
  console.log('capture:', captured.status);

  // 3. Refund part of it. Pass your own idempotency key to retry safely after a crash.
  const refund = await client.payments.refund({
    connectorTransactionId: payment.connectorTransactionId,
    amount: { minorUnits: 1000, currency: 'EUR' },
    idempotencyKey: `refund-order-1001-1`,
    reason: 'customer_request',
  });
  console.log('refund:', refund.status, refund.connectorRefundId);

  // 4. Webhooks: Adyen confirms the capture and the refund asynchronously. Verify each from
  //    the raw body bytes (in your HTTP server: the Buffer of the request body).
  for (const event of ['CAPTURE', 'REFUND']) {
    const hook = await nextWebhook(sandboxUrl, event);
    const notification = client.webhooks.verifyAndParse({ headers: hook.headers, body: Buffer.from(hook.body) });
    for (const e of notification.events) {
      if (e.kind === 'payment') console.log('webhook: payment', e.eventType, e.status, e.connectorTransactionId);
      else if (e.kind === 'refund') console.log('webhook: refund', e.eventType, e.status, e.connectorRefundId);
    }
    // Answer the processor with notification.acknowledgement (status, contentType, body).
    // A forged or altered body throws instead:
    const forged = Buffer.from(hook.body.replace(/"value":\s*(\d)/, (m, d) => m.slice(0, -1) + ((Number(d) + 1) % 10)));
    try {
      client.webhooks.verifyAndParse({ headers: hook.headers, body: forged });
    } catch (e) {
      if (e instanceof WebhookVerificationError) console.log('webhook: forged body rejected:', e.code);
      else throw e;
    }
  }

  // 5. A decline is a result with status `failure`, never an exception.
  const declined = await client.payments.authorize({
    amount: { minorUnits: 1500, currency: 'EUR' },
    merchantReference: 'order-1002',
    paymentMethod: { ...card, holderName: 'NOT_ENOUGH_BALANCE' },
    returnUrl: 'https://shop.example/return',
  });
  console.log('decline:', declined.status, declined.decline?.code, declined.decline?.message);

  // 6. 3-D Secure: the card asks for a challenge; send the shopper to nextAction, then get the
  //    outcome with what your return URL received.
  const pending = await client.payments.authorize({
    amount: { minorUnits: 3000, currency: 'EUR' },
    merchantReference: 'order-1003',
    paymentMethod: { type: 'card', number: '4212345678910006', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
    authenticationType: 'three_ds',
    returnUrl: 'https://shop.example/return',
    browserInfo: { userAgent: 'Mozilla/5.0', acceptHeader: 'text/html', language: 'en-US', colorDepth: 24, screenHeight: 800, screenWidth: 1280, timeZoneOffsetMinutes: 0, javaEnabled: false },
  });
  console.log('3-D Secure:', pending.status, pending.nextAction?.type);
  if (pending.nextAction?.type === 'redirect') {
    // Here the shopper's browser would go to nextAction.url; the sandbox's page takes a form.
    const returned = await completeChallenge(pending.nextAction.url, { password: 'password' });
    const final = await client.payments.get({ redirectResult: returned });
    console.log('3-D Secure: after the challenge:', final.status);
  }

  // 7. Errors are classes with the core's fields; bad input never leaves the process.
  try {
    await client.payments.authorize({
      amount: { minorUnits: 10.5, currency: 'EUR' }, // not an integer amount
      merchantReference: 'order-1004',
      paymentMethod: card,
      returnUrl: 'https://shop.example/return',
    });
  } catch (e) {
    if (e instanceof InvalidRequestError) console.log('error:', e.name, e.field, '-', e.message);
    else if (e instanceof ConnectorServiceError) console.log('error:', e.code, e.httpStatus, e.processorCode, e.requestId);
    else throw e;
  }
}

// ---- sandbox helpers (not part of the library's API) ----

async function startSandbox() {
  const child = spawn('cargo', ['run', '--quiet', '-p', 'connector-sandbox', '--', '--port', '0'], {
    cwd: new URL('../..', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
    lines.once('line', (line) => resolve(/listening on (\S+)/.exec(line)?.[1]));
  });
  child.removeAllListeners('exit');
  lines.on('line', () => {});
  return { url, stop: () => child.kill() };
}

async function nextWebhook(sandboxUrl, event) {
  const res = await fetch(`${sandboxUrl}/_sandbox/webhooks/next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ processor: 'adyen', event, timeout_ms: 5000 }),
  });
  if (!res.ok) throw new Error(`no ${event} webhook (HTTP ${res.status})`);
  return res.json();
}

async function completeChallenge(url, form) {
  const res = await fetch(url, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });
  return Object.fromEntries(new URL(res.headers.get('location')).searchParams);
}
