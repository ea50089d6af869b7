'use strict';
// examples/node/echo-bot.js against the sandbox: it pairs itself through the control API and
// echoes a text sent by another client; SIGINT closes it and it exits.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
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

test('the echo bot echoes a text and exits on SIGINT', async () => {
  const botPhone = h.freshPhone();
  await h.createAccount(sandbox, botPhone);
  const bot = spawn(
    process.execPath,
    [path.join(__dirname, '..', '..', '..', 'examples', 'node', 'echo-bot.js'), ':memory:'],
    {
      env: {
        ...process.env,
        WAZAP_NODE_MODULE: path.join(__dirname, '..'),
        WAZAP_URL: sandbox.ws_url,
        WAZAP_ROOT_KEY: sandbox.root_public_key,
        WAZAP_CONTROL: sandbox.control_url,
        WAZAP_PHONE: botPhone,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  bot.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => bot.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const lines = readline.createInterface({ input: bot.stdout });
    await h.withTimeout(
      new Promise((resolve) => lines.on('line', (line) => line.startsWith('connected as') && resolve())),
      h.WAIT_MS,
      'the bot to connect',
    );

    const phone = h.freshPhone();
    await h.createAccount(sandbox, phone);
    const client = new Client(h.clientOptions(sandbox));
    try {
      const qr = h.waitFor(client, 'qr');
      await client.connect();
      const connected = h.waitFor(client, 'connected');
      await h.scanQr(sandbox, phone, (await qr).code);
      await connected;
      const echo = h.waitFor(client, 'message', (e) => !e.info.is_from_me && e.message.text === 'ping');
      const read = h.waitFor(client, 'receipt', (e) => e.receipt_type === 'read');
      const sent = await client.sendText(botPhone, 'ping');
      assert.equal((await echo).info.chat, `${botPhone}@s.whatsapp.net`);
      assert.ok((await read).ids.includes(sent.id));
    } finally {
      await client.close();
    }
    bot.kill('SIGINT');
    const { code } = await h.withTimeout(exited, h.WAIT_MS, 'the bot to exit');
    assert.equal(code, 0, stderr);
  } finally {
    bot.kill('SIGKILL');
  }
});
