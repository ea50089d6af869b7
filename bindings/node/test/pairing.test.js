'use strict';
// Pairing a Node client with the sandbox: by QR and by code, status getters, relogin from the
// store file, logout.
const assert = require('node:assert/strict');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { Client } = require('wazap');
const h = require('../test-support/helpers');

let sandbox;
before(async () => {
  sandbox = await h.startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

/** connect → qr → the phone scans it → pair_success → connected. */
async function pairByQr(client, phone) {
  const qr = h.waitFor(client, 'qr');
  await client.connect();
  const { code, timeout_ms } = await qr;
  assert.equal(typeof code, 'string');
  assert.ok(timeout_ms > 0);
  assert.equal(client.qr, code, 'the current QR code');
  const paired = h.waitFor(client, 'pair_success');
  const connected = h.waitFor(client, 'connected');
  const deviceJid = await h.scanQr(sandbox, phone, code);
  const success = await paired;
  assert.equal(success.jid, deviceJid);
  await connected;
  return success;
}

test('pairs by QR, reports its status and closes', async () => {
  const phone = h.freshPhone();
  await h.createAccount(sandbox, phone);
  const client = new Client(h.clientOptions(sandbox));
  assert.equal(client.isConnected, false);
  assert.equal(client.jid, null);
  const all = [];
  client.on('event', (event) => all.push(event.type));
  try {
    const success = await pairByQr(client, phone);
    assert.match(success.jid, new RegExp(`^${phone}:\\d+@s\\.whatsapp\\.net$`));
    assert.ok(success.lid, 'pair_success carries the LID');
    assert.equal(client.isConnected, true);
    assert.equal(client.isLoggedIn, true);
    assert.equal(client.jid, success.jid);
    assert.equal(client.qr, null, 'no QR code once paired');
    assert.ok(client.lid);
    assert.deepEqual(all.slice(0, 1), ['qr']);
    assert.ok(all.includes('pair_success') && all.includes('connected'), all.join());
    const { body: devices } = await h.control(sandbox, 'GET', `/control/devices?phone=${phone}`);
    const me = devices.find((d) => success.jid.startsWith(`${phone}:${d.device}@`));
    assert.ok(me, JSON.stringify(devices));
    assert.equal(me.connected, true);
    assert.equal(me.name, 'wazap node test');
  } finally {
    await client.close();
  }
  assert.equal(client.closed, true);
  assert.equal(client.isConnected, false);
  await assert.rejects(client.connect(), { code: 'ERR_CLOSED' });
  await client.close(); // idempotent
});

test('pairs by phone code', async () => {
  const phone = h.freshPhone();
  await h.createAccount(sandbox, phone);
  const client = new Client(h.clientOptions(sandbox));
  try {
    const qr = h.waitFor(client, 'qr');
    await client.connect();
    await qr;
    const code = await client.pairPhone(`+${phone}`, { displayName: 'Node (test)' });
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const paired = h.waitFor(client, 'pair_success');
    const connected = h.waitFor(client, 'connected');
    const deviceJid = await h.enterCode(sandbox, phone, code);
    assert.equal((await paired).jid, deviceJid);
    await connected;
    assert.equal(client.isLoggedIn, true);
  } finally {
    await client.close();
  }
});

test('a new client on the same store file logs in without a QR, then logs out', async () => {
  const phone = h.freshPhone();
  await h.createAccount(sandbox, phone);
  const storePath = path.join(h.tempDir('relogin'), 'wazap.db');
  const first = new Client(h.clientOptions(sandbox, { storePath, account: 'main' }));
  let jid;
  try {
    jid = (await pairByQr(first, phone)).jid;
  } finally {
    await first.close();
  }

  const second = new Client(h.clientOptions(sandbox, { storePath, account: 'main' }));
  const qrs = [];
  second.on('qr', (event) => qrs.push(event));
  try {
    const connected = h.waitFor(second, 'connected');
    await second.connect();
    await connected;
    assert.equal(second.jid, jid);
    assert.deepEqual(qrs, [], 'a paired device does not show a QR');
    await assert.rejects(second.connect(), { code: 'ERR_ALREADY_CONNECTED' });

    await second.logout();
    assert.equal(second.isLoggedIn, false);
    const { body: devices } = await h.control(sandbox, 'GET', `/control/devices?phone=${phone}`);
    assert.ok(!devices.some((d) => jid.startsWith(`${phone}:${d.device}@`)), JSON.stringify(devices));
  } finally {
    await second.close();
  }
});

test('disconnect keeps the pairing; connect again logs back in', async () => {
  const phone = h.freshPhone();
  await h.createAccount(sandbox, phone);
  const storePath = path.join(h.tempDir('reconnect'), 'wazap.db');
  const client = new Client(h.clientOptions(sandbox, { storePath }));
  try {
    await pairByQr(client, phone);
    await client.disconnect();
    assert.equal(client.isConnected, false);
    const connected = h.waitFor(client, 'connected');
    await client.connect();
    await connected;
    assert.equal(client.isLoggedIn, true);
  } finally {
    await client.close();
  }
});
