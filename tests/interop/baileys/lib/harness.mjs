// The test harness: the sandbox run.sh started (its ready line in SANDBOX_READY), its control
// API (the phones' part), and Baileys sockets whose events tests wait for, each wait bounded.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'

import pino from 'pino'

import { sandboxSocketConfig } from './config.mjs'

/** Bound on any single expected step. */
export const WAIT_MS = 30_000

/** Which Baileys: `baileys` (6.x) or `baileys7` (7.0.0-rc, an npm alias), from BAILEYS_PACKAGE. */
export const BAILEYS_PACKAGE = process.env.BAILEYS_PACKAGE || 'baileys'

/** The Baileys module, with its named exports (6.x is CommonJS, 7 is ESM). */
export async function loadBaileys() {
  const mod = await import(BAILEYS_PACKAGE)
  // CommonJS: `default` is module.exports (all of it); ESM: `default` is makeWASocket.
  const named = mod.default && typeof mod.default === 'object' ? mod.default : mod
  return { ...named, makeWASocket: named.makeWASocket || named.default }
}

export function sandboxReady() {
  const line = process.env.SANDBOX_READY
  if (!line) throw new Error('SANDBOX_READY (the sandbox ready line) is not set: run run.sh')
  return JSON.parse(line)
}

/** Rejects after `ms` with `what` in the message. */
export function within(promise, what, ms = WAIT_MS) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// ---- control API -------------------------------------------------------------------------

export async function control(method, path, body) {
  const { control_url: url } = sandboxReady()
  const response = await within(
    fetch(`${url}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }),
    `${method} ${path}`,
  )
  const text = await response.text()
  const value = text ? JSON.parse(text) : null
  if (!response.ok) {
    throw new Error(`${method} /control${path}: ${response.status} ${text}`)
  }
  return value
}

/** A new account with a random phone number; returns {phone, jid, lid}. */
export async function newAccount(pushName = 'Phone') {
  const phone = `1555${String(randomInt(0, 1e7)).padStart(7, '0')}`
  const created = await control('POST', '/accounts', { phone, push_name: pushName })
  return { phone, ...created }
}

export const userJid = (phone) => `${phone}@s.whatsapp.net`

/** The phone of `from` sends `text` to `to` (a phone number or JID); returns the message id. */
export async function phoneSends(from, to, text) {
  return (await control('POST', '/send', { from, to, text })).id
}

export async function inbox(phone) {
  return control('GET', `/inbox?phone=${phone}`)
}

/** Polls the phone's inbox until an entry matches (the phones report no events). */
export async function waitForInbox(phone, pred, what) {
  return within(
    (async () => {
      for (;;) {
        const found = (await inbox(phone)).find(pred)
        if (found) return found
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })(),
    `${phone}'s inbox: ${what}`,
  )
}

// ---- Baileys ------------------------------------------------------------------------------

/** Every event a Baileys socket emitted, and waits on them. */
export class EventLog {
  constructor() {
    this.events = []
    this.waiters = new Set()
  }

  push(name, data) {
    const event = { name, data }
    this.events.push(event)
    for (const waiter of this.waiters) {
      if (waiter.pred(event)) {
        this.waiters.delete(waiter)
        waiter.resolve(event)
      }
    }
  }

  /** The first event (past or future) `name` with `pred(data)`; from index `since`. */
  waitFor(name, pred = () => true, what = name, since = 0) {
    const match = (e) => e.name === name && pred(e.data)
    const past = this.events.slice(since).find(match)
    if (past) return Promise.resolve(past.data)
    let waiter
    const found = new Promise((resolve) => {
      waiter = { pred: match, resolve: (e) => resolve(e.data) }
      this.waiters.add(waiter)
    })
    return within(found, what)
      .catch((e) => Promise.reject(new Error(`${e.message}; last events: ${this.summary()}`)))
      .finally(() => this.waiters.delete(waiter))
  }

  /** The last events, briefly (for a failure's message). */
  summary(count = 12) {
    const brief = ({ name, data }) => {
      const keys = (data?.messages ?? (Array.isArray(data) ? data : []))
        .map((m) => `${m.key?.id ?? m.id ?? ''}${m.status ?? m.update?.status ? `@${m.status ?? m.update?.status}` : ''}`)
        .filter(Boolean)
      return keys.length ? `${name}[${keys.join(',')}]` : name
    }
    return this.events.slice(-count).map(brief).join(' ')
  }

  get length() {
    return this.events.length
  }
}

/**
 * A Baileys client as a user runs it: a multi-file auth state in a temp dir, and a new socket
 * whenever Baileys asks for a restart (the 515 after pairing).
 */
export class BaileysUser {
  static async create(baileys, name = 'baileys') {
    const dir = await mkdtemp(join(tmpdir(), `wazap-baileys-${name}-`))
    return new BaileysUser(baileys, dir, name)
  }

  constructor(baileys, dir, name) {
    this.baileys = baileys
    this.dir = dir
    this.name = name
    this.log = new EventLog()
    this.sock = null
    this.restarts = 0
    this.closed = false
    this.logger = pino({ level: process.env.BAILEYS_LOG || 'silent' }).child({ user: name })
    this.auth = null
    this.saved = Promise.resolve()
    /** The sockets that reported `connection: 'close'`. */
    this.ended = new WeakSet()
  }

  /**
   * Opens a socket on the auth state: the one in memory (a restart within the process, as
   * after the 515), or with `reload` the one stored in the directory (a new process).
   */
  async connect({ reload = false } = {}) {
    if (!this.auth || reload) {
      await this.saved
      this.auth = await this.baileys.useMultiFileAuthState(this.dir)
    }
    const { state, saveCreds } = this.auth
    const sock = this.baileys.makeWASocket(
      sandboxSocketConfig(this.baileys, sandboxReady(), state, this.logger),
    )
    this.sock = sock
    sock.ev.on('creds.update', () => {
      // Writes in order; one still under way when a test removes the directory is no failure.
      this.saved = this.saved
        .then(saveCreds)
        .catch((e) => this.destroyed || this.log.push('harness.error', e))
    })
    sock.ev.process((events) => {
      for (const [name, data] of Object.entries(events)) this.log.push(name, data)
      const update = events['connection.update']
      if (update?.connection === 'close') this.ended.add(sock)
      if (update?.connection === 'close' && sock === this.sock && !this.closed) {
        const code = update.lastDisconnect?.error?.output?.statusCode
        if (code === this.baileys.DisconnectReason.restartRequired) {
          this.restarts += 1
          this.connect().catch((e) => this.log.push('harness.error', e))
        }
      }
    })
    return sock
  }

  /** Waits for `connection: 'open'` after event index `since`. */
  async opened(since = 0) {
    await this.log.waitFor('connection.update', (u) => u.connection === 'open', `${this.name} open`, since)
    return this.sock
  }

  /** The next QR code Baileys shows. */
  async qr(since = 0) {
    const update = await this.log.waitFor('connection.update', (u) => !!u.qr, `${this.name} QR`, since)
    return update.qr
  }

  /** Pairs by QR with `phone`'s simulated phone, through the 515, until the new socket is open. */
  async pairByQr(phone) {
    await this.connect()
    const qr = await this.qr()
    const { device_jid: deviceJid } = await control('POST', '/pair', { phone, qr })
    const since = this.log.length
    await this.opened(since)
    return deviceJid
  }

  get jid() {
    return this.sock?.user?.id
  }

  /** The first incoming message whose text satisfies `pred`. */
  async message(pred, what, since = 0) {
    let found
    await this.log.waitFor(
      'messages.upsert',
      ({ messages }) => {
        found = messages.find((m) => !m.key.fromMe && pred(m))
        return !!found
      },
      `${this.name} receives ${what}`,
      since,
    )
    return found
  }

  /**
   * Waits until Baileys reports message `id` (one it sent) at `status` or beyond. While Baileys
   * buffers its events (after login, until its first app state sync), an update to a message
   * whose upsert is still buffered is folded into that upsert: the status then comes with
   * `messages.upsert`, not as a `messages.update`.
   */
  async statusReached(id, status, what) {
    const reached = (m) => m.key?.id === id && (m.status ?? 0) >= status
    await Promise.any([
      this.log.waitFor('messages.update', (us) => us.some((u) => u.key.id === id && u.update.status >= status), what),
      this.log.waitFor('messages.upsert', ({ messages }) => messages.some(reached), what),
    ]).catch((e) => Promise.reject(e.errors?.[0] ?? e))
  }

  /**
   * Ends the socket (the stored session stays). First a ping round trip: the sandbox answers a
   * connection's iqs in order, so the queries Baileys had in flight (it sends several after
   * login and does not catch every one of them) are answered before the socket goes.
   */
  async end() {
    this.closed = true
    const sock = this.sock
    this.sock = null
    if (sock?.ws?.isOpen) {
      const ping = { tag: 'iq', attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] }
      await within(sock.query(ping), `${this.name} ping before ending`).catch(() => {})
    }
    if (sock && !this.ended.has(sock)) {
      const closed = this.log.waitFor('connection.update', (u) => u.connection === 'close', 'close', this.log.length)
      sock.end(undefined)
      await closed.catch(() => {})
    }
    this.closed = false
  }

  async destroy() {
    this.destroyed = true
    await this.end()
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10 })
  }
}

/** The text of a Baileys message (plain or extended). */
export function textOf(message) {
  const m = message?.message
  return m?.conversation ?? m?.extendedTextMessage?.text ?? null
}
