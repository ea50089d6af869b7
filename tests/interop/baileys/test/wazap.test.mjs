// Baileys and a wazap client (interop_peer) through the sandbox: texts both ways, delivery and
// read receipts, chat states and presence both ways, an image sent and downloaded both ways.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { createHash, createHmac } from 'node:crypto'
import { get } from 'node:http'

import { sandboxMediaOptions } from '../lib/config.mjs'
import { BaileysUser, loadBaileys, newAccount, sandboxReady, textOf, userJid, within } from '../lib/harness.mjs'
import { WazapPeer } from '../lib/peer.mjs'

const baileys = await loadBaileys()
const { Status } = baileys.proto.WebMessageInfo

/** The encrypted file at `directPath` on the sandbox's media host. */
function fetchEncrypted(directPath) {
  return within(new Promise((resolve, reject) => {
    get(`${sandboxReady().media_url}${directPath}`, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c)).on('end', () =>
        res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${directPath}: ${res.statusCode}`)))
    }).on('error', reject)
  }), 'the encrypted media')
}

/** A Baileys user and a wazap peer, both logged in. */
async function pair(t, name) {
  const mine = await newAccount(`Baileys ${name}`)
  const user = await BaileysUser.create(baileys, name)
  t.after(() => user.destroy())
  await user.pairByQr(mine.phone)
  const peer = await WazapPeer.start(`peer ${name}`)
  t.after(() => peer.stop())
  // Until a client is available its delivery receipts are `inactive`, which count as delivered
  // for no one (WhatsApp Web and Baileys do the same; our client too).
  await peer.call('send_presence', { presence: 'available' })
  return { user, peer, userJid: userJid(mine.phone), peerJid: userJid(peer.phone) }
}

test('texts both ways with a wazap client, delivery and read receipts', async (t) => {
  const { user, peer, userJid: me, peerJid } = await pair(t, 'texts')

  const sent = await user.sock.sendMessage(peerJid, { text: 'hello wazap' })
  const got = await peer.message((m) => m.text === 'hello wazap', 'the Baileys text')
  assert.equal(got.info.id, sent.key.id)
  assert.equal(got.info.chat, me)
  await user.statusReached(sent.key.id, Status.DELIVERY_ACK, 'delivery receipt from wazap')
  await peer.call('mark_read', { ids: [got.info.id], chat: got.info.chat, sender: null })
  await user.statusReached(sent.key.id, Status.READ, 'read receipt from wazap')

  const answer = await peer.call('send_text', { to: me, text: 'hello baileys' })
  const message = await user.message((m) => textOf(m) === 'hello baileys', 'the wazap text')
  assert.equal(message.key.id, answer.id)
  assert.equal(baileys.jidNormalizedUser(message.key.remoteJid), peerJid)
  await peer.log.waitFor('receipt', (r) => r.ids.includes(answer.id), 'delivery receipt from Baileys')
  await user.sock.readMessages([message.key])
  await peer.log.waitFor(
    'receipt',
    (r) => r.ids.includes(answer.id) && r.receipt_type === 'read',
    'read receipt from Baileys',
  )
})

test('chat states and presence both ways', async (t) => {
  const { user, peer, userJid: me, peerJid } = await pair(t, 'presence')

  // Baileys types; the peer sees it.
  await user.sock.sendPresenceUpdate('composing', peerJid)
  await peer.log.waitFor('chat_presence', (e) => e.chat === me && e.state === 'composing', 'composing')
  await user.sock.sendPresenceUpdate('paused', peerJid)
  await peer.log.waitFor('chat_presence', (e) => e.chat === me && e.state === 'paused', 'paused')

  // The peer types; Baileys sees it (after subscribing to the peer's presence).
  await user.sock.presenceSubscribe(peerJid)
  await peer.call('send_chat_state', { chat: me, state: 'composing' })
  await user.log.waitFor(
    'presence.update',
    (u) => baileys.jidNormalizedUser(u.id) === peerJid &&
      Object.values(u.presences).some((p) => p.lastKnownPresence === 'composing'),
    'composing from wazap',
  )

  // Presence: the peer goes online and offline; Baileys is subscribed.
  await peer.call('send_presence', { presence: 'available' })
  await user.log.waitFor(
    'presence.update',
    (u) => baileys.jidNormalizedUser(u.id) === peerJid &&
      Object.values(u.presences).some((p) => p.lastKnownPresence === 'available'),
    'wazap available',
  )
  // Baileys goes online; the peer, subscribed, sees it.
  await peer.call('subscribe_presence', { jid: me })
  await user.sock.sendPresenceUpdate('available')
  await peer.log.waitFor('presence', (e) => e.from === me && e.available, 'Baileys available')
  await user.sock.sendPresenceUpdate('unavailable')
  await peer.log.waitFor('presence', (e) => e.from === me && !e.available, 'Baileys unavailable')
})

test('an image sent and downloaded both ways', async (t) => {
  const { user, peer, userJid: me, peerJid } = await pair(t, 'image')
  // Not a real JPEG: neither side needs to decode it (Baileys makes no thumbnail of it).
  const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(20_000)])

  const sent = await user.sock.sendMessage(peerJid, { image, caption: 'from baileys', mimetype: 'image/jpeg' })
  const got = await peer.message((m) => m.kind === 'image', 'the Baileys image')
  assert.equal(got.info.id, sent.key.id)
  assert.equal(got.message.text, 'from baileys')
  const downloaded = await peer.call('download', { message: got.message })
  assert.equal(downloaded.len, image.length)
  assert.ok(Buffer.from(downloaded.base64, 'base64').equals(image), 'wazap downloads the very bytes')

  const path = join(peer.dir, 'image.jpg')
  const other = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), randomBytes(30_000)])
  await writeFile(path, other)
  await peer.call('send_image', { to: me, path, mimetype: 'image/jpeg', caption: 'from wazap' })
  const message = await user.message((m) => !!m.message?.imageMessage, 'the wazap image')
  assert.equal(message.message.imageMessage.caption, 'from wazap')
  const { imageMessage } = message.message
  const bytes = await within(
    baileys.downloadMediaMessage(
      message,
      'buffer',
      { options: sandboxMediaOptions(sandboxReady()) },
      { logger: user.logger, reuploadRequest: user.sock.updateMediaMessage },
    ),
    'Baileys downloads the wazap image',
  )
  assert.ok(bytes.equals(other), 'Baileys downloads the very bytes')
  // downloadMediaMessage checks neither the MAC nor the hashes (it decrypts whole AES blocks
  // and drops the 10-byte MAC with the remainder): check what a phone checks, with Baileys' keys.
  const encrypted = await fetchEncrypted(imageMessage.directPath)
  const keys = await baileys.getMediaKeys(imageMessage.mediaKey, 'image')
  const [ciphertext, mac] = [encrypted.subarray(0, -10), encrypted.subarray(-10)]
  const expected = createHmac('sha256', keys.macKey).update(keys.iv).update(ciphertext).digest().subarray(0, 10)
  assert.ok(mac.equals(expected), 'the media MAC verifies')
  assert.ok(createHash('sha256').update(encrypted).digest().equals(Buffer.from(imageMessage.fileEncSha256)))
  assert.ok(createHash('sha256').update(other).digest().equals(Buffer.from(imageMessage.fileSha256)))
  assert.equal(Number(imageMessage.fileLength), other.length)
})
