// Signature vectors shared by every language (tests/vectors/): the Fiserv Commerce Hub request
// signature, computed by the core, matches the vector and an independent HMAC.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

import * as cs from 'connector-service';

const vector = JSON.parse(readFileSync(new URL('../../tests/vectors/fiserv/request_signature.json', import.meta.url), 'utf8'));

test('the Fiserv request signature reproduces the vector', () => {
  const { api_key: key, api_secret: secret, client_request_id: id, timestamp_ms: ts, body } = vector;
  const signature = cs.fiservSignature(key, secret, id, ts, body);
  assert.equal(signature, vector.signature);
  const independent = createHmac('sha256', secret).update(`${key}${id}${ts}${body}`).digest('base64');
  assert.equal(signature, independent);
  assert.equal(cs.fiservSignature(key, secret, id, ts, Buffer.from(body)), signature);
  assert.notEqual(cs.fiservSignature(key, secret, id, ts + 1, body), signature);
  assert.throws(() => cs.fiservSignature(key, secret, id, -1, body), (e) => e instanceof cs.InvalidRequestError && e.field === 'timestampMs');
});
