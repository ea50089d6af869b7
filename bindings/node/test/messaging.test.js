'use strict';
// Messaging between two Node clients paired with the sandbox: text both ways, receipts,
// mark read, presence, chat state, reactions.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const h = require('../test-support/helpers');

const { pairedClient } = h.sandboxSuite();

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

test('replies, own ids, raw messages, receipts, reaction removal and presence reach the peer', async () => {
  const alice = await pairedClient();
  const bob = await pairedClient();

  const got = h.waitFor(bob.client, 'message', (e) => e.message.text === 'quote me');
  const sent = await alice.client.sendText(bob.phone, 'quote me');
  const ping = await got;

  const replied = h.waitFor(alice.client, 'message', (e) => e.message.reply_to === sent.id);
  const answer = await bob.client.sendText(alice.user, `re @${alice.phone}`, {
    replyTo: ping,
    mentions: [alice.user],
  });
  const reply = await replied;
  assert.equal(reply.info.id, answer.id);
  assert.equal(reply.message.reply_to_sender, alice.user);
  assert.deepEqual(reply.message.mentions, [alice.user]);

  const custom = `3EB0${'BEEF42'.repeat(3)}`;
  const ownId = h.waitFor(bob.client, 'message', (e) => e.info.id === custom);
  assert.equal((await alice.client.sendText(bob.user, 'my id', { id: custom })).id, custom);
  assert.equal((await ownId).message.text, 'my id');

  const forwarded = h.waitFor(alice.client, 'message', (e) => e.message.text === 'quote me' && !e.info.is_from_me);
  const raw = Buffer.from(ping.message.raw, 'base64');
  const again = await bob.client.sendMessage(alice.phone, new Uint8Array(raw));
  assert.equal((await forwarded).info.id, again.id);

  const played = h.waitFor(alice.client, 'receipt', (e) => e.receipt_type === 'played' && e.ids.includes(sent.id));
  await bob.client.sendReceipt([ping.info.id], ping.info.chat, 'played');
  await played;

  const liked = h.waitFor(alice.client, 'message', (e) => e.message.reaction?.emoji === '🎉');
  await bob.client.sendReaction(ping.info.chat, ping.info.sender, ping.info.id, '🎉');
  await liked;
  const unliked = h.waitFor(alice.client, 'message', (e) => e.message.reaction?.emoji === '');
  await bob.client.sendReaction(ping.info.chat, ping.info.sender, ping.info.id, '');
  assert.equal((await unliked).message.reaction.id, sent.id);

  const online = h.waitFor(bob.client, 'presence', (e) => e.available && e.from.startsWith(alice.phone));
  await bob.client.subscribePresence(alice.phone);
  await alice.client.sendPresence('available');
  await online;
  const typing = h.waitFor(bob.client, 'chat_presence', (e) => e.state === 'composing' && e.media === 'audio');
  await alice.client.sendChatPresence(bob.user, 'composing', 'audio');
  assert.ok((await typing).chat.startsWith(alice.phone));
  const offline = h.waitFor(bob.client, 'presence', (e) => !e.available && e.from.startsWith(alice.phone));
  await alice.client.sendPresence('unavailable');
  await offline;
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
  await assert.rejects(client.sendText('15550000000', 'x', { replyTo: 'id' }), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendText('15550000000', 'x', { mentions: 'a' }), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendMessage('15550000000', 'text'), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(client.sendMessage('15550000000', Buffer.from([0xff, 0xff, 0xff])), { code: 'ERR_INVALID_ARG' });
  await assert.rejects(client.sendReceipt(['X'], '15550000000', 'seen'), { code: 'ERR_INVALID_ARG' });
  await assert.rejects(client.subscribePresence('a@b@c'), { code: 'ERR_INVALID_ARG' });
  await client.close();
  await assert.rejects(client.sendText('15550000000', 'x'), { code: 'ERR_CLOSED' });
});
