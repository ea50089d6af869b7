'use strict';
// Messaging between two Node clients paired with the sandbox: text both ways, receipts,
// mark read, presence, chat state, reactions.
const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { Client } = require('wazap');
const h = require('../test-support/helpers');

let sandbox;
const clients = [];
before(async () => {
  sandbox = await h.startSandbox();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sandbox?.stop();
});

async function pairedClient() {
  const phone = h.freshPhone();
  await h.createAccount(sandbox, phone);
  const client = new Client(h.clientOptions(sandbox));
  clients.push(client);
  const qr = h.waitFor(client, 'qr');
  await client.connect();
  const connected = h.waitFor(client, 'connected');
  await h.scanQr(sandbox, phone, (await qr).code);
  await connected;
  return { client, phone, user: `${phone}@s.whatsapp.net` };
}

test('text, receipts, mark read, presence and reactions between two clients', async () => {
  const alice = await pairedClient();
  const bob = await pairedClient();

  const received = h.waitFor(bob.client, 'message', (e) => e.message.text === 'hello bob');
  const sent = await alice.client.sendText(bob.user, 'hello bob');
  assert.equal(typeof sent.id, 'string');
  assert.ok(Number.isInteger(sent.timestamp) && sent.timestamp > 0);
  const { info, message } = await received;
  assert.equal(info.id, sent.id);
  assert.equal(info.chat, alice.user);
  assert.equal(info.is_from_me, false);
  assert.equal(message.kind, 'text');

  const read = h.waitFor(alice.client, 'receipt', (e) => e.receipt_type === 'read' && e.ids.includes(sent.id));
  await bob.client.markRead([info.id], info.chat, null);
  const receipt = await read;
  assert.equal(receipt.chat, bob.user);

  const reaction = h.waitFor(alice.client, 'message', (e) => e.message.kind === 'reaction');
  const reacted = await bob.client.sendReaction(info.chat, info.sender, info.id, '👍');
  assert.equal(typeof reacted.id, 'string');
  assert.equal((await reaction).message.reaction.emoji, '👍');

  // A bare phone number is accepted as a user JID.
  const back = h.waitFor(alice.client, 'message', (e) => e.message.text === 'hi alice');
  await bob.client.sendText(alice.phone, 'hi alice');
  await back;

  await alice.client.sendPresence('available');
  await alice.client.sendChatPresence(bob.user, 'composing');
  await alice.client.sendChatPresence(bob.user, 'paused', 'text');
});

test('messaging arguments are checked', async () => {
  const { client } = await pairedClient();
  await assert.rejects(client.sendText(1, 'x'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendText('x@s.whatsapp.net', null), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendText('not a jid!', 'x'), { code: 'ERR_INVALID_ARG' });
  await assert.rejects(client.sendText('a@b@c', 'x'), { code: 'ERR_INVALID_ARG' });
  await assert.rejects(client.markRead('id', 'x@s.whatsapp.net'), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendPresence('busy'), { code: 'ERR_INVALID_ARG' });
  await assert.rejects(client.sendChatPresence('x@s.whatsapp.net', 'dancing'), { code: 'ERR_INVALID_ARG' });
  await client.close();
  await assert.rejects(client.sendText('15550000000', 'x'), { code: 'ERR_CLOSED' });
});
