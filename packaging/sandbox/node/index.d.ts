import type { ChildProcess, StdioNull, StdioPipe } from 'node:child_process';

export interface StartOptions {
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Also POST a processor's webhooks to a URL, e.g. `{ adyen: 'http://127.0.0.1:9000/hooks' }`. */
  webhookUrls?: Record<string, string>;
  /** Delay between the call that causes a webhook and its emission (default 50). */
  webhookDelayMs?: number;
  /** Extra command-line flags. */
  args?: string[];
  /** Where the sandbox's log (stderr) goes (default: this process's stderr). */
  stderr?: 'inherit' | 'ignore' | StdioNull | StdioPipe;
}

export declare class Sandbox {
  readonly child: ChildProcess;
  /** `http://HOST:PORT` */
  readonly url: string;
  /** Where a client of `processor` points its base URL, e.g. `http://127.0.0.1:PORT/adyen`. */
  baseUrl(processor: string): string;
  /** A call to the control API (`/_sandbox/...`). */
  control(method: string, pathname: string, body?: unknown): Promise<any>;
  /** The test credentials the sandbox accepts, per processor (in the core's JSON form). */
  credentials(): Promise<Record<string, Record<string, unknown>>>;
  /** Stops the sandbox; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts the sandbox (a free port by default) and resolves once it listens. */
export declare function start(options?: StartOptions): Promise<Sandbox>;

/** The `connector-sandbox` binary: $CONNECTOR_SANDBOX_BIN, or the platform package's. */
export declare function binaryPath(): string;
