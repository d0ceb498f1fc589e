// One benchmark run of one Node client: `node clients.mjs CLIENT CONCURRENCY SECONDS`.
// The same call and output as clients.py (see there): an Adyen authorization against the
// sandbox, warm-up, then calls counted for SECONDS; one JSON line with the figures.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const require = createRequire(import.meta.url);
const URL_ = process.env.BENCH_SANDBOX_URL.replace(/\/$/, '') + '/adyen';
const API_KEY = process.env.BENCH_ADYEN_API_KEY;
const MERCHANT = process.env.BENCH_ADYEN_MERCHANT;
const WARMUP = Number(process.env.BENCH_WARMUP || '0.5');
const PAYMENTS = URL_ + '/v68/payments';

const body = (i) => ({
  merchantAccount: MERCHANT,
  amount: { value: 1000, currency: 'EUR' },
  reference: `bench-${i}`,
  paymentMethod: { type: 'scheme', number: '4111111111111111', expiryMonth: '03', expiryYear: '2030', cvc: '737' },
  returnUrl: 'https://shop.example/return',
});
const headers = () => ({ 'x-api-key': API_KEY, 'content-type': 'application/json', 'idempotency-key': randomUUID() });
function check(code) {
  if (code !== 'Authorised') throw new Error(`unexpected answer: ${code}`);
}

const CLIENTS = {
  ours() {
    const { Client } = require('../../bindings-node');
    const client = new Client({ connector: { type: 'adyen', apiKey: API_KEY, merchantAccount: MERCHANT }, baseUrl: URL_ });
    const card = { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' };
    return async (i) => {
      const payment = await client.payments.authorize({
        amount: { minorUnits: 1000, currency: 'EUR' }, merchantReference: `bench-${i}`, paymentMethod: card,
        returnUrl: 'https://shop.example/return',
      });
      if (payment.status !== 'charged') throw new Error(`unexpected status ${payment.status}`);
    };
  },
  'adyen-sdk'() {
    // The SDK only speaks HTTPS (https.request with a new https.Agent per call); the sandbox
    // speaks HTTP. Its calls go to http.request with the same options: no TLS cost, in its favour.
    https.Agent = http.Agent;
    https.request = http.request;
    const { Client, CheckoutAPI } = require('@adyen/api-library');
    const checkout = new CheckoutAPI(new Client({ apiKey: API_KEY, environment: 'TEST' }));
    // `checkout.PaymentsApi` is a getter that builds a new service on every access: keep one,
    // pointed at the sandbox (which serves the v68 Checkout API).
    const payments = checkout.PaymentsApi;
    payments.baseUrl = URL_ + '/v68';
    return async (i) => {
      const result = await payments.payments(body(i), { idempotencyKey: randomUUID() });
      check(result.resultCode);
    };
  },
  undici() {
    const { Agent, request } = require('undici');
    const dispatcher = new Agent({ connections: 100 });
    return async (i) => {
      const res = await request(PAYMENTS, { method: 'POST', body: JSON.stringify(body(i)), headers: headers(), dispatcher });
      check((await res.body.json()).resultCode);
    };
  },
  fetch() {
    return async (i) => {
      const res = await fetch(PAYMENTS, { method: 'POST', body: JSON.stringify(body(i)), headers: headers() });
      check((await res.json()).resultCode);
    };
  },
};

async function main() {
  const [name, concurrencyArg, secondsArg] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg);
  const call = CLIENTS[name]();
  let counter = 0;
  let measuring = false;
  let deadline = performance.now() + WARMUP * 1000;
  const latencies = [];
  const worker = async () => {
    while (performance.now() < deadline) {
      counter += 1;
      const t = process.hrtime.bigint();
      await call(counter);
      if (measuring) latencies.push(Number(process.hrtime.bigint() - t));
    }
  };
  const phase = () => Promise.all(Array.from({ length: concurrency }, worker));
  await phase();
  measuring = true;
  deadline = performance.now() + Number(secondsArg) * 1000;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await phase();
  const seconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.round((latencies.length - 1) * p)] / 1000;
  console.log(JSON.stringify({
    calls: latencies.length, seconds, p50_us: pct(0.5), p99_us: pct(0.99),
    peak_rss_kib: process.resourceUsage().maxRSS, cpu_us_per_call: (user + system) / latencies.length,
  }));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
