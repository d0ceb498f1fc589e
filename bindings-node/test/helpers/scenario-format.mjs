// The scenario format (tests/README.md) without the client: reading and validating the files
// against tests/scenario.schema.json (ajv), variable expansion, save paths and the matcher. The
// scenario runner (scenarios.mjs) uses these; scenario-format.test.mjs checks them against the
// shared self-test cases (tests/matchers.selftest.json).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020Module from 'ajv/dist/2020.js';

export const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tests');


/** The JSON files of a folder under tests/, sorted: `{file, scenario}` (the parsed JSON). */
export function scenarioFiles(dir = 'scenarios') {
  const full = path.join(TESTS_DIR, dir);
  return readdirSync(full)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, scenario: JSON.parse(readFileSync(path.join(full, f), 'utf8')) }));
}

let validator;
/** Every complaint of tests/scenario.schema.json about `scenario`: `[{pointer, message}]`. */
export function schemaErrors(scenario) {
  if (!validator) {
    const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
    // Unknown keywords fail (ajv's default strictSchema). strictTypes off: the schema's `value`
    // applies pattern/items/additionalProperties to any JSON type on purpose (each keyword only
    // constrains its own type).
    const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
    validator = ajv.compile(JSON.parse(readFileSync(path.join(TESTS_DIR, 'scenario.schema.json'), 'utf8')));
  }
  if (validator(scenario)) return [];
  return validator.errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const detail = Object.entries(e.params || {})
        .filter(([k]) => ['additionalProperty', 'missingProperty', 'propertyName', 'allowedValues'].includes(k))
        .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
        .join(', ');
      return { pointer: e.instancePath, message: `${e.message}${detail ? ` (${detail})` : ''}` };
    });
}

/** Fails, naming the file and each JSON pointer at fault, when `scenario` does not validate. */
export function assertValidScenario(file, scenario, dir = 'scenarios') {
  const errors = schemaErrors(scenario);
  if (errors.length > 0) {
    const lines = errors.map((e) => `  at "${e.pointer}": ${e.message}`).join('\n');
    assert.fail(`tests/${dir}/${file} does not validate against tests/scenario.schema.json:\n${lines}`);
  }
}

/** The value of a variable (`uuid`: a fresh UUID v4); an undefined variable fails. */
function variable(name, vars) {
  if (name === 'uuid') return randomUUID();
  assert.ok(Object.hasOwn(vars, name), `undefined variable \${${name}} (no earlier step saved it)`);
  return vars[name];
}

/** Expands `${var}` and `${uuid}` in every string of `value` (tests/README.md, "Values"). */
export function expand(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z0-9_]+)\}$/.exec(value);
    if (whole) return variable(whole[1], vars);
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name) => {
      const v = variable(name, vars);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, vars));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = expand(v, vars);
    return out;
  }
  return value;
}

/**
 * The value at a dotted path for `save` (`events.0.connector_dispute_id`; `""` is the whole
 * value). A path that leads to nothing or to null fails.
 */
export function at(value, dotted) {
  let cur = value;
  for (const part of dotted === '' ? [] : dotted.split('.')) {
    if (Array.isArray(cur)) {
      cur = /^[0-9]+$/.test(part) ? cur[Number(part)] : undefined;
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.hasOwn(cur, part) ? cur[part] : undefined;
    } else {
      cur = undefined;
    }
    if (cur === undefined || cur === null) break;
  }
  assert.ok(cur !== undefined && cur !== null, `no value at ${JSON.stringify(dotted)} in ${JSON.stringify(value)}`);
  return cur;
}

/** Matches `expected` against `actual` as tests/README.md ("Expectations") says. */
export function match(expected, actual, where = '$') {
  const missing = actual === undefined || actual === null;
  if (expected === '$present') {
    assert.ok(!missing, `${where}: expected a value, got ${JSON.stringify(actual)}`);
    return;
  }
  if (expected === '$absent' || expected === null) {
    assert.ok(missing, `${where}: expected nothing, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: array length`);
    expected.forEach((e, i) => match(e, actual[i], `${where}[${i}]`));
    return;
  }
  if (typeof expected === 'object') {
    assert.ok(!missing && typeof actual === 'object' && !Array.isArray(actual), `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) match(v, Object.hasOwn(actual, k) ? actual[k] : undefined, `${where}.${k}`);
    return;
  }
  assert.equal(actual, expected, `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
