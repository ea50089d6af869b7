// Known-answer vectors for WhatsApp's app state sync (syncd), produced by Baileys' own code
// (npm baileys 6.17.16, unmodified): key expansion, the LTHash, index and value MACs, patches
// (encodeSyncdPatch, checked again by decodePatches) and snapshots (checked by
// decodeSyncdSnapshot). Usage: node app_state.js OUT.json
//
// Baileys encrypts each value with a random IV; crypto.randomBytes is replaced by a seeded
// stream first, so the file comes out the same on every run.
'use strict'

const crypto = require('crypto')
const fs = require('fs')

let counter = 0
crypto.randomBytes = (n) => {
  const out = Buffer.alloc(n)
  for (let off = 0; off < n; off += 32) {
    const block = crypto.createHash('sha256').update(`wazap app state vectors ${counter++}`).digest()
    block.copy(out, off, 0, Math.min(32, n - off))
  }
  return out
}

const baileys = require('baileys')
const { proto } = baileys
const {
  encodeSyncdPatch, decodePatches, decodeSyncdSnapshot, newLTHashState, LT_HASH_ANTI_TAMPERING,
  hkdf, hmacSign, aesDecrypt
} = baileys

const hex = (b) => Buffer.from(b).toString('hex')
const seeded = (label, n) => {
  const out = Buffer.alloc(n)
  for (let off = 0, i = 0; off < n; off += 32, i++) {
    crypto.createHash('sha256').update(`${label} ${i}`).digest().copy(out, off, 0, Math.min(32, n - off))
  }
  return out
}

// Two app state sync keys, as an appStateSyncKeyShare delivers them: a key id (6 bytes here,
// as phones send them) and 32 bytes of key data.
const KEYS = [
  { id: Buffer.from('000000000001', 'hex'), data: seeded('app state key one', 32) },
  { id: Buffer.from('00000000a1b2', 'hex'), data: seeded('app state key two', 32) }
]
const keyById = new Map(KEYS.map((k) => [k.id.toString('base64'), { keyData: k.data }]))
const getAppStateSyncKey = async (b64) => keyById.get(b64)

const stateJson = (s) => ({
  version: s.version,
  hash: hex(s.hash),
  index_value_map: Object.fromEntries(
    Object.entries(s.indexValueMap).map(([k, v]) => [hex(Buffer.from(k, 'base64')), hex(v.valueMac)])
  )
})

async function expandedKeys () {
  const out = []
  for (const k of KEYS) {
    const e = await hkdf(k.data, 160, { info: 'WhatsApp Mutation Keys' })
    out.push({
      key_id: hex(k.id),
      key_data: hex(k.data),
      index_key: hex(e.slice(0, 32)),
      value_encryption_key: hex(e.slice(32, 64)),
      value_mac_key: hex(e.slice(64, 96)),
      snapshot_mac_key: hex(e.slice(96, 128)),
      patch_mac_key: hex(e.slice(128, 160))
    })
  }
  return out
}

async function ltHashCases () {
  const macs = [0, 1, 2, 3].map((i) => seeded(`value mac ${i}`, 32))
  const zero = new Uint8Array(128).buffer
  const steps = []
  let h = zero
  const ab = (b) => new Uint8Array(b).buffer
  h = await LT_HASH_ANTI_TAMPERING.add(h, [ab(macs[0])])
  steps.push({ op: 'add', macs: [hex(macs[0])], hash: hex(h) })
  h = await LT_HASH_ANTI_TAMPERING.add(h, [ab(macs[1]), ab(macs[2])])
  steps.push({ op: 'add', macs: [hex(macs[1]), hex(macs[2])], hash: hex(h) })
  h = await LT_HASH_ANTI_TAMPERING.subtract(h, [ab(macs[0])])
  steps.push({ op: 'subtract', macs: [hex(macs[0])], hash: hex(h) })
  h = await LT_HASH_ANTI_TAMPERING.subtractThenAdd(h, [ab(macs[3])], [ab(macs[1])])
  steps.push({ op: 'subtract_then_add', add: [hex(macs[3])], subtract: [hex(macs[1])], hash: hex(h) })
  return { start: hex(Buffer.from(zero)), steps }
}

const OP = proto.SyncdMutation.SyncdOperation
const JID = '15550002222@s.whatsapp.net'
const GROUP = '120363012345678901@g.us'
const T = 1765000000000

// The mutations, per collection, in the order they are applied; the shapes are those of
// Baileys' chatModificationToAppPatch (and, for contacts, of what phones send).
const MUTATIONS = [
  {
    type: 'critical_unblock_low', apiVersion: 2, operation: OP.SET, index: ['contact', JID],
    syncAction: { timestamp: T, contactAction: { fullName: 'Ada Lovelace', firstName: 'Ada' } }
  },
  {
    type: 'critical_unblock_low', apiVersion: 2, operation: OP.SET, index: ['contact', '15550003333@s.whatsapp.net'],
    syncAction: { timestamp: T + 1, contactAction: { fullName: 'Charles Babbage', firstName: 'Charles' } }
  },
  {
    type: 'critical_unblock_low', apiVersion: 2, operation: OP.SET, index: ['contact', JID],
    syncAction: { timestamp: T + 2, contactAction: { fullName: 'Ada King', firstName: 'Ada' } }
  },
  {
    type: 'critical_block', apiVersion: 1, operation: OP.SET, index: ['setting_pushName'],
    syncAction: { timestamp: T + 3, pushNameSetting: { name: 'wazap bot' } }
  },
  {
    type: 'regular_high', apiVersion: 2, operation: OP.SET, index: ['mute', JID],
    syncAction: { timestamp: T + 4, muteAction: { muted: true, muteEndTimestamp: T + 3600000 } }
  },
  {
    type: 'regular_low', apiVersion: 5, operation: OP.SET, index: ['pin_v1', JID],
    syncAction: { timestamp: T + 5, pinAction: { pinned: true } }
  },
  {
    type: 'regular_low', apiVersion: 3, operation: OP.SET, index: ['archive', GROUP],
    syncAction: { timestamp: T + 6, archiveChatAction: { archived: true, messageRange: { lastMessageTimestamp: 1765000000 } } }
  },
  {
    type: 'regular_low', apiVersion: 2, operation: OP.SET, index: ['star', JID, '3EB0AABBCCDDEEFF0011', '1', '0'],
    syncAction: { timestamp: T + 7, starAction: { starred: true } }
  },
  {
    type: 'regular_low', apiVersion: 3, operation: OP.SET, index: ['markChatAsRead', JID],
    syncAction: { timestamp: T + 8, markChatAsReadAction: { read: false, messageRange: { lastMessageTimestamp: 1765000001 } } }
  },
  {
    type: 'regular_low', apiVersion: 2, operation: OP.REMOVE, index: ['star', JID, '3EB0AABBCCDDEEFF0011', '1', '0'],
    syncAction: { timestamp: T + 9, starAction: { starred: false } }
  },
  {
    type: 'regular_high', apiVersion: 6, operation: OP.SET, index: ['deleteChat', '15550004444@s.whatsapp.net', '1'],
    syncAction: { timestamp: T + 10, deleteChatAction: { messageRange: { lastMessageTimestamp: 1765000002 } } }
  },
  {
    type: 'regular', apiVersion: 3, operation: OP.SET, index: ['label_edit', '1'],
    syncAction: { timestamp: T + 11, labelEditAction: { name: 'Customers', color: 3, predefinedId: 0, deleted: false } }
  },
  {
    type: 'regular', apiVersion: 3, operation: OP.SET, index: ['label_jid', '1', JID],
    syncAction: { timestamp: T + 12, labelAssociationAction: { labeled: true } }
  }
]

async function patchCases () {
  const states = {}
  const patches = {}
  const cases = []
  for (const m of MUTATIONS) {
    // regular_high is keyed by the second key (index MACs depend on the key, so one index keeps one key).
    const key = KEYS[m.type === 'regular_high' ? 1 : 0]
    const before = states[m.type] || newLTHashState()
    const { patch, state } = await encodeSyncdPatch(
      { type: m.type, index: m.index, syncAction: m.syncAction, apiVersion: m.apiVersion, operation: m.operation },
      key.id.toString('base64'), before, getAppStateSyncKey
    )
    patch.version = { version: state.version }
    const patchBytes = proto.SyncdPatch.encode(patch).finish()
    const record = patch.mutations[0].record
    const blob = Buffer.from(record.value.blob)
    const encValue = blob.slice(0, -32)
    const e = await hkdf(key.data, 160, { info: 'WhatsApp Mutation Keys' })
    const plaintext = aesDecrypt(encValue, e.slice(32, 64))
    cases.push({
      collection: m.type,
      operation: m.operation === OP.SET ? 'set' : 'remove',
      key_id: hex(key.id),
      index: JSON.stringify(m.index),
      action_version: m.apiVersion,
      value: proto.SyncActionValue.toObject(proto.SyncActionValue.fromObject(m.syncAction), { longs: Number }),
      sync_action_data: hex(plaintext),
      iv: hex(encValue.slice(0, 16)),
      value_ciphertext: hex(encValue.slice(16)),
      index_mac: hex(record.index.blob),
      value_mac: hex(blob.slice(-32)),
      snapshot_mac: hex(patch.snapshotMac),
      patch_mac: hex(patch.patchMac),
      patch: hex(patchBytes),
      state_before: stateJson(before),
      state_after: stateJson(state)
    })
    states[m.type] = state
    ;(patches[m.type] = patches[m.type] || []).push(patchBytes)
  }

  // Baileys' own decoder, MACs on, over each collection's chain of patches from version 0.
  const decoded = {}
  for (const [name, list] of Object.entries(patches)) {
    // decodePatches empties the mutations of the patches it is given: decode a copy.
    const fresh = list.map((b) => proto.SyncdPatch.decode(b))
    const { state, mutationMap } = await decodePatches(name, fresh, newLTHashState(), getAppStateSyncKey, {}, undefined, undefined, true)
    if (hex(state.hash) !== hex(states[name].hash) || state.version !== states[name].version) {
      throw new Error(`decodePatches disagrees with encodeSyncdPatch for ${name}`)
    }
    decoded[name] = {
      state: stateJson(state),
      // The last mutation per index, as Baileys reports them.
      mutations: Object.values(mutationMap).map((mu) => ({
        index: JSON.stringify(mu.index),
        value: proto.SyncActionValue.toObject(mu.syncAction.value, { longs: Number })
      }))
    }
  }
  return { cases, decoded, states, patches }
}

// A snapshot of each collection at its last version: the records still present (the last SET
// of each index; a REMOVE takes its index out), keyed by the last patch's key, its MAC being
// the last patch's snapshot MAC. Baileys' decodeSyncdSnapshot checks every MAC of it.
async function snapshotCases ({ states, patches }) {
  const out = []
  for (const [name, bytesList] of Object.entries(patches)) {
    const list = bytesList.map((b) => proto.SyncdPatch.decode(b))
    const live = new Map()
    for (const p of list) {
      for (const mu of p.mutations) {
        const k = hex(mu.record.index.blob)
        if (mu.operation === OP.REMOVE) live.delete(k)
        else live.set(k, mu.record)
      }
    }
    const last = list[list.length - 1]
    const snapshot = {
      version: { version: states[name].version },
      records: [...live.values()],
      mac: last.snapshotMac,
      keyId: last.keyId
    }
    const bytes = proto.SyncdSnapshot.encode(snapshot).finish()
    const { state, mutationMap } = await decodeSyncdSnapshot(name, proto.SyncdSnapshot.decode(bytes), getAppStateSyncKey, undefined, true)
    out.push({
      collection: name,
      snapshot: hex(bytes),
      state: stateJson(state),
      mutations: Object.values(mutationMap).map((mu) => ({
        index: JSON.stringify(mu.index),
        value: proto.SyncActionValue.toObject(mu.syncAction.value, { longs: Number })
      }))
    })
  }
  return out
}

async function main () {
  const outPath = process.argv[2]
  if (!outPath) throw new Error('usage: node app_state.js OUT.json')
  const patches = await patchCases()
  const doc = {
    source: 'baileys 6.17.16 (npm, unmodified): Utils/chat-utils.js encodeSyncdPatch, decodePatches, decodeSyncdSnapshot; Utils/lt-hash.js; Utils/crypto.js hkdf',
    generator: 'tests/vectors/gen/app_state.js (node app_state.js ../app_state.json)',
    notes: [
      'Bytes are lowercase hex. Key ids are the raw bytes of AppStateSyncKeyId.keyId.',
      'keys: HKDF-SHA256(key_data, no salt, info "WhatsApp Mutation Keys", 160) split into five 32-byte keys.',
      'lt_hash: 128-byte state; add/subtract of HKDF-SHA256(value_mac, info "WhatsApp Patch Integrity", 128) as 64 little-endian u16 lanes, wrapping.',
      'patches: each case is one mutation encoded by encodeSyncdPatch on the collection state before it (state_before -> state_after). value blob = iv || value_ciphertext || value_mac; value_ciphertext = AES-256-CBC(value_encryption_key, iv, sync_action_data) with PKCS7; value_mac = HMAC-SHA512(value_mac_key, op byte (1 set, 2 remove) || key_id || value (iv||ciphertext) || 8-byte BE length of (op byte || key_id))[0:32]; index_mac = HMAC-SHA256(index_key, index JSON); snapshot_mac = HMAC-SHA256(snapshot_mac_key, lthash || u64 BE version || collection name); patch_mac = HMAC-SHA256(patch_mac_key, snapshot_mac || value macs || u64 BE version || collection name). index_value_map maps index MAC -> value MAC.',
      'patches_decoded: the state and last mutation per index that decodePatches (MACs checked) finds when it applies every patch of a collection from version 0.',
      'snapshots: a SyncdSnapshot per collection at its last version with the live records; decodeSyncdSnapshot (MACs checked) accepts it and finds state and mutations.',
      'value: SyncActionValue as protobufjs toObject writes it (camelCase field names, longs as numbers).'
    ],
    keys: await expandedKeys(),
    lt_hash: await ltHashCases(),
    patches: patches.cases,
    patches_decoded: patches.decoded,
    snapshots: await snapshotCases(patches)
  }
  fs.writeFileSync(outPath, JSON.stringify(doc, null, 1) + '\n')
  console.log(`wrote ${outPath}: ${doc.patches.length} patches, ${doc.snapshots.length} snapshots`)
}

main().catch((e) => { console.error(e); process.exit(1) })
