// The local sandbox for the examples: $SANDBOX_URL, or the debug build started on a free port
// (`cargo build -p connector-sandbox`; $SANDBOX_BIN overrides its path).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export async function startSandbox() {
  if (process.env.SANDBOX_URL) return { url: process.env.SANDBOX_URL, stop() {} };
  const bin = process.env.SANDBOX_BIN || fileURLToPath(new URL('../../../target/debug/connector-sandbox', import.meta.url));
  const child = spawn(bin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
    lines.once('line', (line) => resolve(/listening on (\S+)/.exec(line)?.[1]));
  });
  child.removeAllListeners('exit');
  lines.on('line', () => {});
  return { url, stop: () => child.kill() };
}

/** An Adyen client configuration for the sandbox, with the credentials it publishes. */
export async function sandboxConfig(url) {
  const { adyen } = await (await fetch(`${url}/_sandbox/credentials`)).json();
  return {
    connector: { type: 'adyen', apiKey: adyen.api_key, merchantAccount: adyen.merchant_account },
    baseUrl: `${url}/adyen`,
  };
}
