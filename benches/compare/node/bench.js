// The work of wazap's benches, done with Baileys 6 and libsignal-node (unmodified, from npm).
// Prints one JSON line per row: {"row": ..., "per_sec": ..., "mb_s": ...}; what each row
// measures is in ../README.md.
'use strict';
const http = require('http');
const { once } = require('events');
const baileys = require('baileys');
const libsignal = require('libsignal');

const budgetMs = 1000 * Number(process.env.COMPARE_SECONDS || 2);

// Runs f (sync or async) for the time budget after a short warm-up; calls per second.
async function measure(f) {
  const warm = performance.now();
  while (performance.now() - warm < budgetMs / 5) await f();
  let n = 0;
  const start = performance.now();
  for (;;) {
    await f();
    n++;
    const elapsed = performance.now() - start;
    if (elapsed >= budgetMs) return (n * 1000) / elapsed;
  }
}

function emit(row, perSec, bytesPerOp) {
  const out = { row, per_sec: perSec };
  if (bytesPerOp) out.mb_s = (perSec * bytesPerOp) / 1e6;
  console.log(JSON.stringify(out));
}

// The stanza of core/benches/codec.rs.
function stanza() {
  const payload = Buffer.alloc(60);
  for (let i = 0; i < 60; i++) payload[i] = (i * 37) & 0xff;
  return {
    tag: 'message',
    attrs: { id: '3EB0C767F26C8A9A1E3F', to: '15551234567@s.whatsapp.net', type: 'text' },
    content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: payload }],
  };
}

async function codec() {
  const node = stanza();
  // decodeBinaryNode is what Baileys' socket calls on every frame (it inflates when flagged).
  emit('codec_round_trip', await measure(() => baileys.decodeBinaryNode(baileys.encodeBinaryNode(node))));
}

const MEDIA_LEN = 16 << 20;

async function drain(readable) {
  let n = 0;
  for await (const chunk of readable) n += chunk.length;
  return n;
}

async function media() {
  const plain = Buffer.alloc(MEDIA_LEN);
  for (let i = 0; i < MEDIA_LEN; i++) plain[i] = i % 251;
  // Baileys' upload encryption: AES-CBC, HMAC and both SHA-256 in one pass over the stream.
  const encrypt = async () => {
    const out = await baileys.encryptedStream(plain, 'video');
    const enc = [];
    for await (const chunk of out.encWriteStream) enc.push(chunk);
    return { enc: Buffer.concat(enc), mediaKey: out.mediaKey };
  };
  const { enc, mediaKey } = await encrypt();
  emit('media_encrypt', await measure(encrypt), MEDIA_LEN);

  // Baileys' download decryption through its public API, from a loopback HTTP server that
  // serves the encrypted file (Baileys checks neither the MAC nor the hashes).
  const server = http.createServer((_, res) => res.end(enc));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}/media.enc`;
  const decrypt = async () => {
    const stream = await baileys.downloadContentFromMessage({ mediaKey, url, directPath: '/x' }, 'video');
    const n = await drain(stream);
    if (n !== MEDIA_LEN) throw new Error(`decrypted ${n} bytes`);
  };
  emit('media_decrypt', await measure(decrypt), MEDIA_LEN);
  server.close();
}

// An in-memory store that keeps the live records, as our MemorySignalStore does.
class MemoryStore {
  constructor(identity, registrationId, signedPreKey) {
    this.identity = identity;
    this.registrationId = registrationId;
    this.signedPreKey = signedPreKey;
    this.sessions = new Map();
  }
  async getOurIdentity() { return this.identity; }
  async getOurRegistrationId() { return this.registrationId; }
  async isTrustedIdentity() { return true; }
  async loadSession(id) { return this.sessions.get(id); }
  async storeSession(id, record) { this.sessions.set(id, record); }
  async loadPreKey() { return undefined; }
  async removePreKey() {}
  async loadSignedPreKey(id) { return id === this.signedPreKey.keyId ? this.signedPreKey.keyPair : undefined; }
}

const MESSAGE = Buffer.alloc(100, 0x42);

// A party with an identity and a signed prekey, no one-time prekey (as the wazap bench).
function party(name) {
  const identity = libsignal.keyhelper.generateIdentityKeyPair();
  const spk = libsignal.keyhelper.generateSignedPreKey(identity, 1);
  return {
    store: new MemoryStore(identity, 1, spk),
    address: new libsignal.ProtocolAddress(name, 1),
    bundle: {
      identityKey: identity.pubKey,
      registrationId: 1,
      signedPreKey: { keyId: 1, publicKey: spk.keyPair.pubKey, signature: spk.signature },
    },
  };
}

async function deliver(from, to) {
  const m = await new libsignal.SessionCipher(from.store, to.address).encrypt(MESSAGE);
  const cipher = new libsignal.SessionCipher(to.store, from.address);
  const body = Buffer.from(m.body, 'binary');
  const plain = m.type === 3 ? await cipher.decryptPreKeyWhisperMessage(body) : await cipher.decryptWhisperMessage(body);
  if (plain.length !== MESSAGE.length) throw new Error('plaintext');
}

async function established() {
  const alice = party('alice');
  const bob = party('bob');
  await new libsignal.SessionBuilder(alice.store, bob.address).initOutgoing(bob.bundle);
  await deliver(alice, bob);
  await deliver(bob, alice);
  return [alice, bob];
}

async function signal() {
  let [alice, bob] = await established();
  emit('signal_one_way', await measure(() => deliver(alice, bob)));

  [alice, bob] = await established();
  emit('signal_ping_pong', 2 * (await measure(async () => {
    await deliver(alice, bob);
    await deliver(bob, alice);
  })));

  alice = party('alice');
  bob = party('bob');
  emit('x3dh_first_message', await measure(async () => {
    alice.store.sessions.clear();
    // Bob's new session is dropped too, so every round starts alike.
    bob.store.sessions.clear();
    await new libsignal.SessionBuilder(alice.store, bob.address).initOutgoing(bob.bundle);
    await deliver(alice, bob);
  }));
}

async function main() {
  const which = process.argv[2] || 'all';
  if (which === 'all' || which === 'codec') await codec();
  if (which === 'all' || which === 'media') await media();
  if (which === 'all' || which === 'signal') await signal();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
