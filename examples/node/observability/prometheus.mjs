// Prometheus metrics for every connector-service call, with prom-client.
//
//   npm install && node prometheus.mjs [--serve PORT]
//
// The client's `onCall` hook receives a CallRecord per call (connector, operation, outcome,
// HTTP status, attempts, latency; never a secret): a counter by outcome, a latency histogram
// and an attempts counter. Prints the exposition text; `--serve PORT` keeps serving /metrics.
import http from 'node:http';

import client from 'prom-client';
import { Client } from 'connector-service';

import { sandboxConfig, startSandbox } from './sandbox.mjs';

const registry = new client.Registry();
const calls = new client.Counter({
  name: 'connector_calls_total',
  help: 'Calls to payment processors, by outcome (a response status or an error code).',
  labelNames: ['connector', 'operation', 'outcome'],
  registers: [registry],
});
const latency = new client.Histogram({
  name: 'connector_call_duration_seconds',
  help: 'Duration of calls to payment processors, retries included.',
  labelNames: ['connector', 'operation'],
  registers: [registry],
});
const attempts = new client.Counter({
  name: 'connector_http_attempts_total',
  help: 'HTTP requests sent to payment processors (retries included).',
  labelNames: ['connector', 'operation'],
  registers: [registry],
});

/** The hook: runs on the JavaScript thread after each call. */
function recordCall(record) {
  calls.inc({ connector: record.connector, operation: record.operation, outcome: record.outcome });
  latency.observe({ connector: record.connector, operation: record.operation }, record.latencyUs / 1e6);
  attempts.inc({ connector: record.connector, operation: record.operation }, record.attempts);
}

const sandbox = await startSandbox();
try {
  const payments = new Client(await sandboxConfig(sandbox.url), { onCall: recordCall });
  for (const holderName of ['Ada Lovelace', 'Grace Hopper', 'DECLINED']) {
    await payments.payments.authorize({
      amount: { minorUnits: 1000, currency: 'EUR' },
      merchantReference: `order-${Math.random().toString(36).slice(2)}`,
      paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737', holderName },
      returnUrl: 'https://shop.example/return',
    });
  }
  await payments.payments
    .capture({ connectorTransactionId: 'unknown', amount: { minorUnits: -1, currency: 'EUR' } })
    .catch((e) => console.log('an error, counted too:', e.code));
  // Hooks are queued to this thread: let them run before reading the metrics.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(await registry.metrics());
  const serve = process.argv.indexOf('--serve');
  if (serve > 0) {
    const port = Number(process.argv[serve + 1]);
    http
      .createServer(async (req, res) => {
        res.setHeader('Content-Type', registry.contentType);
        res.end(await registry.metrics());
      })
      .listen(port, () => console.log(`serving http://localhost:${port}/metrics (Ctrl-C to stop)`));
    await new Promise(() => {});
  }
} finally {
  sandbox.stop();
}
