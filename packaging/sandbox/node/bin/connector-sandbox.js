#!/usr/bin/env node
'use strict';
// The `connector-sandbox` command: runs the platform package's binary with the same arguments.

const { spawn } = require('node:child_process');
const { binaryPath } = require('../index.js');

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (e) => {
  console.error(`connector-sandbox: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
