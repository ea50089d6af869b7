#!/usr/bin/env node
'use strict';
// Packs the npm packages the way napi-rs lays them out: `wazap` (JavaScript and types, with
// the platform packages as optional dependencies) and `@wazap/<platform>` holding the .node
// binary, here the one for this machine built by scripts/build.js (wazap.node).
// Usage: node scripts/pack.js OUT_DIR   (writes wazap-VERSION.tgz and
//        wazap-<platform>-VERSION.tgz there; scripts/release.sh calls it)

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { platformSuffix } = require('../platform.js');

const root = path.resolve(__dirname, '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/pack.js OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const cargo = fs.readFileSync(path.join(root, '..', '..', 'Cargo.toml'), 'utf8');
const version = /^version = "([^"]+)"/m.exec(cargo)[1];
// One version everywhere: the crates', the main package's and each platform package's. The
// packed `wazap` asks for exactly that version of each platform package: its optional
// dependencies are written at packing time (as `napi prepublish` does), so that the source
// tree's own `npm ci` never looks for platform packages in the registry.
const fail = (message) => {
  console.error(`error: ${message}`);
  process.exit(1);
};
if (main.version !== version) fail(`package.json has ${main.version}, Cargo.toml ${version}`);

const addon = path.join(root, 'wazap.node');
if (!fs.existsSync(addon)) fail(`${addon} is missing: run node scripts/build.js first`);
const optional = {};
const platforms = fs.readdirSync(path.join(root, 'npm'));
for (const suffix of platforms) {
  const dir = path.join(root, 'npm', suffix);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.version !== version) fail(`${pkg.name} has version ${pkg.version}, not ${version}`);
  optional[pkg.name] = version;
}

// Only this machine's platform package can be packed here (the others need their own build).
const suffix = platformSuffix();
if (!platforms.includes(suffix)) fail(`no npm/ package for this platform (${suffix})`);
const platformDir = path.join(root, 'npm', suffix);
const binary = path.join(platformDir, `wazap.${suffix}.node`);
fs.copyFileSync(addon, binary);

// The main package, staged with its optional dependencies and without development fields.
const stage = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'wazap-pack-'));
const staged = { ...main, optionalDependencies: optional };
delete staged.devDependencies;
delete staged.scripts;
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
for (const file of [...main.files, 'README.md']) {
  fs.copyFileSync(path.join(root, file), path.join(stage, file));
}

const pack = (dir) => {
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', path.resolve(out)], {
      cwd: dir,
      encoding: 'utf8',
    }),
  );
  console.log(`packed ${path.join(out, info.filename)} (${info.entryCount} files)`);
};
try {
  pack(stage);
  pack(platformDir);
} finally {
  fs.rmSync(binary, { force: true });
  fs.rmSync(stage, { recursive: true, force: true });
}
