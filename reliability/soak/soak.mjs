// Soak of the Node binding: ITERATIONS x (authorize, get, a webhook with a bad signature)
// through one client, against a sandbox binary in another process; samples this process's RSS
// and open descriptors after a warm-up, in the middle and at the end, and writes them as JSON
// (judged by `reliability --soak-results`). It loads the package from bindings-node/. Run from there:
//
//     node ../reliability/soak/soak.mjs SANDBOX_BIN OUT.json [ITERATIONS]

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as cs from '../../bindings-node/index.mjs';

const [sandboxBin, out, n] = process.argv.slice(2);
const iterations = Number(n ?? 2000);

function sample() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? -1);
  return [rss, readdirSync('/proc/self/fd').length];
}

const child = spawn(sandboxBin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const base = (await lines.next()).value.split(' ').at(-1);
const creds = {};
for (let i = 0; i < 6; i++) {
  const line = (await lines.next()).value;
  const [kind, name, ...rest] = line.split(' ');
  if (kind === 'credentials') creds[name] = JSON.parse(rest.join(' '));
}
// Keep draining the sandbox's output so that it never blocks on a full pipe.
(async () => { while (!(await lines.next()).done); })();

try {
  const config = cs.fromCoreJson('ClientConfig', JSON.stringify({ connector: creds.checkout, base_url: `${base}/checkout` }));
  const client = new cs.Client(config);
  const warmup = Math.floor(iterations / 10);
  const rss = [0, 0, 0];
  const fds = [0, 0, 0];
  let calls = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    if (i === warmup) [rss[0], fds[0]] = sample();
    else if (i === warmup + Math.floor(iterations / 2)) [rss[1], fds[1]] = sample();
    const payment = await client.payments.authorize({
      amount: { minorUnits: 1000 + (i % 500), currency: 'USD' },
      merchantReference: `soak-${i}`,
      paymentMethod: { type: 'card', number: '4242424242424242', expiryMonth: 12, expiryYear: 2030, cvc: '100' },
    });
    await client.payments.get({ connectorTransactionId: payment.connectorTransactionId });
    try {
      client.webhooks.verifyAndParse({
        headers: { 'cko-signature': '0'.repeat(64) },
        body: Buffer.from('{"type": "payment_approved", "data": {}}'),
      });
    } catch {
      // the bad signature is the point
    }
    calls += 3;
  }
  [rss[2], fds[2]] = sample();
  writeFileSync(out, JSON.stringify({ binding: 'node', calls, rss_kb: rss, fds }));
} finally {
  child.kill();
}
