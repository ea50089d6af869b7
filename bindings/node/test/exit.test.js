'use strict';
// The process exits by itself once its clients are closed, and stays up while a client is
// connected.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { after, before, test } = require('node:test');
const h = require('../test-support/helpers');

let sandbox;
before(async () => {
  sandbox = await h.startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

/** Runs the fixture; resolves with { code, stdout, stderr } or rejects if it hangs. */
function runFixture(env) {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'test-support', 'close-exits.js')], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return h.withTimeout(exited, h.WAIT_MS, 'the script to exit by itself').catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}; stdout: ${stdout}; stderr: ${stderr}`);
  });
}

test('a connected client keeps the process alive; after close() it exits by itself', async () => {
  const { code, stdout, stderr } = await runFixture({
    WAZAP_URL: sandbox.ws_url,
    WAZAP_ROOT_KEY: sandbox.root_public_key,
    MODE: 'connect',
  });
  assert.equal(code, 0, stderr);
  assert.deepEqual(stdout.trim().split('\n'), ['qr', 'alive', 'closed']);
});

test('a client that never connected does not hold the process', async () => {
  for (const mode of ['never-connect', 'forget']) {
    const { code, stdout, stderr } = await runFixture({
      WAZAP_ROOT_KEY: sandbox.root_public_key,
      MODE: mode,
    });
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), mode === 'forget' ? 'idle' : 'closed');
  }
});
