// Preloaded (`node --import`) into the Node scenario run of `make reliability-node`: every log
// record of the core, at TRACE, as one JSON line on stdout, where the secrets audit reads it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cs = require('../../bindings-node/index.js');

cs.setLogger((record) => process.stdout.write(`${JSON.stringify(record)}\n`), { level: 'trace' });
