'use strict';
// The npm packages as a user gets them: the tarballs of `npm pack` (scripts/pack.js, in
// $WAZAP_NODE_DIST) installed offline into a fresh npm project, then used from there by
// CommonJS and ES module code, the TypeScript example type-checked with `tsc --strict`
// against the installed types, and the echo bot run against the sandbox.
// Run by scripts/test-node.sh after packing (not part of `node --test test/`).
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { after, before, test } = require('node:test');
const h = require('../test-support/helpers');

const nodeDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(nodeDir, '..', '..');
const version = JSON.parse(fs.readFileSync(path.join(nodeDir, 'package.json'), 'utf8')).version;
const dist = process.env.WAZAP_NODE_DIST;

let project;
let sandbox;
before(async () => {
  assert.ok(dist, 'WAZAP_NODE_DIST names the directory of the npm pack tarballs');
  const tarballs = [`wazap-${version}.tgz`, `wazap-linux-x64-gnu-${version}.tgz`].map((t) =>
    path.join(dist, t),
  );
  for (const t of tarballs) assert.ok(fs.existsSync(t), `${t} exists`);
  project = h.tempDir('installed');
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true }),
  );
  // Offline: everything comes from the two tarballs (the platform package satisfies the main
  // package's optional dependency on it).
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', ...tarballs], {
    cwd: project,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_cache: path.join(project, '.npm-cache') },
  });
  sandbox = await h.startSandbox();
});
after(async () => {
  await sandbox?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Runs `node` with `args` in the fresh project, without any of the source tree's settings. */
function nodeIn(args, input) {
  const env = { ...process.env };
  delete env.WAZAP_NODE_ADDON;
  delete env.NODE_PATH;
  return execFileSync(process.execPath, args, { cwd: project, env, encoding: 'utf8', input });
}

test('the installed package holds no binary; the addon comes from the platform package', () => {
  const installed = path.join(project, 'node_modules', 'wazap');
  assert.ok(!fs.existsSync(path.join(installed, 'wazap.node')));
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.optionalDependencies, { '@wazap/linux-x64-gnu': version });
  assert.equal(pkg.devDependencies, undefined);
  const platform = path.join(project, 'node_modules', '@wazap', 'linux-x64-gnu');
  assert.deepEqual(fs.readdirSync(platform).sort(), [
    'README.md',
    'package.json',
    'wazap.linux-x64-gnu.node',
  ]);
});

test('CommonJS require and ES module import give the same API', () => {
  const cjs = nodeIn(['-e', `
    const wazap = require('wazap');
    const found = require.resolve('wazap');
    console.log(JSON.stringify({ found, exports: Object.keys(wazap).sort(),
      qr: wazap.qrTerminal('2@abc').split('\\n').length, code: wazap.ErrorCode.TIMEOUT }));`]);
  const esm = nodeIn(['--input-type=module', '-e', `
    import wazap, { Client, ErrorCode, qrTerminal } from 'wazap';
    const url = import.meta.resolve('wazap');
    console.log(JSON.stringify({ url, same: wazap.Client === Client && wazap.ErrorCode === ErrorCode,
      qr: qrTerminal('2@abc').split('\\n').length }));`]);
  const c = JSON.parse(cjs);
  const e = JSON.parse(esm);
  assert.equal(c.found, fs.realpathSync(path.join(project, 'node_modules', 'wazap', 'index.js')));
  assert.ok(e.url.endsWith('/node_modules/wazap/index.mjs'), e.url);
  assert.deepEqual(c.exports, ['Client', 'ErrorCode', 'qrTerminal']);
  assert.equal(c.code, 'ERR_TIMEOUT');
  assert.ok(e.same);
  assert.ok(c.qr > 10 && c.qr === e.qr);
});

test('the TypeScript example type-checks with tsc --strict against the installed types', () => {
  fs.copyFileSync(
    path.join(repoRoot, 'examples', 'node', 'echo-bot.mts'),
    path.join(project, 'echo-bot.mts'),
  );
  // A CommonJS consumer too, through index.d.ts.
  fs.writeFileSync(
    path.join(project, 'consumer.cts'),
    "import wazap = require('wazap');\n" +
      "const client: wazap.Client = new wazap.Client({ storePath: ':memory:' });\n" +
      'const code: wazap.ErrorCodeValue = wazap.ErrorCode.CLOSED;\n' +
      'void client.close().then(() => console.log(code, wazap.qrTerminal(code).length));\n',
  );
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: ['node'],
        typeRoots: [path.join(nodeDir, 'node_modules', '@types')],
      },
      files: ['echo-bot.mts', 'consumer.cts'],
    }),
  );
  const tsc = path.join(nodeDir, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  } catch (error) {
    assert.fail(`tsc --strict: ${error.stdout}${error.stderr}`);
  }
  // And it fails on a type error: the check is real.
  fs.writeFileSync(path.join(project, 'wrong.mts'), "import { Client } from 'wazap';\nnew Client({ storePath: 1 });\n");
  const config = JSON.parse(fs.readFileSync(path.join(project, 'tsconfig.json'), 'utf8'));
  config.files = ['wrong.mts'];
  fs.writeFileSync(path.join(project, 'tsconfig.wrong.json'), JSON.stringify(config));
  assert.throws(
    () => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.wrong.json'], { cwd: project, stdio: 'pipe' }),
    (error) => /wrong\.mts\(2,\d+\): error TS2322/.test(String(error.stdout)),
  );
});

test('the echo bot runs from the fresh project against the sandbox', async () => {
  const bot = path.join(project, 'echo-bot.js');
  fs.copyFileSync(path.join(repoRoot, 'examples', 'node', 'echo-bot.js'), bot);
  const botPhone = h.freshPhone();
  const friend = h.freshPhone();
  await h.createAccount(sandbox, botPhone);
  await h.createAccount(sandbox, friend);
  const env = { ...process.env, WAZAP_NODE_MODULE: 'wazap' };
  delete env.WAZAP_NODE_ADDON;
  delete env.NODE_TEST_CONTEXT; // the bot is a program, not a test file of this run
  const child = spawn(process.execPath, [bot, ':memory:'], {
    cwd: project,
    env: {
      ...env,
      WAZAP_URL: sandbox.ws_url,
      WAZAP_ROOT_KEY: sandbox.root_public_key,
      WAZAP_CONTROL: sandbox.control_url,
      WAZAP_PHONE: botPhone,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const lines = readline.createInterface({ input: child.stdout });
    const line = (prefix) =>
      h.withTimeout(
        new Promise((resolve) => lines.on('line', (l) => l.startsWith(prefix) && resolve())),
        h.WAIT_MS,
        `the bot to print '${prefix}' (${stderr})`,
      );
    await line('connected as');
    // Its send acked (printed after the echo reached the phone's inbox): SIGINT comes after.
    const echoed = line('echoed as');
    const sent = await h.control(sandbox, 'POST', '/control/send', {
      from: friend,
      to: botPhone,
      text: 'ping from npm',
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    // The phone's inbox fills as the bot answers: poll it, bounded.
    const deadline = Date.now() + h.WAIT_MS;
    let inbox = [];
    const answered = () =>
      inbox.some((e) => e.kind === 'text' && e.text === 'ping from npm') &&
      inbox.some((e) => e.kind === 'receipt' && e.text === 'read' && e.id === sent.body.id);
    while (!answered()) {
      assert.ok(Date.now() < deadline, `no echo in the inbox: ${JSON.stringify(inbox)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inbox = (await h.control(sandbox, 'GET', `/control/inbox?phone=${friend}`)).body;
    }
    await echoed;
    child.kill('SIGINT');
    assert.equal(await h.withTimeout(exited, h.WAIT_MS, 'the bot to exit'), 0, stderr);
  } finally {
    child.kill('SIGKILL');
  }
});
