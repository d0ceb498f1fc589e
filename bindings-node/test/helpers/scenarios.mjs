// Runs the shared scenarios (tests/scenarios/*.json, format in tests/README.md) through the
// package's typed API: every request is turned into the typed (camelCase) object with the
// package's own converters, sent through the typed service method, and the typed response
// (or error) is turned back into the core's JSON form to compare.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import * as cs from 'connector-service';
import { REPO_ROOT } from './sandbox.mjs';
import { at, expand, match } from './scenario-format.mjs';

export { assertValidScenario, scenarioFiles } from './scenario-format.mjs';

function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** Changes one byte of a webhook body: a digit of a signed value (amount first), else any. */
export function tamper(body) {
  const buf = Buffer.from(body);
  const text = buf.toString('latin1');
  const m = /"value"\s*:\s*"?(\d)/.exec(text) || /"amount"\s*:\s*"?(\d)/.exec(text) || /(\d)/.exec(text);
  const i = m ? m.index + m[0].length - 1 : Math.floor(buf.length / 2);
  buf[i] = buf[i] >= 0x30 && buf[i] <= 0x38 ? buf[i] + 1 : buf[i] === 0x39 ? 0x30 : buf[i] ^ 0x01;
  return buf;
}

/** Follows a shopper redirect without a browser; returns the return URL's query parameters. */
async function followRedirect(url, form) {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form || {}).toString(),
  });
  const location = res.headers.get('location');
  assert.ok(location, `redirect ${url}: no Location (HTTP ${res.status})`);
  return Object.fromEntries(new URL(location, url).searchParams.entries());
}

/** The typed client for a scenario. */
async function scenarioClient(sandbox, scenario) {
  const creds = await sandbox.credentials();
  const connector = Object.assign({}, creds[scenario.connector], scenario.config_overrides || {});
  const wire = { connector, base_url: sandbox.base(scenario.connector) };
  if (scenario.transport) wire.transport = scenario.transport;
  return new cs.Client(cs.fromCoreJson('ClientConfig', JSON.stringify(wire)));
}

/** Runs one scenario; returns the number of steps run. */
export async function runScenario(sandbox, scenario) {
  await sandbox.reset();
  const client = await scenarioClient(sandbox, scenario);
  const vars = {};
  let stepNo = 0;
  for (const rawStep of scenario.steps) {
    stepNo += 1;
    const label = `${scenario.name} step ${stepNo}${rawStep.name ? ` (${rawStep.name})` : ''}`;
    let step;
    try {
      step = expand(rawStep, vars);
    } catch (e) {
      assert.fail(`${label}: ${e.message}`);
    }
    let result;
    let error;
    if ('call' in step) {
      const [service, method] = step.call.split('.');
      const opName = `${service}.${camel(method)}`;
      assert.ok(cs.OPERATION_NAMES.includes(opName), `${label}: unknown operation ${step.call}`);
      const op = operationTypes(opName);
      // Typed request from the step's JSON, through the package's own converter.
      const request = cs.fromCoreJson(op.request, JSON.stringify(step.request));
      const options = step.options ? cs.fromCoreJson('CallOptions', JSON.stringify(step.options)) : undefined;
      try {
        const response = await client[camel(service)][camel(method)](request, options);
        result = JSON.parse(cs.toCoreJson(op.response, response));
      } catch (e) {
        if (!(e instanceof cs.ConnectorServiceError)) throw e;
        error = e;
      }
    } else if ('webhook' in step && step.webhook.file) {
      // An official vector: the file's exact bytes, with the step's headers.
      let body = readFileSync(path.join(REPO_ROOT, 'tests', step.webhook.file));
      if (step.webhook.tamper) {
        const { find, replace } = step.webhook.tamper;
        const text = body.toString('utf8');
        assert.ok(text.includes(find), `${label}: cannot tamper: ${JSON.stringify(find)} is not in the body`);
        body = Buffer.from(text.replace(find, () => replace), 'utf8');
      }
      try {
        const notification = client.webhooks.verifyAndParse({ headers: step.webhook.headers || {}, body });
        result = JSON.parse(cs.toCoreJson('WebhookNotification', notification));
      } catch (e) {
        if (!(e instanceof cs.ConnectorServiceError)) throw e;
        error = e;
      }
    } else if ('webhook' in step) {
      const hook = await sandbox.nextWebhook(
        scenario.connector,
        step.webhook.event,
        step.webhook.timeout_ms ?? 5000,
        step.webhook.contains,
      );
      if (step.webhook.none) {
        assert.equal(hook, null, `${label}: expected no webhook, got ${hook && hook.event}`);
        continue;
      }
      assert.ok(hook, `${label}: no webhook ${step.webhook.event || ''} arrived`);
      let text = hook.body;
      if (step.webhook.tamper) {
        // The scenario names the signed text to change (tests/README.md).
        const { find, replace } = step.webhook.tamper;
        assert.ok(text.includes(find), `${label}: cannot tamper: ${JSON.stringify(find)} is not in the body`);
        text = text.replace(find, () => replace);
      }
      const body = Buffer.from(text, 'utf8');
      try {
        const notification = client.webhooks.verifyAndParse({ headers: hook.headers, body });
        result = JSON.parse(cs.toCoreJson('WebhookNotification', notification));
      } catch (e) {
        if (!(e instanceof cs.ConnectorServiceError)) throw e;
        error = e;
      }
    } else if ('fault' in step) {
      await sandbox.fault(Object.assign({ processor: scenario.connector }, step.fault));
      continue;
    } else if ('sandbox' in step) {
      const { method, path: p, body } = step.sandbox;
      const answer = await sandbox.control(method, p, body);
      assert.ok(answer.status < 300, `${label}: sandbox ${method} ${p}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
      result = answer.json;
    } else if ('redirect' in step) {
      result = await followRedirect(step.redirect.url, step.redirect.form);
    } else if ('requests' in step) {
      result = await sandbox.requests(scenario.connector);
    } else {
      assert.fail(`${label}: unknown step kind ${Object.keys(step).join(',')}`);
    }

    if (step.expect_error) {
      assert.ok(error, `${label}: expected an error ${JSON.stringify(step.expect_error)}, got ${JSON.stringify(result)}`);
      match(step.expect_error, error.toJSON(), `${label}: error`);
      // The class follows the code.
      assert.ok(error instanceof cs.ERROR_CLASSES[error.code], `${label}: ${error.name} for ${error.code}`);
    } else {
      assert.ok(!error, `${label}: unexpected error ${error && error.name}: ${error && error.message}`);
      if (step.expect) match(step.expect, result, label);
    }
    if (step.save) {
      // From the result, or from the error's JSON form on an `expect_error` step.
      const source = error ? error.toJSON() : result;
      for (const [name, dotted] of Object.entries(step.save)) {
        try {
          vars[name] = at(source, dotted);
        } catch (e) {
          assert.fail(`${label}: cannot save ${name}: ${e.message}`);
        }
      }
    }
  }
  return stepNo;
}

const OPS = new Map();
function operationTypes(opName) {
  if (OPS.size === 0) {
    const schema = cs.apiSchema();
    for (const op of schema.operations) {
      const [service, method] = op.name.split('.');
      OPS.set(`${service}.${camel(method)}`, op);
    }
  }
  return OPS.get(opName);
}
