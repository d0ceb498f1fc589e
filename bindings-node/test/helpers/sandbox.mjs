// Starts the processor sandbox (connector-sandbox) as a child process on a free port, and
// talks to its control API.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..');

/** The sandbox binary: $SANDBOX_BIN, or the workspace's debug build. */
export function sandboxBinary() {
  const bin = process.env.SANDBOX_BIN || path.join(process.env.CARGO_TARGET_DIR || path.join(REPO_ROOT, 'target'), 'debug', 'connector-sandbox');
  if (!existsSync(bin)) {
    throw new Error(`sandbox binary not found at ${bin}: run \`cargo build -p connector-sandbox\` (make test does)`);
  }
  return bin;
}

export class Sandbox {
  constructor(child, url) {
    this.child = child;
    this.url = url;
  }

  /** Spawns the sandbox on port 0 and waits for its `listening on` line. */
  static async start(extraArgs = []) {
    const child = spawn(sandboxBinary(), ['--host', '127.0.0.1', '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`sandbox exited early (code ${code})`)));
      lines.once('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first sandbox line: ${line}`));
      });
    });
    child.removeAllListeners('exit');
    // Keep draining stdout so the child never blocks on a full pipe.
    lines.on('line', () => {});
    // The sandbox never outlives the tests, even when a test fails.
    process.once('exit', () => {
      if (child.exitCode === null) child.kill();
    });
    return new Sandbox(child, url);
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill();
  }

  base(processor) {
    return `${this.url}/${processor}`;
  }

  async control(method, pathname, body) {
    const res = await fetch(`${this.url}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  async credentials() {
    const { status, json } = await this.control('GET', '/_sandbox/credentials');
    if (status !== 200) throw new Error(`credentials: HTTP ${status}`);
    return json;
  }

  async reset() {
    await this.control('DELETE', '/_sandbox/faults');
    await this.control('DELETE', '/_sandbox/requests');
    await this.control('DELETE', '/_sandbox/webhooks');
  }

  async fault(rule) {
    const { status, json } = await this.control('POST', '/_sandbox/faults', rule);
    if (status !== 200 && status !== 201) throw new Error(`fault: HTTP ${status} ${JSON.stringify(json)}`);
    return json;
  }

  async requests(processor) {
    return (await this.control('GET', `/_sandbox/requests?processor=${processor}`)).json;
  }

  /** The next outbox webhook (headers and raw body), or null when none arrives in time. */
  async nextWebhook(processor, event, timeoutMs = 5000, contains = undefined) {
    const body = { processor, timeout_ms: timeoutMs };
    if (event) body.event = event;
    if (contains) body.contains = contains;
    const { status, json } = await this.control('POST', '/_sandbox/webhooks/next', body);
    if (status === 404) return null;
    if (status !== 200) throw new Error(`webhooks/next: HTTP ${status}`);
    return json;
  }
}

/**
 * A client config in the package's camelCase form for `processor` at the sandbox: the
 * credentials the sandbox serves are in the core's JSON form, converted with the package's
 * own `fromCoreJson`.
 */
export async function sandboxConfig(sandbox, processor, cs, extra = {}) {
  const creds = await sandbox.credentials();
  const wire = Object.assign({ connector: creds[processor], base_url: sandbox.base(processor) }, extra);
  return cs.fromCoreJson('ClientConfig', JSON.stringify(wire));
}
