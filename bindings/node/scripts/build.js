#!/usr/bin/env node
'use strict';
// Builds the addon with cargo (dev profile unless --release) and copies the library to
// bindings/node/wazap.node, where index.js loads it. No prebuilt toolchain is downloaded.
// Usage: node scripts/build.js [--release] [-p OTHER_PACKAGE ...]
// (extra packages are built in the same cargo run, e.g. `-p wazap-sandbox` for the tests: one
// run means one feature resolution, so nothing is compiled twice.)

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = ['build', '-p', 'wazap-node', '--message-format=json-render-diagnostics'];
const extra = process.argv.slice(2);
for (let i = 0; i < extra.length; i += 1) {
  if (extra[i] === '--release') args.push('--release');
  else if (extra[i] === '-p' && extra[i + 1]) args.push('-p', extra[(i += 1)]);
  else {
    console.error(`unknown argument ${extra[i]}`);
    process.exit(2);
  }
}

const result = spawnSync('cargo', args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (result.error) {
  console.error(`cannot run cargo: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) process.exit(result.status ?? 1);

// cargo names the artifact per platform (libwazap_node.so / .dylib, wazap_node.dll).
let library = null;
for (const line of result.stdout.split('\n')) {
  if (!line.startsWith('{')) continue;
  const message = JSON.parse(line);
  if (message.reason !== 'compiler-artifact' || message.target.name !== 'wazap_node') continue;
  library = message.filenames.find((f) => /\.(so|dylib|dll)$/.test(f)) ?? library;
}
if (!library) {
  console.error('cargo did not report the wazap_node library');
  process.exit(1);
}
const destination = path.join(root, 'wazap.node');
// Copy to a temporary name and rename, so a running process never sees half a file.
const temporary = `${destination}.${process.pid}.tmp`;
fs.copyFileSync(library, temporary);
fs.renameSync(temporary, destination);
console.log(`built ${path.relative(process.cwd(), destination)} from ${library}`);
