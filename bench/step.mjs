// `make bench` (Node part): replays the step fixtures of the Rust bench through the Node
// binding's sans-IO `Connector.step`, typed objects in and out, and adds `node_build_ns` /
// `node_parse_ns` to each flow of the JSON file given (read and rewritten in place).
import { createRequire } from 'node:module';
import fs from 'node:fs';

const require = createRequire(import.meta.url);
const { Connector } = require('../bindings-node');
const gen = require('../bindings-node/generated.js');

const BUDGET_MS = Number(process.env.BENCH_STEP_MS || '300');

function nsPerOp(f) {
  for (let i = 0; i < 200; i++) f();
  const start = process.hrtime.bigint();
  const budget = BigInt(BUDGET_MS) * 1000000n;
  let n = 0;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 50; i++) f();
    n += 50;
  }
  return Number(process.hrtime.bigint() - start) / n;
}

const path = process.argv[2];
const data = JSON.parse(fs.readFileSync(path, 'utf8'));
const byWire = Object.fromEntries(Object.values(gen.OPERATIONS).map((op) => [op.wire, op]));
for (const connector of data.connectors) {
  const config = gen.fromWire.ClientConfig(connector.config, '');
  const c = new Connector(config);
  for (const flow of connector.flows) {
    const op = byWire[flow.op];
    const request = gen.fromWire[op.request](flow.request, '');
    const responses = flow.responses.map((r) => gen.fromWire.HttpResponse(r, ''));
    const key = flow.idempotency_key;
    flow.node_build_ns = nsPerOp(() => c.step(op.name, request, [], key));
    flow.node_parse_ns = nsPerOp(() => c.step(op.name, request, responses, key));
  }
}
fs.writeFileSync(path, JSON.stringify(data, null, 1));
