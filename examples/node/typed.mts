// A typed use of connector-service, checked by `tsc --noEmit` in `make -C bindings-node test`
// (types come from the package's generated index.d.ts). It shows the same lifecycle as
// lifecycle.mjs, written against the types; `@ts-expect-error` lines prove that wrong shapes
// do not compile.

import {
  Client,
  Connector,
  ConnectorServiceError,
  RateLimitedError,
  toCoreJson,
  type AuthorizeRequest,
  type ClientConfig,
  type HttpRequest,
  type Money,
  type PaymentResponse,
  type ReceivedResponse,
  type WebhookEvent,
  type WebhookNotification,
} from 'connector-service';

const config: ClientConfig = {
  connector: { type: 'adyen', apiKey: process.env.ADYEN_API_KEY ?? '', merchantAccount: 'ShopECOM', webhookHmacKey: process.env.ADYEN_HMAC_KEY },
  environment: 'sandbox',
  transport: { timeoutMs: 10_000, retry: { maxAttempts: 3 } },
};

const price: Money = { minorUnits: 4999, currency: 'EUR' };

const request: AuthorizeRequest = {
  amount: price,
  merchantReference: 'order-1001',
  paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
  captureMethod: 'manual',
  returnUrl: 'https://shop.example/return',
  metadata: { cart_id: 'c-77' },
};

// @ts-expect-error amounts are numbers (safe integers), not strings
const badAmount: Money = { minorUnits: '49.99', currency: 'EUR' };
// @ts-expect-error a card needs its expiry
const badCard: AuthorizeRequest['paymentMethod'] = { type: 'card', number: '4111111111111111' };
// @ts-expect-error unknown capture method
const badCapture: AuthorizeRequest['captureMethod'] = 'later';
void badAmount;
void badCard;
void badCapture;

export async function lifecycle(client: Client): Promise<void> {
  const payment: PaymentResponse = await client.payments.authorize(request);
  switch (payment.status) {
    case 'authorized': {
      const id = payment.connectorTransactionId ?? '';
      const captured = await client.payments.capture({ connectorTransactionId: id, amount: price });
      const refund = await client.payments.refund({ connectorTransactionId: id, amount: { minorUnits: 1000, currency: 'EUR' }, reason: 'customer_request' });
      console.log(captured.status, refund.status, refund.connectorRefundId);
      break;
    }
    case 'authentication_pending': {
      const action = payment.nextAction;
      if (action?.type === 'redirect') {
        // Narrowed by the tag: a redirect has a URL, a method and form fields.
        const fields: Record<string, string> = action.formFields ?? {};
        console.log(action.method, action.url, Object.keys(fields));
      } else if (action?.type === 'sdk') {
        console.log(action.actionType, action.data);
      }
      break;
    }
    case 'failure':
      console.log('declined', payment.decline?.code, payment.decline?.message);
      break;
    default:
      console.log(payment.status);
  }
  // @ts-expect-error not a payment status
  if (payment.status === 'approved') console.log('never');

  const order = await client.payments.createOrder({ amount: price, merchantReference: 'order-1002' });
  // Cancelled (its connection closed) if it takes longer than 5 s.
  const refunds = await client.refunds.get({ connectorRefundId: 'r-1' }, { signal: AbortSignal.timeout(5_000) });
  const dispute = await client.disputes.submitEvidence({
    connectorDisputeId: 'd-1',
    documents: [{ evidenceType: 'receipt', content: new TextEncoder().encode('%PDF-1.4'), mimeType: 'application/pdf' }],
  });
  console.log(order.connectorOrderId, refunds.status, dispute.status, dispute.stage);

  try {
    await client.payments.void({ connectorTransactionId: 'p-1' }, { timeoutMs: 2_000, retry: false });
  } catch (e) {
    if (e instanceof RateLimitedError) {
      const code: 'rate_limited' = e.code;
      console.log(code, e.httpStatus, e.retryable);
    } else if (e instanceof ConnectorServiceError) {
      console.log(e.code, e.field, e.httpStatus, e.processorCode, e.processorMessage, e.requestId, e.idempotencyKey, e.toJSON().http_status);
    }
  }
}

export function onWebhook(client: Client, headers: Record<string, string | string[] | undefined>, body: Buffer): WebhookNotification {
  const notification = client.webhooks.verifyAndParse({ headers, body });
  for (const event of notification.events) describe(event);
  return notification;
}

function describe(event: WebhookEvent): string {
  switch (event.kind) {
    case 'payment':
      return `${event.connectorTransactionId} ${event.status}`;
    case 'refund':
      return `${event.connectorRefundId} ${event.status}`;
    case 'dispute':
      return `${event.connectorDisputeId} ${event.stage} ${event.status}`;
    case 'ignored':
      return event.eventType;
  }
}

// The sans-IO connector with your own HTTP client: the operation name types the request and
// the response.
export async function sansIo(): Promise<string> {
  const connector = new Connector(config);
  const send = async (http: HttpRequest): Promise<ReceivedResponse> => {
    // (TypeScript 5.7+ types fetch bodies as ArrayBuffer-backed views: wrap the bytes.)
    const res = await fetch(http.url, { method: http.method, headers: http.headers, body: http.body ? new Uint8Array(http.body) : undefined });
    return { status: res.status, headers: res.headers, body: await res.arrayBuffer() };
  };
  const refund = await connector.run('payments.refund', { connectorTransactionId: 'p-1', amount: price }, send);
  const step = connector.step('refunds.get', { connectorRefundId: refund.connectorRefundId ?? '' });
  if (step.type === 'send') console.log(step.request.method, step.request.url, step.idempotencyKey);
  else console.log(step.response.status);
  // @ts-expect-error the request type follows the operation
  connector.step('payments.capture', { connectorRefundId: 'r-1' });
  // @ts-expect-error unknown operation
  connector.step('payments.charge', {});
  return toCoreJson('RefundResponse', refund);
}

export const client = new Client(config);
