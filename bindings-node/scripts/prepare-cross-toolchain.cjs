'use strict';
// Prepares napi-rs's glibc 2.17 cross toolchain for `napi build --use-napi-cross`
// (`make release-portable`).
//
// The napi CLI looks for the toolchain in ~/.napi-rs/cross-toolchain/<version>/<triple>, where
// <version> is that of the @napi-rs/cross-toolchain package it depends on, and otherwise
// downloads the toolchain package of that same version from the npm registry. When the
// registry has no toolchain package of that version (the CLI's dependency can be newer than
// the published toolchains), this script unpacks the newest published one there instead.
// Needs `npm install --no-save @napi-rs/cross-toolchain@<published> @napi-rs/lzma-linux-x64-gnu`
// first (the Makefile does it).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const triple = process.argv[2] || 'x86_64-unknown-linux-gnu';
const arch = process.arch;
const cliToolchain = require.resolve('@napi-rs/cross-toolchain/package.json', { paths: [path.dirname(require.resolve('@napi-rs/cli/package.json'))] });
const wanted = JSON.parse(fs.readFileSync(cliToolchain, 'utf8')).version;
const dest = path.join(os.homedir(), '.napi-rs', 'cross-toolchain', wanted, triple);
if (fs.existsSync(path.join(dest, 'package.json'))) {
  console.log(`cross toolchain ${wanted} for ${triple}: present`);
  process.exit(0);
}
const published = require('@napi-rs/cross-toolchain');
console.log(`cross toolchain: unpacking ${published.version} for ${triple} into ${dest}`);
fs.mkdirSync(dest, { recursive: true });
published.download(arch, triple).unpack(dest);
