'use strict';
// connector-service-sandbox: the local processor sandbox of connector-service for Node.js, with
// no Rust toolchain needed. The binary comes from the platform package that npm picked
// (connector-service-sandbox-<platform>, an optional dependency), as napi-rs packages do.

const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const fs = require('node:fs');
const path = require('node:path');

const PREFIX = 'connector-sandbox listening on ';

function isMusl() {
  if (process.platform !== 'linux') return false;
  const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
  return !(report && report.header && report.header.glibcVersionRuntime);
}

/** The platform package's suffix for this process (napi-rs's naming), e.g. `linux-x64-gnu`. */
function platformSuffix() {
  if (process.platform === 'linux') return `linux-${process.arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (process.platform === 'win32') return `win32-${process.arch}-msvc`;
  return `${process.platform}-${process.arch}`;
}

/** The `connector-sandbox` binary: $CONNECTOR_SANDBOX_BIN, or the platform package's. */
function binaryPath() {
  if (process.env.CONNECTOR_SANDBOX_BIN) return process.env.CONNECTOR_SANDBOX_BIN;
  const pkg = `connector-service-sandbox-${platformSuffix()}`;
  const exe = process.platform === 'win32' ? 'connector-sandbox.exe' : 'connector-sandbox';
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`connector-service-sandbox: no sandbox binary for this platform (${pkg} is not installed; ` +
      'reinstall without --no-optional, or set CONNECTOR_SANDBOX_BIN)');
  }
  const bin = path.join(dir, exe);
  if (process.platform !== 'win32') {
    // npm keeps the executable bit; restore it if a packer or copier dropped it.
    const mode = fs.statSync(bin).mode;
    if ((mode & 0o100) === 0) fs.chmodSync(bin, mode | 0o755);
  }
  return bin;
}

class Sandbox {
  constructor(child, url) {
    this.child = child;
    /** `http://HOST:PORT` */
    this.url = url;
  }

  /** Where a client of `processor` points its base URL, e.g. `http://127.0.0.1:PORT/adyen`. */
  baseUrl(processor) {
    return `${this.url}/${processor}`;
  }

  /** A call to the control API (`/_sandbox/...`); resolves to the parsed JSON answer (or null). */
  async control(method, pathname, body) {
    const res = await fetch(`${this.url}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${pathname}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** The test credentials the sandbox accepts, per processor (in the core's JSON form). */
  credentials() {
    return this.control('GET', '/_sandbox/credentials');
  }

  /** Stops the sandbox; resolves when it has exited. */
  stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill();
    });
  }
}

/**
 * Starts the sandbox as a child process (a free port by default) and resolves once it listens.
 * The sandbox is killed when this process exits.
 */
async function start(options = {}) {
  const args = ['--host', options.host || '127.0.0.1', '--port', String(options.port ?? 0)];
  for (const [processor, url] of Object.entries(options.webhookUrls || {})) args.push('--webhook-url', `${processor}=${url}`);
  if (options.webhookDelayMs !== undefined) args.push('--webhook-delay-ms', String(options.webhookDelayMs));
  args.push(...(options.args || []));
  const child = spawn(binaryPath(), args, { stdio: ['ignore', 'pipe', options.stderr || 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let onExit;
  const url = await new Promise((resolve, reject) => {
    onExit = (code, signal) => reject(new Error(`the sandbox exited before listening (${signal || code})`));
    child.once('error', reject);
    child.once('exit', onExit);
    lines.once('line', (line) => {
      if (line.startsWith(PREFIX)) resolve(line.slice(PREFIX.length).trim());
      else reject(new Error(`unexpected first line from the sandbox: ${line}`));
    });
  }).catch((e) => {
    child.kill();
    throw e;
  });
  child.removeListener('exit', onExit);
  lines.on('line', () => {}); // keep draining stdout
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  return new Sandbox(child, url);
}

module.exports = { start, binaryPath, Sandbox };
