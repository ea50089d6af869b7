// 1:1 with a simulated phone: texts both ways (the phone's reply must come out of Baileys'
// event buffer, which waits for the initial app state sync), the phone's delivery receipt,
// and Baileys' read receipt reaching the phone.
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
} from '../lib/harness.mjs'

const baileys = await loadBaileys()

test('texts both ways with a phone, delivery and read receipts', async (t) => {
  const mine = await newAccount('Mine')
  const friend = await newAccount('Friend')
  const user = await BaileysUser.create(baileys, 'phone-chat')
  t.after(() => user.destroy())
  await user.pairByQr(mine.phone)
  const friendJid = userJid(friend.phone)

  // Baileys → the friend's phone, which decrypts it and answers a delivery receipt.
  const sent = await user.sock.sendMessage(friendJid, { text: 'hello phone' })
  const got = await waitForInbox(friend.phone, (e) => e.text === 'hello phone', 'Baileys text')
  assert.equal(got.id, sent.key.id)
  assert.equal(got.sender.split(/[:@]/)[0], mine.phone)
  await user.statusReached(sent.key.id, baileys.proto.WebMessageInfo.Status.DELIVERY_ACK, 'delivery receipt')

  // The friend's phone → Baileys.
  const id = await phoneSends(friend.phone, mine.phone, 'hello baileys')
  const message = await user.message((m) => textOf(m) === 'hello baileys', 'the phone text')
  assert.equal(message.key.id, id)
  assert.equal(baileys.jidNormalizedUser(message.key.remoteJid), friendJid)

  // Baileys reads it: the phone gets a read receipt for that id.
  await user.sock.readMessages([message.key])
  await waitForInbox(friend.phone, (e) => e.kind === 'receipt' && e.id === id && e.text === 'read', 'read receipt')
})
