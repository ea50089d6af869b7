'use strict';
// Media between two Node clients through the sandbox's media host: each kind arrives typed
// and downloads byte for byte; bad arguments are refused with stable codes.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');
const { ErrorCode } = require('wazap');
const h = require('../test-support/helpers');

const { pairedClient } = h.sandboxSuite();

test('each media kind arrives and downloads byte for byte', async () => {
  const alice = await pairedClient();
  const bob = await pairedClient();
  const kinds = [
    ['image', (data) => alice.client.sendImage(bob.user, data, { caption: 'a picture' })],
    ['video', (data) => alice.client.sendVideo(bob.phone, data, { mimetype: 'video/webm' })],
    ['audio', (data) => alice.client.sendAudio(bob.user, data)],
    ['document', (data) => alice.client.sendDocument(bob.user, data, 'notes.txt', { mimetype: 'text/plain' })],
    ['sticker', (data) => alice.client.sendSticker(bob.user, new Uint8Array(data))],
  ];
  for (const [kind, send] of kinds) {
    const data = crypto.randomBytes(1000 + kind.length * 997);
    const arrived = h.waitFor(bob.client, 'message', (e) => e.message.kind === kind);
    const sent = await send(data);
    const event = await arrived;
    assert.equal(event.info.id, sent.id, kind);
    if (kind === 'image') assert.equal(event.message.text, 'a picture');
    const file = await bob.client.download(kind === 'audio' ? event.message : event);
    assert.ok(Buffer.isBuffer(file));
    assert.ok(file.equals(data), `${kind} downloads as sent`);
  }
});

test('bad media arguments are refused with stable codes', async () => {
  const { client } = await pairedClient();
  const reject = (promise, code, pattern) =>
    assert.rejects(promise, (e) => e.code === code && pattern.test(e.message));
  await reject(client.sendImage('15550000000', 'not bytes'), ErrorCode.INVALID_ARG_TYPE, /data must be a Buffer/);
  await reject(client.sendImage('15550000000', Buffer.alloc(0)), ErrorCode.INVALID_ARG, /empty/);
  await reject(client.sendDocument('15550000000', Buffer.from('x'), ''), ErrorCode.INVALID_ARG, /file name/);
  await reject(client.sendDocument('15550000000', Buffer.from('x'), 7), ErrorCode.INVALID_ARG_TYPE, /fileName/);
  await reject(client.sendAudio('15550000000', Buffer.from('x'), { voiceNote: 'yes' }), ErrorCode.INVALID_ARG_TYPE, /voiceNote/);
  await reject(client.sendVideo('not a jid', Buffer.from('x')), ErrorCode.INVALID_ARG, /JID/);
  // A text message (`conversation`, field 1) has nothing to download.
  await reject(client.download(Buffer.from([0x0a, 0x04, 0x74, 0x65, 0x78, 0x74])), ErrorCode.INVALID_ARG, /no downloadable media/);
  await reject(client.download(Buffer.from([0xff, 0xff, 0xff])), ErrorCode.INVALID_ARG, /not a Message/);
  await reject(client.download(42), ErrorCode.INVALID_ARG_TYPE, /message must be/);
});
