'use strict';
// Checks and conversions used by the generated converters (generated.js) between the
// package's camelCase JavaScript objects and the core's snake_case JSON.
//
// Paths are the core's (snake_case, dotted) paths of the value being converted; the error
// classes translate them to the JavaScript names for `err.field`.

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// Inclusive bounds per JSON Schema integer format. 64-bit formats are limited to the safe
// integer range: every value a JavaScript number holds exactly.
const INT_RANGES = {
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, MAX_SAFE],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-MAX_SAFE, MAX_SAFE],
};

/** A value that cannot be converted: becomes an `InvalidRequestError` naming the field. */
class FieldError extends Error {
  constructor(path, message) {
    super(message);
    this.path = path;
  }
}

/** A response the core produced that JavaScript cannot represent exactly. */
class ResponseError extends Error {
  constructor(path, message) {
    super(message);
    this.path = path;
  }
}

function join(path, name) {
  return path ? `${path}.${name}` : name;
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  // Never the value itself: it may be a card number or a secret.
  return `a ${typeof value}`;
}

function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** Checks `value` is a plain object. */
function object(value, path) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new FieldError(path, `must be an object, got ${describe(value)}`);
  }
  return value;
}

/** Checks `value` is a plain object whose keys are all in `keys` (the tag key aside). */
function struct(value, path, keys, tag) {
  object(value, path);
  for (const key of Object.keys(value)) {
    if (key === tag || keys.includes(key)) continue;
    // The unknown key itself is not echoed (it is caller data); a snake_case spelling of a
    // known field is named, since it is one.
    if (keys.includes(camel(key))) {
      throw new FieldError(path, `unknown field \`${key}\` (fields are camelCase: \`${camel(key)}\`)`);
    }
    throw new FieldError(path, `unknown field (expected only ${keys.map((k) => `\`${k}\``).join(', ')}${tag ? ` and \`${tag}\`` : ''})`);
  }
  return value;
}

function missing(value) {
  return value === undefined || value === null;
}

function required(path) {
  return new FieldError(path, 'is required');
}

function str(value, path) {
  if (typeof value !== 'string') throw new FieldError(path, `must be a string, got ${describe(value)}`);
  return value;
}

function bool(value, path) {
  if (typeof value !== 'boolean') throw new FieldError(path, `must be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * Integers (amounts in minor units included) are JavaScript numbers that are safe integers:
 * anything else (bigint, string, NaN, Infinity, a fraction, beyond 2^53-1) is rejected here,
 * before anything is sent, because JSON would carry it inexactly or not at all.
 */
function int(value, path, format) {
  if (typeof value === 'bigint') {
    throw new FieldError(path, 'must be a number (a safe integer), not a bigint');
  }
  if (typeof value !== 'number') throw new FieldError(path, `must be an integer number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new FieldError(path, `must be a finite integer, got ${Number.isNaN(value) ? 'NaN' : 'Infinity'}`);
  if (!Number.isInteger(value)) throw new FieldError(path, 'must be an integer, got a fraction');
  if (!Number.isSafeInteger(value)) {
    throw new FieldError(path, 'must be a safe integer (at most 2^53-1 in magnitude); larger values lose precision');
  }
  const range = INT_RANGES[format] || INT_RANGES.int64;
  if (value < range[0] || value > range[1]) {
    throw new FieldError(path, `must be between ${range[0]} and ${range[1]}`);
  }
  return value;
}

/** Bytes: a Buffer, Uint8Array, other typed array or ArrayBuffer; a string is UTF-8 text. */
function toBuffer(value, path) {
  if (Buffer.isBuffer(value)) return value;
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new FieldError(path, `must be a Buffer, Uint8Array or string, got ${describe(value)}`);
}

function bytes(value, path) {
  return toBuffer(value, path).toString('base64');
}

function list(value, path, item) {
  if (!Array.isArray(value)) throw new FieldError(path, `must be an array, got ${describe(value)}`);
  return value.map((v, i) => item(v, `${path}[${i}]`));
}

/** Maps (metadata, headers, form fields) are data: their keys are never renamed. */
function map(value, path, item) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FieldError(path, `must be an object, got ${describe(value)}`);
  }
  const out = {};
  for (const key of Object.keys(value)) out[key] = item(value[key], `${path}.${key}`);
  return out;
}

function badTag(value, path, tag, allowed) {
  const where = join(path, tag);
  if (missing(value)) return new FieldError(where, `is required (one of ${allowed.map((a) => `"${a}"`).join(', ')})`);
  if (typeof value !== 'string') return new FieldError(where, `must be a string, got ${describe(value)}`);
  return new FieldError(where, `unknown variant \`${value.slice(0, 32)}\`, expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}

// ---- from the core's JSON ----

// An integer of the core's JSON beyond 2^53-1 has already lost precision in JSON.parse: refuse
// it rather than hand out a wrong amount. (The core itself never accepts such amounts.)
function intIn(value, path) {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new ResponseError(path, 'an integer in the response is beyond 2^53-1 and cannot be represented exactly');
  }
  return value;
}

function bytesIn(value) {
  return Buffer.from(value, 'base64');
}

function listIn(value, item) {
  return value.map(item);
}

function mapIn(value, item) {
  const out = {};
  for (const key of Object.keys(value)) out[key] = item(value[key]);
  return out;
}

module.exports = {
  FieldError,
  ResponseError,
  join,
  object,
  struct,
  missing,
  required,
  str,
  bool,
  int,
  bytes,
  toBuffer,
  list,
  map,
  badTag,
  intIn,
  bytesIn,
  listIn,
  mapIn,
};
