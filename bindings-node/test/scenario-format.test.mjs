// The scenario format itself, without a sandbox: every shared scenario validates against
// tests/scenario.schema.json, the deliberately invalid ones of tests/fixtures/invalid/ do not,
// and this runner's matcher, variable expansion and save paths agree with the cases of
// tests/matchers.selftest.json, which every runner (Rust, Python, Node, Kotlin) checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { TESTS_DIR, assertValidScenario, at, expand, match, scenarioFiles, schemaErrors } from './helpers/scenario-format.mjs';

const selftest = JSON.parse(readFileSync(path.join(TESTS_DIR, 'matchers.selftest.json'), 'utf8'));
const invalid = JSON.parse(readFileSync(path.join(TESTS_DIR, 'fixtures', 'invalid.json'), 'utf8')).files;

test('every shared scenario validates against the schema', () => {
  const files = scenarioFiles();
  assert.ok(files.length > 0);
  for (const { file, scenario } of files) assertValidScenario(file, scenario);
});

test('tests/fixtures/invalid.json lists every invalid fixture', () => {
  assert.deepEqual(scenarioFiles('fixtures/invalid').map((f) => f.file), Object.keys(invalid).sort());
});

for (const { file, scenario } of scenarioFiles('fixtures/invalid')) {
  test(`the invalid scenario ${file} is rejected`, () => {
    const pointer = invalid[file];
    const errors = schemaErrors(scenario);
    assert.ok(errors.length > 0, `${file} validates, but must not`);
    assert.ok(
      errors.some((e) => e.pointer === pointer || e.pointer.startsWith(`${pointer}/`)),
      `${file}: no error at ${JSON.stringify(pointer)}: ${JSON.stringify(errors)}`,
    );
    assert.throws(() => assertValidScenario(file, scenario, 'fixtures/invalid'), (e) => {
      assert.match(e.message, new RegExp(`tests/fixtures/invalid/${file.replace('.', '\\.')} does not validate`));
      assert.ok(e.message.includes(`at "${pointer}`), e.message);
      return true;
    });
  });
}

test('matcher self-test', () => {
  const failures = [];
  for (const c of selftest.match) {
    let matched = true;
    try {
      match(c.expect, c.actual);
    } catch (e) {
      if (!(e instanceof assert.AssertionError)) throw e;
      matched = false;
    }
    if (matched !== c.matches) failures.push(`${c.name}: matched=${matched}`);
  }
  assert.deepEqual(failures, []);
});

test('variable expansion self-test', () => {
  const failures = [];
  for (const c of selftest.expand) {
    let result;
    let failed = false;
    try {
      result = expand(c.value, { ...c.vars });
    } catch (e) {
      if (!(e instanceof assert.AssertionError)) throw e;
      failed = true;
    }
    if (c.error) {
      if (!failed) failures.push(`${c.name}: expanded to ${JSON.stringify(result)}, expected an error`);
    } else if (failed) {
      failures.push(`${c.name}: failed`);
    } else if (c.result_pattern !== undefined) {
      if (typeof result !== 'string' || !new RegExp(c.result_pattern).test(result)) failures.push(`${c.name}: ${result}`);
    } else {
      try {
        assert.deepStrictEqual(result, c.result);
      } catch {
        failures.push(`${c.name}: ${JSON.stringify(result)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('save path self-test', () => {
  const failures = [];
  for (const c of selftest.save) {
    let result;
    let failed = false;
    try {
      result = at(c.value, c.path);
    } catch (e) {
      if (!(e instanceof assert.AssertionError)) throw e;
      failed = true;
    }
    if (c.error ? !failed : failed) failures.push(`${c.name}: ${failed ? 'failed' : JSON.stringify(result)}`);
    else if (!c.error) {
      try {
        assert.deepStrictEqual(result, c.result);
      } catch {
        failures.push(`${c.name}: ${JSON.stringify(result)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
