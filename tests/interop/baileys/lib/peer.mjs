// A wazap client in the conversation: tests/e2e/examples/interop_peer (built by run.sh, its
// path in INTEROP_PEER), driven over stdin/stdout JSON lines, paired by QR with its own
// simulated phone through the control API.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { EventLog, newAccount, sandboxReady, within } from './harness.mjs'

export class WazapPeer {
  /** Starts a peer on a new account and waits until it is logged in. */
  static async start(name = 'wazap') {
    const binary = process.env.INTEROP_PEER
    if (!binary) throw new Error('INTEROP_PEER (the interop_peer binary) is not set: run run.sh')
    const account = await newAccount(name)
    const dir = await mkdtemp(join(tmpdir(), 'wazap-peer-'))
    const ready = sandboxReady()
    const child = spawn(
      binary,
      ['--ws', ready.ws_url, '--root-key', ready.root_public_key, '--control', ready.control_url,
        '--phone', account.phone, '--store', join(dir, 'peer.db')],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    const peer = new WazapPeer(child, account, dir)
    await peer.log.waitFor('connected', () => true, `${name} peer logged in`)
    return peer
  }

  constructor(child, account, dir) {
    this.child = child
    this.account = account
    this.dir = dir
    this.log = new EventLog()
    this.pending = new Map()
    this.nextId = 1
    this.stderr = ''
    child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000)
    })
    child.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`peer exited (${code}): ${this.stderr}`))
      this.pending.clear()
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      const value = JSON.parse(line)
      if (value.event) {
        this.log.push(value.event.type, value.event)
      } else if (this.pending.has(value.id)) {
        const { resolve, reject } = this.pending.get(value.id)
        this.pending.delete(value.id)
        if ('error' in value) reject(new Error(`peer: ${value.error}`))
        else resolve(value.ok)
      }
    })
  }

  get phone() {
    return this.account.phone
  }

  /** A call of the peer (`send_text`, `send_image`, `download`, `mark_read`, …). */
  call(call, args = {}) {
    const id = this.nextId++
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
    this.child.stdin.write(`${JSON.stringify({ id, call, args })}\n`)
    return within(answer, `peer ${call}`)
  }

  /** The first `message` event whose content satisfies `pred` (not from itself). */
  message(pred, what) {
    return this.log.waitFor(
      'message',
      (e) => !e.info.is_from_me && pred(e.message, e.info),
      `peer receives ${what}`,
    )
  }

  async stop() {
    this.child.stdin.end()
    await within(new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve()
      else this.child.once('exit', resolve)
    }), 'peer exits').catch(() => this.child.kill())
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10 })
  }
}
