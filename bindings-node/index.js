'use strict';
// connector-service for Node.js: a typed, Promise-based API over the native (napi-rs) core.
//
// The native addon speaks the core's JSON; this file turns the package's camelCase objects
// into it and back (with the converters generated from the core's schema, generated.js), and
// turns the core's errors into the error classes. Types: index.d.ts (generated).

const util = require('node:util');

const native = require('./native.js');
const gen = require('./generated.js');
const w = require('./lib/wire.js');
const observe = require('./lib/observe.js');

const { ConnectorServiceError, ERROR_CLASSES, FIELDS, UNIONS, OPERATIONS, SERVICES } = gen;

// ---- errors ----

/** The fields of struct or union `type` (a union's are its variants'). */
function fieldsOf(type) {
  if (FIELDS[type]) return FIELDS[type];
  const union = UNIONS[type];
  if (!union) return null;
  const all = {};
  for (const variant of union.variants) Object.assign(all, FIELDS[variant]);
  all[union.tag] = [union.tag, null];
  return all;
}

/**
 * Translates a field path of the core (`payment_method.expiry_month`, `documents[0].content`)
 * into the JavaScript names (`paymentMethod.expiryMonth`, `documents[0].content`). Below a map
 * (metadata, headers) the keys are data and stay as they are.
 */
function jsPath(rootType, path) {
  if (!path || !rootType) return path;
  const tokens = path.match(/\[\d+\]|[^.[\]]+/g);
  if (!tokens) return path;
  let type = rootType;
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.startsWith('[')) {
      out += token;
      continue;
    }
    const fields = type && type !== '*' ? fieldsOf(type) : null;
    const entry = fields && Object.prototype.hasOwnProperty.call(fields, token) ? fields[token] : null;
    if (!entry) {
      // A map key, the root marker `request`, or a name the schema does not know: verbatim.
      out += (out ? '.' : '') + tokens.slice(i).join('.').replace(/\.\[/g, '[');
      break;
    }
    out += (out ? '.' : '') + entry[0];
    type = entry[1];
  }
  return out;
}

/** The error for the core's error JSON, of the class for its code. */
function errorFromJson(info, rootType, prefix) {
  const Class = ERROR_CLASSES[info.code] || ConnectorServiceError;
  let field = info.field == null ? undefined : jsPath(rootType, info.field);
  if (prefix && field != null) {
    field = `${prefix}.${field}`;
    info = Object.assign({}, info, { field: `${prefix}.${info.field}` });
  }
  return new Class(info, field);
}

/**
 * Converts a value with a generated converter; a bad value becomes an `InvalidRequestError`
 * (or the error of `info.code`) naming the field, with `info`'s connector and flow.
 */
function convert(toWire, value, rootType, prefix, info) {
  try {
    return toWire(value, '');
  } catch (e) {
    if (e instanceof w.FieldError) {
      if (e.path === '') {
        // The value itself, named as what it was given as: `options`, `responses[0]`, `config`.
        const field = prefix || (rootType === 'ClientConfig' ? 'config' : 'request');
        throw errorFromJson(Object.assign({ code: 'invalid_request', message: e.message, field, retryable: false }, info));
      }
      throw errorFromJson(Object.assign({ code: 'invalid_request', message: e.message, field: e.path, retryable: false }, info), rootType, prefix);
    }
    throw e;
  }
}

/** Converts the core's JSON with a generated converter. */
function decode(fromWire, value, flowInfo) {
  try {
    return fromWire(value, '');
  } catch (e) {
    if (e instanceof w.ResponseError) {
      throw new ERROR_CLASSES.invalid_response(Object.assign({ code: 'invalid_response', message: e.message, retryable: false }, flowInfo));
    }
    throw e;
  }
}

/** What the native promise of a cancelled call resolves with (`cancel_call` in src/lib.rs). */
const CANCELLED = 'cancelled';

/** Unpacks the native layer's `{"ok": ...}` / `{"error": ...}` envelope. */
function unpack(envelope, rootType) {
  const parsed = JSON.parse(envelope);
  if (parsed.error) throw errorFromJson(parsed.error, rootType);
  return parsed.ok;
}

/** A native constructor failure carries the error JSON as its message. */
function nativeConstructionError(e, rootType) {
  let info;
  try {
    info = JSON.parse(e.message);
  } catch {
    info = null;
  }
  if (info && typeof info.code === 'string') return errorFromJson(info, rootType);
  return new ERROR_CLASSES.internal({ code: 'internal', message: 'the native addon failed to build the client', retryable: false });
}

function buildNative(NativeClass, config) {
  // A bad configuration is a `InvalidConfigurationError` naming the field, as the core reports it.
  const wire = convert(gen.toWire.ClientConfig, config, 'ClientConfig', undefined, { code: 'configuration' });
  try {
    return { handle: new NativeClass(JSON.stringify(wire)), wire };
  } catch (e) {
    throw nativeConstructionError(e, 'ClientConfig');
  }
}

/** What `inspect` shows of a config: never credentials. */
function describeConfig(connector, wire) {
  const out = { connector, environment: wire.environment || 'sandbox' };
  if (wire.base_url) {
    try {
      const url = new URL(wire.base_url);
      url.username = '';
      url.password = '';
      url.search = '';
      out.baseUrl = url.toString();
    } catch {
      out.baseUrl = '<invalid url>';
    }
  }
  return out;
}

// ---- webhooks ----

/** Headers as a plain object of strings (from an object, a fetch `Headers`, a Map or pairs). */
function headersObject(headers) {
  const out = {};
  if (headers == null) return out;
  if (typeof headers !== 'object') {
    throw errorFromJson({ code: 'invalid_request', message: 'must be an object of header names to values', field: 'headers', retryable: false });
  }
  // A fetch `Headers`, a Map or a list of pairs iterate as [name, value]; a plain object
  // (Node's `req.headers`) has its entries.
  const entries = typeof headers[Symbol.iterator] === 'function' ? Array.from(headers) : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function headersJson(headers) {
  return JSON.stringify(headersObject(headers));
}

function webhookArgs(request) {
  if (request === null || typeof request !== 'object') {
    throw errorFromJson({ code: 'invalid_request', message: 'must be an object with headers and body', field: 'request', retryable: false });
  }
  let body;
  try {
    body = w.toBuffer(request.body, 'body');
  } catch (e) {
    throw errorFromJson({ code: 'invalid_request', message: e.message, field: 'body', retryable: false });
  }
  return [headersJson(request.headers), body];
}

class WebhooksService {
  #verify;

  constructor(verify) {
    this.#verify = verify;
  }

  verifyAndParse(request) {
    const [headers, body] = webhookArgs(request);
    return decode(gen.fromWire.WebhookNotification, unpack(this.#verify(headers, body), 'WebhookRequest'), { flow: 'webhook' });
  }
}

// ---- the client ----

const CLIENT_STATE = new WeakMap();

class Client {
  #native;
  #connector;

  constructor(config, options) {
    const onCall = options == null ? null : options.onCall;
    const observer = onCall == null ? null : observe.nativeObserver(onCall);
    const { handle, wire } = buildNative(native.NativeClient, config);
    if (observer) handle.setOnCall(observer);
    this.#native = handle;
    this.#connector = handle.connector;
    CLIENT_STATE.set(this, describeConfig(handle.connector, wire));
    const call = (op, request, options) => this.#call(op, request, options);
    for (const [name, Service] of Object.entries(SERVICES)) {
      Object.defineProperty(this, name, { value: new Service(call), enumerable: false });
    }
    const verify = (headers, body) => this.#native.handleWebhook(headers, body);
    Object.defineProperty(this, 'webhooks', { value: new WebhooksService(verify), enumerable: false });
  }

  get connector() {
    return this.#connector;
  }

  async #call(op, request, options) {
    const info = { connector: this.connector, flow: op.flow };
    const requestJson = JSON.stringify(convert(op.toWire, request, op.request, undefined, info));
    // `signal` is Node's own option (not the core's): taken out before the rest is converted.
    let signal;
    if (options != null && 'signal' in options) {
      signal = options.signal;
      if (signal != null && !(signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');
      options = Object.assign({}, options);
      delete options.signal;
    }
    const optionsJson = options == null ? null : JSON.stringify(convert(gen.toWire.CallOptions, options, 'CallOptions', 'options', info));
    const envelope = signal == null ? await this.#native.call(op.wire, requestJson, optionsJson) : await this.#cancellable(op.wire, requestJson, optionsJson, signal);
    const ok = unpack(envelope, op.request);
    return decode(op.fromWire, ok, { connector: this.connector });
  }

  /**
   * The native call's envelope, the call cancelled when `signal` aborts: its connection is
   * closed and this rejects with `signal.reason`. An aborted signal sends nothing.
   */
  async #cancellable(wire, requestJson, optionsJson, signal) {
    signal.throwIfAborted();
    const [id, promise] = this.#native.callCancellable(wire, requestJson, optionsJson);
    const abort = () => native.cancelCall(id);
    signal.addEventListener('abort', abort, { once: true });
    let envelope;
    try {
      envelope = await promise;
    } finally {
      signal.removeEventListener('abort', abort);
    }
    if (envelope === CANCELLED) throw signal.reason;
    return envelope;
  }

  toJSON() {
    return Object.assign({}, CLIENT_STATE.get(this));
  }

  [util.inspect.custom](depth, options, inspect) {
    return `Client ${(inspect || util.inspect)(CLIENT_STATE.get(this), options)}`;
  }
}

// ---- the sans-IO connector ----

// Headers whose values `inspect` may show on a built request; every other value is masked
// (credentials travel in headers such as Authorization or X-API-Key).
const SHOWN_HEADERS = new Set(['accept', 'content-type', 'content-length', 'idempotency-key', 'user-agent', 'x-request-id']);

function maskedRequest(request) {
  const headers = {};
  for (const [name, value] of Object.entries(request.headers || {})) {
    headers[name] = SHOWN_HEADERS.has(name.toLowerCase()) ? value : '***';
  }
  return {
    method: request.method,
    url: request.url,
    headers,
    body: request.body == null ? undefined : `<${request.body.length} bytes>`,
    retrySafe: request.retrySafe,
  };
}

/**
 * A request built by `step`: a plain `HttpRequest` whose `inspect` never shows its credentials
 * or card data (a prototype method, so building one costs no more than an object literal).
 */
class BuiltRequest {
  constructor(method, url, headers, retrySafe, body) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.retrySafe = retrySafe;
    if (body != null) this.body = body;
  }

  [util.inspect.custom](depth, options, inspect) {
    return `HttpRequest ${(inspect || util.inspect)(maskedRequest(this), options)}`;
  }
}

/** A response given to `step`, checked, as the native layer takes it (status, headers, body). */
function responsePart(v, p) {
  if (w.missing(v.status)) throw w.required(w.join(p, 'status'));
  if (w.missing(v.body)) throw w.required(w.join(p, 'body'));
  return { status: w.int(v.status, w.join(p, 'status'), 'uint16'), headersJson: JSON.stringify(v.headers), body: w.toBuffer(v.body, w.join(p, 'body')) };
}

function responseParts(responses) {
  if (responses == null) return [];
  if (!Array.isArray(responses)) {
    throw errorFromJson({ code: 'invalid_request', message: 'must be an array of responses', field: 'responses', retryable: false });
  }
  return responses.map((r, i) => {
    if (r === null || typeof r !== 'object') {
      throw errorFromJson({ code: 'invalid_request', message: 'must be an object', field: `responses[${i}]`, retryable: false });
    }
    const normalized = { status: r.status, headers: headersObject(r.headers), body: r.body };
    return convert(responsePart, normalized, 'HttpResponse', `responses[${i}]`);
  });
}

const CONNECTOR_STATE = new WeakMap();

class Connector {
  #native;
  #connector;

  constructor(config) {
    const { handle, wire } = buildNative(native.NativeConnector, config);
    this.#native = handle;
    this.#connector = handle.connector;
    CONNECTOR_STATE.set(this, describeConfig(handle.connector, wire));
    const verify = (headers, body) => this.#native.handleWebhook(headers, body);
    Object.defineProperty(this, 'webhooks', { value: new WebhooksService(verify), enumerable: false });
  }

  get connector() {
    return this.#connector;
  }

  step(operation, request, responses, idempotencyKey) {
    const op = OPERATIONS[operation];
    if (!op || !Object.prototype.hasOwnProperty.call(OPERATIONS, operation)) {
      throw errorFromJson({ code: 'invalid_request', message: `unknown operation \`${String(operation).slice(0, 64)}\``, field: 'operation', retryable: false });
    }
    if (idempotencyKey != null && typeof idempotencyKey !== 'string') {
      throw errorFromJson({ code: 'invalid_request', message: 'must be a string', field: 'idempotencyKey', retryable: false });
    }
    const requestJson = JSON.stringify(convert(op.toWire, request, op.request, undefined, { connector: this.connector, flow: op.flow }));
    // The HTTP exchanges cross as JavaScript values (no JSON, no Base64); the request and the
    // flow's result as the core's JSON. The answer is `[errorJson]`, `[key, responseJson]` or
    // `[key, sendJson, body]` (src/lib.rs, `step_parts`).
    const out = this.#native.stepParts(op.wire, requestJson, responseParts(responses), idempotencyKey ?? null);
    if (out.length === 1) throw errorFromJson(JSON.parse(out[0]), op.request);
    if (out.length === 2) {
      return { type: 'done', response: decode(op.fromWire, JSON.parse(out[1]), { connector: this.connector }), idempotencyKey: out[0] };
    }
    const [method, url, headers, retrySafe] = JSON.parse(out[1]);
    // The body's bytes, one Latin-1 character each: a slice of Node's buffer pool.
    const body = out[2] === null ? null : Buffer.from(out[2], 'latin1');
    return { type: 'send', request: new BuiltRequest(method, url, headers, retrySafe, body), idempotencyKey: out[0] };
  }

  async run(operation, request, send, options) {
    if (typeof send !== 'function') {
      throw errorFromJson({ code: 'invalid_request', message: 'must be a function sending one HTTP request', field: 'send', retryable: false });
    }
    const responses = [];
    let key = options && options.idempotencyKey;
    for (;;) {
      const step = this.step(operation, request, responses, key);
      key = step.idempotencyKey;
      if (step.type === 'done') return step.response;
      responses.push(await send(step.request));
    }
  }

  toJSON() {
    return Object.assign({}, CONNECTOR_STATE.get(this));
  }

  [util.inspect.custom](depth, options, inspect) {
    return `Connector ${(inspect || util.inspect)(CONNECTOR_STATE.get(this), options)}`;
  }
}

// ---- helpers ----

function typeConverters(type) {
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(gen.toWire, type)) {
    throw errorFromJson({ code: 'invalid_request', message: `unknown type \`${String(type).slice(0, 64)}\``, field: 'type', retryable: false });
  }
  return [gen.toWire[type], gen.fromWire[type]];
}

function toCoreJson(type, value) {
  const [toWire] = typeConverters(type);
  return JSON.stringify(convert(toWire, value, type));
}

function fromCoreJson(type, json) {
  const [, fromWire] = typeConverters(type);
  return decode(fromWire, JSON.parse(json), {});
}

function coreVersion() {
  return native.coreVersion();
}

function apiSchema() {
  return unpack(native.apiSchemaJson());
}

/** A fresh idempotency key (a UUID v4, as the core generates): create it before a call and
 * pass it on the request to keep it when you stop waiting for the call. */
function newIdempotencyKey() {
  return require('crypto').randomUUID();
}

function fiservSignature(apiKey, apiSecret, clientRequestId, timestampMs, body) {
  const strings = { apiKey, apiSecret, clientRequestId };
  for (const [field, value] of Object.entries(strings)) {
    if (typeof value !== 'string') throw errorFromJson({ code: 'invalid_request', message: 'must be a string', field, retryable: false });
  }
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw errorFromJson({ code: 'invalid_request', message: 'must be a non-negative integer (milliseconds)', field: 'timestampMs', retryable: false });
  }
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body ?? []);
  return native.fiservSignature(apiKey, apiSecret, clientRequestId, timestampMs, bytes);
}

const errorExports = {};
for (const Class of Object.values(ERROR_CLASSES)) errorExports[Class.name] = Class;

module.exports = {
  Client,
  Connector,
  ConnectorServiceError,
  ...errorExports,
  ERROR_CLASSES,
  OPERATION_NAMES: Object.freeze(Object.keys(OPERATIONS)),
  toCoreJson,
  fromCoreJson,
  coreVersion,
  apiSchema,
  setLogger: observe.setLogger,
  setLogLevel: observe.setLogLevel,
  newIdempotencyKey,
  fiservSignature,
};
