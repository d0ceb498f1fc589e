// OpenTelemetry spans for every connector-service call, with @opentelemetry/sdk-trace-base.
//
//   npm install && node otel.mjs
//
// The client's `onCall` hook receives a CallRecord when a call finishes; this creates one
// client span per call, backdated by its latency, with the record's fields as attributes and
// the caller's span as parent: the caller passes its own idempotency key and remembers its
// context under it. Spans go to the console; use an OTLP exporter to send them to a collector.
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from 'connector-service';

import { sandboxConfig, startSandbox } from './sandbox.mjs';

const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
const tracer = provider.getTracer('connector-service-example');

/** The caller's context of each call in progress, by idempotency key. */
const parents = new Map();

function callKey(ctx) {
  const key = crypto.randomUUID();
  parents.set(key, ctx);
  return key;
}

function spanOfCall(record) {
  const end = Date.now();
  const parent = parents.get(record.idempotencyKey) ?? context.active();
  parents.delete(record.idempotencyKey);
  const attributes = {
    'payment.connector': record.connector,
    'payment.operation': record.operation,
    'payment.outcome': record.outcome,
    'payment.attempts': record.attempts,
    'payment.idempotency_key': record.idempotencyKey,
  };
  if (record.httpStatus != null) attributes['http.response.status_code'] = record.httpStatus;
  if (record.requestId != null) attributes['payment.request_id'] = record.requestId;
  const span = tracer.startSpan(
    `${record.connector} ${record.operation}`,
    { kind: SpanKind.CLIENT, startTime: end - record.latencyUs / 1000, attributes },
    parent,
  );
  if (record.errorCode) span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCode });
  span.end(end);
}

const sandbox = await startSandbox();
try {
  const client = new Client(await sandboxConfig(sandbox.url), { onCall: spanOfCall });
  const checkout = tracer.startSpan('checkout');
  const ctx = trace.setSpan(context.active(), checkout);
  const payment = await client.payments.authorize({
    amount: { minorUnits: 1000, currency: 'EUR' },
    merchantReference: `order-${crypto.randomUUID()}`,
    paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
    returnUrl: 'https://shop.example/return',
    idempotencyKey: callKey(ctx),
  });
  console.log('authorize:', payment.status);
  await new Promise((resolve) => setTimeout(resolve, 50));
  checkout.end();
  await provider.shutdown();
} finally {
  sandbox.stop();
}
