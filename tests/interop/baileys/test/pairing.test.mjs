// Pairing an unmodified Baileys with a simulated phone: by QR and by phone code, the 515
// restart and the login that follows, a reconnect with the stored session, the history sync
// of the first login, and the end of the session when the phone unlinks the device.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { BaileysUser, control, loadBaileys, newAccount, within } from '../lib/harness.mjs'

const baileys = await loadBaileys()

/**
 * The phone's user types the code. requestPairingCode resolves once its iq is written, not
 * once the server has it (Baileys 7), and nothing Baileys emits tells: until the server has
 * it, the phone is told that no companion waits for a code, as a user typing too fast would be.
 */
async function enterCode(phone, code) {
  return within(
    (async () => {
      for (;;) {
        try {
          return await control('POST', '/pair-code', { phone, code })
        } catch (e) {
          if (!/no companion is waiting/.test(e.message)) throw e
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
    })(),
    'the phone enters the pairing code',
  )
}

test('pair by QR, the 515 restart, login, and a reconnect with the stored session', async (t) => {
  const account = await newAccount('QR phone')
  const user = await BaileysUser.create(baileys, 'qr')
  t.after(() => user.destroy())

  const deviceJid = await user.pairByQr(account.phone)
  // Baileys was told to restart (515) once and logged in on the new socket as the new device.
  assert.equal(user.restarts, 1)
  const me = baileys.jidDecode(user.jid)
  assert.equal(me.user, account.phone)
  assert.equal(`${me.user}:${me.device}@s.whatsapp.net`, deviceJid)
  const creds = user.sock.authState.creds
  assert.ok(creds.me?.lid, 'the LID from pair-success is stored')
  const devices = await control('GET', `/devices?phone=${account.phone}`)
  assert.ok(devices.some((d) => d.jid === deviceJid), JSON.stringify(devices))

  // The first login gets the phone's history sync, which Baileys downloads and decodes.
  const history = await user.log.waitFor('messaging-history.set', () => true, 'history sync')
  assert.ok(Array.isArray(history.chats) && Array.isArray(history.contacts))

  // Reconnect with the stored session: no QR, straight to open.
  await user.end()
  const since = user.log.length
  await user.connect({ reload: true })
  await user.opened(since)
  assert.ok(
    !user.log.events.slice(since).some((e) => e.name === 'connection.update' && e.data.qr),
    'no QR on reconnect',
  )
  assert.equal(baileys.jidDecode(user.jid).user, account.phone)
})

test('pair by phone code', async (t) => {
  const account = await newAccount('Code phone')
  const user = await BaileysUser.create(baileys, 'code')
  t.after(() => user.destroy())

  const sock = await user.connect()
  // Baileys asks for a code once the connection is up (its README: after the first QR event).
  await user.qr()
  const code = await within(sock.requestPairingCode(account.phone), 'requestPairingCode')
  assert.match(code, /^[1-9A-HJ-NP-TV-Z]{8}$/)
  const since = user.log.length
  const { device_jid: deviceJid } = await enterCode(account.phone, code)
  await user.opened(since)
  assert.equal(user.restarts, 1)
  const me = baileys.jidDecode(user.jid)
  assert.equal(`${me.user}:${me.device}@s.whatsapp.net`, deviceJid)
  // A device paired by code gets the phone's history sync too.
  await user.log.waitFor('messaging-history.set', () => true, 'history sync', since)
})

test('the phone unlinks the device: the session ends as logged out', async (t) => {
  const account = await newAccount('Unlinking phone')
  const user = await BaileysUser.create(baileys, 'unlink')
  t.after(() => user.destroy())
  const deviceJid = await user.pairByQr(account.phone)
  const device = baileys.jidDecode(deviceJid).device
  // Let Baileys finish its first login's work (the phone's welcome, the app state sync): what
  // it still has in flight when its socket goes rejects unhandled inside Baileys.
  await user.log.waitFor('messaging-history.set', () => true, 'history sync')

  const since = user.log.length
  await control('POST', '/unlink', { phone: account.phone, device })
  const update = await user.log.waitFor(
    'connection.update',
    (u) => u.connection === 'close',
    'the session ends',
    since,
  )
  assert.equal(update.lastDisconnect?.error?.output?.statusCode, baileys.DisconnectReason.loggedOut)
  assert.equal(user.restarts, 1, 'no restart after a logout')

  // The stored session no longer logs in: <failure reason="401">, then the server closes.
  const again = user.log.length
  await user.connect({ reload: true })
  const refused = await user.log.waitFor('connection.update', (u) => u.connection === 'close', 'login refused', again)
  assert.ok(!user.log.events.slice(again).some((e) => e.name === 'connection.update' && e.data.connection === 'open'))
  // Baileys 7 decodes frames asynchronously: the server's close may overtake the <failure>
  // it follows, and Baileys then reports connectionClosed (as it would against WhatsApp).
  const codes = [baileys.DisconnectReason.loggedOut]
  if (baileys.WA_CERT_DETAILS?.PUBLIC_KEY) codes.push(baileys.DisconnectReason.connectionClosed)
  assert.ok(codes.includes(refused.lastDisconnect?.error?.output?.statusCode), JSON.stringify(refused.lastDisconnect?.error?.output))
})
