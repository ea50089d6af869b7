'use strict';
// Test helpers: start the sandbox binary, play the phone through its control API, wait for
// events with a bound.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const WAIT_MS = 20_000;
const repoRoot = path.resolve(__dirname, '..', '..', '..');

function sandboxBinary() {
  if (process.env.WAZAP_SANDBOX_BIN) return process.env.WAZAP_SANDBOX_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target');
  const exe = process.platform === 'win32' ? 'wazap-sandbox.exe' : 'wazap-sandbox';
  return path.join(target, 'debug', exe);
}

/** Starts `wazap-sandbox --listen 127.0.0.1:0`; resolves with its ready line and stop(). */
async function startSandbox() {
  const binary = sandboxBinary();
  if (!fs.existsSync(binary)) {
    throw new Error(`${binary} is missing: run cargo build -p wazap-sandbox (or set WAZAP_SANDBOX_BIN)`);
  }
  const child = spawn(binary, ['--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ready = await withTimeout(
    new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      lines.once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${stderr}`)));
      child.once('error', reject);
    }),
    WAIT_MS,
    'the sandbox ready line',
  );
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { ...ready, stop, child };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A control API call; resolves with { status, body }. */
async function control(sandbox, method, route, body) {
  const response = await fetch(sandbox.control_url.replace(/\/control\/?$/, '') + route, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function createAccount(sandbox, phone, { echo = false, pushName = 'Node test' } = {}) {
  const { status, body } = await control(sandbox, 'POST', '/control/accounts', {
    phone,
    push_name: pushName,
    echo,
  });
  if (status !== 201) throw new Error(`account ${phone}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** The phone scans `qr`; resolves with the new device JID. */
async function scanQr(sandbox, phone, qr) {
  const { status, body } = await control(sandbox, 'POST', '/control/pair', { phone, qr });
  if (status !== 200) throw new Error(`pair: ${status} ${JSON.stringify(body)}`);
  return body.device_jid;
}

/** The phone's user types the pairing code; resolves with the new device JID. */
async function enterCode(sandbox, phone, code) {
  const { status, body } = await control(sandbox, 'POST', '/control/pair-code', { phone, code });
  if (status !== 200) throw new Error(`pair-code: ${status} ${JSON.stringify(body)}`);
  return body.device_jid;
}

/**
 * Resolves with the next `name` event matching `pred`, within WAIT_MS. Call it before the
 * action that triggers the event.
 */
function waitFor(emitter, name, pred = () => true, ms = WAIT_MS) {
  let listener;
  const seen = new Promise((resolve) => {
    listener = (event) => {
      if (pred(event)) {
        emitter.off(name, listener);
        resolve(event);
      }
    };
    emitter.on(name, listener);
  });
  return withTimeout(seen, ms, `event '${name}'`).finally(() => emitter.off(name, listener));
}

/** Client options for `sandbox`: its URL and root key, quick reconnects, small prekey batches. */
function clientOptions(sandbox, extra = {}) {
  return {
    storePath: ':memory:',
    url: sandbox.ws_url,
    rootKey: sandbox.root_public_key,
    deviceName: 'wazap node test',
    reconnect: { baseDelayMs: 50, maxDelayMs: 500 },
    preKeys: { initialBatch: 50 },
    ...extra,
  };
}

let phoneCounter = 0;
/** A phone number unique to this process. */
function freshPhone() {
  phoneCounter += 1;
  return `1555${String(process.pid % 100000).padStart(5, '0')}${String(phoneCounter).padStart(2, '0')}`;
}

/**
 * A Client paired by QR with a new account of `sandbox`, connected; pushed onto `clients`
 * (closed by the test file's `after`). Resolves with { client, phone, user }.
 */
async function pairedClient(sandbox, clients) {
  const { Client } = require('wazap');
  const phone = freshPhone();
  await createAccount(sandbox, phone);
  const client = new Client(clientOptions(sandbox));
  clients.push(client);
  const qr = waitFor(client, 'qr');
  await client.connect();
  const connected = waitFor(client, 'connected');
  await scanQr(sandbox, phone, (await qr).code);
  await connected;
  return { client, phone, user: `${phone}@s.whatsapp.net` };
}

/**
 * For a test file: one sandbox started before its tests, and every client made with the
 * returned `pairedClient()` closed after them (with the sandbox).
 */
function sandboxSuite() {
  const { after, before } = require('node:test');
  const suite = { sandbox: null, clients: [] };
  before(async () => {
    suite.sandbox = await startSandbox();
  });
  after(async () => {
    await Promise.all(suite.clients.map((c) => c.close()));
    await suite.sandbox?.stop();
  });
  suite.pairedClient = () => pairedClient(suite.sandbox, suite.clients);
  return suite;
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wazap-node-${prefix}-`));
}

module.exports = {
  WAIT_MS,
  startSandbox,
  control,
  createAccount,
  scanQr,
  enterCode,
  waitFor,
  withTimeout,
  clientOptions,
  freshPhone,
  pairedClient,
  sandboxSuite,
  tempDir,
};
