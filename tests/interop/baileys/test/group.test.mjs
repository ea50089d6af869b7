// A group created by Baileys with a wazap client and a simulated phone as members: messages
// both ways, each encrypted once with the sender's sender key and its key handed out per device.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import {
  BaileysUser,
  loadBaileys,
  newAccount,
  phoneSends,
  textOf,
  userJid,
  waitForInbox,
  within,
} from '../lib/harness.mjs'
import { WazapPeer } from '../lib/peer.mjs'

const baileys = await loadBaileys()

test('a group created by Baileys: messages from and to a wazap client and a phone', async (t) => {
  const mine = await newAccount('Group owner')
  const phone = await newAccount('Group phone')
  const user = await BaileysUser.create(baileys, 'group')
  t.after(() => user.destroy())
  await user.pairByQr(mine.phone)
  const peer = await WazapPeer.start('group peer')
  t.after(() => peer.stop())

  const group = await within(
    user.sock.groupCreate('interop', [userJid(peer.phone), userJid(phone.phone)]),
    'groupCreate',
  )
  assert.equal(group.subject, 'interop')
  const members = group.participants.map((p) => baileys.jidNormalizedUser(p.id)).sort()
  assert.deepEqual(members, [userJid(mine.phone), userJid(peer.phone), userJid(phone.phone)].sort())
  await peer.log.waitFor('joined_group', (e) => e.group?.jid === group.id, 'the peer joins the group')

  // Baileys → everyone: one skmsg, the sender key in a pkmsg per member device.
  const sent = await user.sock.sendMessage(group.id, { text: 'hello group' })
  const got = await peer.message((m) => m.text === 'hello group', 'the Baileys group text')
  assert.equal(got.info.id, sent.key.id)
  assert.equal(got.info.chat, group.id)
  assert.ok(got.info.is_group)
  assert.equal(got.info.sender.split(/[:@]/)[0], mine.phone)
  const entry = await waitForInbox(phone.phone, (e) => e.text === 'hello group', 'the Baileys group text')
  assert.equal(entry.chat, group.id)

  // The wazap client → the group: Baileys decrypts with the peer's sender key.
  const fromPeer = await peer.call('send_text', { to: group.id, text: 'peer to group' })
  const m1 = await user.message((m) => textOf(m) === 'peer to group', 'the wazap group text')
  assert.equal(m1.key.id, fromPeer.id)
  assert.equal(m1.key.remoteJid, group.id)
  assert.equal(baileys.jidNormalizedUser(m1.key.participant), userJid(peer.phone))

  // The phone → the group.
  const fromPhone = await phoneSends(phone.phone, group.id, 'phone to group')
  const m2 = await user.message((m) => textOf(m) === 'phone to group', 'the phone group text')
  assert.equal(m2.key.id, fromPhone)
  assert.equal(m2.key.remoteJid, group.id)

  // A second Baileys message reuses the sender key everyone already has.
  await user.sock.sendMessage(group.id, { text: 'again' })
  await peer.message((m) => m.text === 'again', 'the second group text')
  await waitForInbox(phone.phone, (e) => e.text === 'again', 'the second group text')
})
