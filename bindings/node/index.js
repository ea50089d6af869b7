'use strict';
// wazap for Node.js: `new Client(options)` wraps the native addon (found by native.js: the
// platform package `@wazap/<platform>`, or wazap.node built in the source tree by
// `npm run build` / scripts/build.js) into an EventEmitter with Promise-returning methods.
//
// Events are named after the core's event types, verbatim (snake_case: 'qr', 'pair_success',
// 'connected', 'disconnected', 'logged_out', ...), and each listener receives the core's JSON
// event as an object (fields in snake_case too, `type` included) — the same contract as the C
// and Python bindings. Every event is also emitted as 'event'.
//
// Errors are `Error`s (a `TypeError` for a wrong argument type) with a stable `code`.

const { EventEmitter } = require('node:events');

const native = require('./native.js');

/**
 * The stable error codes: `ERR_` + each error kind of the core in capitals, and the two of
 * this package (a wrong argument type, a closed client).
 */
const ErrorCode = Object.freeze(Object.fromEntries([
  ['INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE'],
  ['CLOSED', 'ERR_CLOSED'],
  ...native.errorKinds().map((kind) => [kind.toUpperCase(), `ERR_${kind.toUpperCase()}`]),
]));

const KNOWN_CODES = new Set(Object.values(ErrorCode));

// After these the core does not reconnect by itself: the client stops keeping the process alive.
const TERMINAL_EVENTS = new Set([
  'qr_timeout',
  'logged_out',
  'stream_replaced',
  'temporary_ban',
  'client_outdated',
]);

// The options of `new Client`: each key, its JavaScript type and the core's key for it
// (wazap's ClientOptions); nested objects group core keys. Keys not listed are passed on as
// they are, for the core to refuse by name.
const OPTIONS = {
  account: ['string', 'account'],
  url: ['string', 'url'],
  rootKey: ['string', 'root_public_key'],
  deviceName: ['string', 'device_name'],
  origin: ['string', 'origin'],
  language: ['string', 'language'],
  country: ['string', 'country'],
  proxy: ['string', 'proxy'],
  connectTimeoutMs: ['number', 'connect_timeout_ms'],
  handshakeTimeoutMs: ['number', 'handshake_timeout_ms'],
  iqTimeoutMs: ['number', 'iq_timeout_ms'],
  qrFirstTimeoutMs: ['number', 'qr_first_timeout_ms'],
  qrNextTimeoutMs: ['number', 'qr_next_timeout_ms'],
  keepaliveIntervalMs: ['number', 'keepalive_interval_ms'],
  downloadHistory: ['boolean', 'download_history'],
  reconnect: {
    enabled: ['boolean', 'reconnect'],
    baseDelayMs: ['number', 'reconnect_base_delay_ms'],
    maxDelayMs: ['number', 'reconnect_max_delay_ms'],
  },
  preKeys: {
    minCount: ['number', 'prekey_min_count'],
    initialBatch: ['number', 'prekey_initial_batch'],
    refillBatch: ['number', 'prekey_refill_batch'],
  },
};

/** The core's options from the options object (`path` names it in errors). */
function coreOptions(options, spec = OPTIONS, path = 'options', out = {}) {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null || (spec === OPTIONS && key === 'storePath')) continue;
    const rule = spec[key];
    if (rule === undefined) {
      out[path === 'options' ? key : `${path.slice('options.'.length)}.${key}`] = value;
    } else if (!Array.isArray(rule)) {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw coded(ErrorCode.INVALID_ARG_TYPE, `${path}.${key} must be an object`);
      }
      coreOptions(value, rule, `${path}.${key}`, out);
    } else {
      const [type, name] = rule;
      if (typeof value !== type) {
        throw coded(ErrorCode.INVALID_ARG_TYPE, `${path}.${key} must be a ${type}`);
      }
      out[name] = value;
    }
  }
  return out;
}

function coded(code, message) {
  const error = code === ErrorCode.INVALID_ARG_TYPE ? new TypeError(message) : new Error(message);
  error.code = code;
  return error;
}

// The addon reports `CODE: message` (napi-rs cannot attach our own code to a rejection).
function translate(error) {
  const message = error && typeof error.message === 'string' ? error.message : String(error);
  const match = /^(ERR_[A-Z_]+): ([\s\S]*)$/.exec(message);
  if (match && KNOWN_CODES.has(match[1])) return coded(match[1], match[2]);
  const wrapped = coded(ErrorCode.INTERNAL, message);
  wrapped.cause = error;
  return wrapped;
}

function requireString(value, name) {
  if (typeof value !== 'string') {
    throw coded(ErrorCode.INVALID_ARG_TYPE, `${name} must be a string, got ${describe(value)}`);
  }
}

function requireOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw coded(ErrorCode.INVALID_ARG_TYPE, `options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** A Buffer over the same memory (no copy) for any Uint8Array. */
function toBuffer(bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function pictureBase64(jpeg) {
  if (jpeg === null) return null;
  if (!(jpeg instanceof Uint8Array)) {
    throw coded(ErrorCode.INVALID_ARG_TYPE, `jpeg must be a Buffer, Uint8Array or null, got ${describe(jpeg)}`);
  }
  return toBuffer(jpeg).toString('base64');
}

function requireStrings(value, name) {
  if (!isStringArray(value)) {
    throw coded(ErrorCode.INVALID_ARG_TYPE, `${name} must be an array of strings, got ${describe(value)}`);
  }
}

function requireBoolean(value, name) {
  if (typeof value !== 'boolean') {
    throw coded(ErrorCode.INVALID_ARG_TYPE, `${name} must be a boolean, got ${describe(value)}`);
  }
}

function isStringArray(value) {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

class Client extends EventEmitter {
  #native;
  #closed = false;
  #keepAlive = false;
  #reconnects = true;

  /**
   * @param {object} options `storePath` (required; a SQLite file, or ':memory:'), `account`,
   *   `url`, `rootKey` (hex), `deviceName`, `origin`, `language`, `country`, `proxy`,
   *   `connectTimeoutMs`, `handshakeTimeoutMs`, `iqTimeoutMs`, `qrFirstTimeoutMs`,
   *   `qrNextTimeoutMs`, `keepaliveIntervalMs`, `reconnect: {enabled, baseDelayMs, maxDelayMs}`,
   *   `preKeys: {minCount, initialBatch, refillBatch}`. Defaults are the real service.
   */
  constructor(options) {
    super();
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `options must be an object, got ${describe(options)}`);
    }
    if (typeof options.storePath !== 'string') {
      throw coded(ErrorCode.INVALID_ARG_TYPE, 'options.storePath must be a string');
    }
    let json;
    try {
      json = JSON.stringify(coreOptions(options));
    } catch (error) {
      if (error.code) throw error;
      throw coded(ErrorCode.INVALID_ARG_TYPE, `options cannot be serialised: ${error.message}`);
    }
    this.#reconnects = options.reconnect?.enabled !== false;
    try {
      this.#native = new native.NativeClient(options.storePath, json, (event) => this.#dispatch(event));
    } catch (error) {
      throw translate(error);
    }
  }

  #dispatch(json) {
    if (this.#closed) return;
    let event;
    try {
      event = JSON.parse(json);
    } catch {
      return;
    }
    const ends =
      TERMINAL_EVENTS.has(event.type) || (event.type === 'disconnected' && !this.#reconnects);
    if (ends) this.#setKeepAlive(false);
    this.emit(event.type, event);
    this.emit('event', event);
  }

  // While the client is meant to stay connected it keeps the process alive, like a socket.
  #setKeepAlive(on) {
    if (this.#keepAlive === on || this.#closed) return;
    this.#keepAlive = on;
    this.#native.setKeepAlive(on);
  }

  async #call(method, ...args) {
    try {
      return await this.#native[method](...args);
    } catch (error) {
      throw translate(error);
    }
  }

  // A request of the core by name; resolves with its answer (a Buffer for a file).
  async #request(method, args = {}, data = undefined) {
    const answer = await this.#call('request', method, JSON.stringify(args), data);
    return typeof answer === 'string' ? JSON.parse(answer) : answer;
  }

  /** Connects; resolves once the handshake succeeded. Then 'qr' (unpaired) or 'connected'. */
  async connect() {
    if (this.#closed) throw coded(ErrorCode.CLOSED, 'the client is closed');
    const wasAlive = this.#keepAlive;
    this.#setKeepAlive(true);
    try {
      await this.#request('connect');
    } catch (error) {
      if (!wasAlive && error.code !== ErrorCode.ALREADY_CONNECTED) this.#setKeepAlive(false);
      throw error;
    }
  }

  /** Closes the connection and stops reconnecting; the pairing is kept. */
  async disconnect() {
    this.#setKeepAlive(false);
    await this.#request('disconnect');
  }

  /** Unlinks this device from the account and deletes its keys. */
  async logout() {
    await this.#request('logout');
    this.#setKeepAlive(false);
  }

  /**
   * Pairing by phone number instead of a QR scan, after connect() and the first 'qr' event.
   * Resolves with the code (`XXXX-XXXX`) to type on the phone.
   */
  async pairPhone(phone, options = {}) {
    requireString(phone, 'phone');
    if (options === null || typeof options !== 'object') {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `options must be an object, got ${describe(options)}`);
    }
    const {
      showPushNotification = true,
      clientType = 'chrome',
      displayName = 'Chrome (Linux)',
    } = options;
    if (typeof showPushNotification !== 'boolean') {
      throw coded(ErrorCode.INVALID_ARG_TYPE, 'options.showPushNotification must be a boolean');
    }
    requireString(clientType, 'options.clientType');
    requireString(displayName, 'options.displayName');
    return this.#request('pair_phone', {
      phone, show_push_notification: showPushNotification, client_type: clientType, display_name: displayName,
    });
  }

  /** Sets and saves the name shown to contacts. */
  async setPushName(name) {
    requireString(name, 'name');
    await this.#request('set_push_name', { name });
  }

  /**
   * Sends a text to `to` (a JID such as '123@s.whatsapp.net' or '…@g.us', or a bare phone
   * number). Resolves with { id, timestamp } once the server acknowledged it. Options: `id`
   * (our own message id), `replyTo` (a received 'message' event to quote), `mentions` (JIDs;
   * write them as `@<number>` in the text).
   */
  async sendText(to, text, options = {}) {
    requireString(to, 'to');
    requireString(text, 'text');
    const { id, replyTo, mentions } = requireOptions(options);
    if (id !== undefined && id !== null) requireString(id, 'options.id');
    if (mentions !== undefined && !isStringArray(mentions)) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, 'options.mentions must be an array of strings');
    }
    let quoted = null;
    if (replyTo !== undefined && replyTo !== null) {
      const info = replyTo?.info;
      const raw = replyTo?.message?.raw;
      if (typeof info?.id !== 'string' || typeof info?.sender !== 'string' || typeof raw !== 'string') {
        throw coded(ErrorCode.INVALID_ARG_TYPE, "options.replyTo must be a 'message' event");
      }
      quoted = { id: info.id, sender: info.sender, message: raw };
    }
    return this.#request('send_text', { to, text, id: id ?? null, reply_to: quoted, mentions: mentions ?? [] });
  }

  /**
   * Sends any message: `message` is an encoded `Message` protobuf (a Buffer or Uint8Array; the
   * schema of a received message's `raw`). Resolves with { id, timestamp }.
   */
  async sendMessage(to, message, options = {}) {
    requireString(to, 'to');
    if (!(message instanceof Uint8Array)) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `message must be a Buffer or Uint8Array, got ${describe(message)}`);
    }
    const { id } = requireOptions(options);
    if (id !== undefined && id !== null) requireString(id, 'options.id');
    const raw = toBuffer(message).toString('base64');
    return this.#request('send_message', { to, message: raw, id: id ?? null });
  }

  /**
   * Sends a file as an image (options: mimetype, caption, id). Every send* of media uploads
   * the file, encrypted with a fresh key, then sends the message describing it; resolves with
   * { id, timestamp }.
   */
  async sendImage(to, data, options = {}) {
    const { mimetype, caption, id } = requireOptions(options);
    return this.#sendMedia(to, data, 'image', { mimetype, caption, id });
  }

  /** Sends a file as a video (options: mimetype, caption, id). */
  async sendVideo(to, data, options = {}) {
    const { mimetype, caption, id } = requireOptions(options);
    return this.#sendMedia(to, data, 'video', { mimetype, caption, id });
  }

  /** Sends audio, as a voice note unless `voiceNote: false` (options: mimetype, id). */
  async sendAudio(to, data, options = {}) {
    const { mimetype, voiceNote = true, id } = requireOptions(options);
    if (typeof voiceNote !== 'boolean') {
      throw coded(ErrorCode.INVALID_ARG_TYPE, 'options.voiceNote must be a boolean');
    }
    return this.#sendMedia(to, data, 'audio', { mimetype, voiceNote, id });
  }

  /** Sends a document named `fileName` (options: mimetype, caption, id). */
  async sendDocument(to, data, fileName, options = {}) {
    requireString(fileName, 'fileName');
    const { mimetype, caption, id } = requireOptions(options);
    return this.#sendMedia(to, data, 'document', { mimetype, caption, fileName, id });
  }

  /** Sends a WebP image as a sticker (options: mimetype, id). */
  async sendSticker(to, data, options = {}) {
    const { mimetype, id } = requireOptions(options);
    return this.#sendMedia(to, data, 'sticker', { mimetype, id });
  }

  /**
   * The file of a received image, video, audio, document or sticker message (a 'message'
   * event, its `message`, or the raw `Message` bytes), downloaded, verified and decrypted.
   * Resolves with a Buffer.
   */
  async download(message) {
    let raw = message;
    if (typeof message?.message?.raw === 'string') raw = message.message.raw;
    else if (typeof message?.raw === 'string') raw = message.raw;
    if (typeof raw === 'string') raw = Buffer.from(raw, 'base64');
    if (!(raw instanceof Uint8Array)) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `message must be a 'message' event or its raw bytes, got ${describe(message)}`);
    }
    return this.#request('download', { message: toBuffer(raw).toString('base64') });
  }

  async #sendMedia(to, data, kind, { mimetype, caption, fileName, voiceNote = false, id }) {
    requireString(to, 'to');
    if (!(data instanceof Uint8Array)) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `data must be a Buffer or Uint8Array, got ${describe(data)}`);
    }
    for (const [name, value] of [['mimetype', mimetype], ['caption', caption], ['id', id]]) {
      if (value !== undefined && value !== null) requireString(value, `options.${name}`);
    }
    const args = {
      to, kind, mimetype: mimetype ?? null, caption: caption ?? null, file_name: fileName ?? null,
      voice_note: voiceNote, id: id ?? null,
    };
    return this.#request('send_media', args, toBuffer(data));
  }

  // Groups are '<id>@g.us' JIDs; users are JIDs or bare phone numbers.

  /** Every group we are in, with its members. */
  async joinedGroups() {
    return this.#request('joined_groups', {});
  }

  /** A group's metadata and members. */
  async groupInfo(group) {
    requireString(group, 'group');
    return this.#request('group_info', { group });
  }

  /** Creates a group with us as its admin and `participants` in it; resolves with its info. */
  async createGroup(name, participants = []) {
    requireString(name, 'name');
    requireStrings(participants, 'participants');
    return this.#request('create_group', { name, participants });
  }

  async setGroupName(group, name) {
    requireString(group, 'group');
    requireString(name, 'name');
    await this.#request('set_group_name', { group, text: name });
  }

  /** Sets the description; an empty `topic` deletes it. */
  async setGroupTopic(group, topic) {
    requireString(group, 'group');
    requireString(topic, 'topic');
    await this.#request('set_group_topic', { group, text: topic });
  }

  /** Announce mode: only admins may send. */
  async setGroupAnnounce(group, announce) {
    requireString(group, 'group');
    requireBoolean(announce, 'announce');
    await this.#request('set_group_announce', { group, on: announce });
  }

  /** Locked: only admins may edit the group info. */
  async setGroupLocked(group, locked) {
    requireString(group, 'group');
    requireBoolean(locked, 'locked');
    await this.#request('set_group_locked', { group, on: locked });
  }

  /** 'https://chat.whatsapp.com/<code>'; `reset` revokes the old link first. */
  async groupInviteLink(group, { reset = false } = {}) {
    requireString(group, 'group');
    requireBoolean(reset, 'options.reset');
    return this.#request('group_invite_link', { group, reset });
  }

  /** Joins by invite link (or its code); resolves with the group's JID. */
  async joinGroupWithLink(link) {
    requireString(link, 'link');
    return this.#request('join_group_with_link', { link });
  }

  async leaveGroup(group) {
    requireString(group, 'group');
    await this.#request('leave_group', { group });
  }

  /** `action`: 'add', 'remove', 'promote' or 'demote'; resolves with one result per member. */
  async updateGroupParticipants(group, participants, action) {
    requireString(group, 'group');
    requireStrings(participants, 'participants');
    requireString(action, 'action');
    return this.#request('update_group_participants', { group, participants, action });
  }

  /** Which of `phones` (international numbers) have a WhatsApp account. */
  async isOnWhatsapp(phones) {
    requireStrings(phones, 'phones');
    return this.#request('is_on_whatsapp', { phones });
  }

  /** Status, picture id, devices and LID of each user, by JID. */
  async userInfo(users) {
    requireStrings(users, 'users');
    return this.#request('user_info', { users });
  }

  /** Where to download a user's (or group's) picture; null when there is none. */
  async profilePicture(user, { preview = false } = {}) {
    requireString(user, 'user');
    requireBoolean(preview, 'options.preview');
    return this.#request('profile_picture', { user, preview });
  }

  /** Sets a group's picture (a JPEG Buffer) or removes it (null); resolves with its id. */
  async setGroupPhoto(group, jpeg) {
    requireString(group, 'group');
    return this.#request('set_group_photo', { group, image: pictureBase64(jpeg) });
  }

  /** Sets our own picture (a square JPEG) or removes it (null); resolves with its id. */
  async setProfilePicture(jpeg) {
    return this.#request('set_profile_picture', { image: pictureBase64(jpeg) });
  }

  /** The users we blocked: `{ dhash, jids }`. */
  async getBlocklist() {
    return this.#request('get_blocklist');
  }

  /** Blocks (`'block'`) or unblocks (`'unblock'`) a user; resolves with the new list. */
  async updateBlocklist(jid, action) {
    requireString(jid, 'jid');
    requireString(action, 'action');
    return this.#request('update_blocklist', { jid, action });
  }

  /**
   * A receipt of another kind: `type` 'played' (voice notes), 'read-self', 'played-self' or
   * 'read'; `sender` is the author in a group.
   */
  async sendReceipt(ids, chat, type, sender = null) {
    if (!isStringArray(ids)) throw coded(ErrorCode.INVALID_ARG_TYPE, 'ids must be an array of strings');
    requireString(chat, 'chat');
    requireString(type, 'type');
    if (sender !== null && sender !== undefined) requireString(sender, 'sender');
    await this.#request('send_receipt', { ids, chat, sender: sender ?? null, receipt_type: type });
  }

  /** Asks for `jid`'s presence: 'presence' events follow when it goes online or offline. */
  async subscribePresence(jid) {
    requireString(jid, 'jid');
    await this.#request('subscribe_presence', { jid });
  }

  /** Marks messages `ids` of `chat` read; `sender` is their author in a group (else null). */
  async markRead(ids, chat, sender = null) {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      throw coded(ErrorCode.INVALID_ARG_TYPE, `ids must be an array of strings`);
    }
    requireString(chat, 'chat');
    if (sender !== null && sender !== undefined) requireString(sender, 'sender');
    await this.#request('mark_read', { ids, chat, sender: sender ?? null });
  }

  /** 'available' or 'unavailable'. */
  async sendPresence(presence) {
    requireString(presence, 'presence');
    await this.#request('send_presence', { presence });
  }

  /** Typing state in `chat`: `state` 'composing' or 'paused', `media` 'text' or 'audio'. */
  async sendChatPresence(chat, state, media = 'text') {
    requireString(chat, 'chat');
    requireString(state, 'state');
    requireString(media, 'media');
    await this.#request('send_chat_presence', { chat, state, media });
  }

  /**
   * Reacts with `emoji` (empty: removes the reaction) to message `id` in `chat` written by
   * `sender` (`fromMe`: written by us). Resolves with { id, timestamp }.
   */
  async sendReaction(chat, sender, id, emoji, { fromMe = false } = {}) {
    requireString(chat, 'chat');
    requireString(sender, 'sender');
    requireString(id, 'id');
    requireString(emoji, 'emoji');
    if (typeof fromMe !== 'boolean') {
      throw coded(ErrorCode.INVALID_ARG_TYPE, 'options.fromMe must be a boolean');
    }
    return this.#request('send_reaction', { chat, sender, id, emoji, from_me: fromMe });
  }

  /**
   * Disconnects and releases the client: no more events, every method then fails with
   * ERR_CLOSED, and the client no longer keeps the process alive. Idempotent.
   */
  async close() {
    if (this.#closed) return;
    this.#setKeepAlive(false);
    this.#closed = true;
    await this.#call('close');
  }

  /** The QR code to show now, while the device waits to be paired; else null. */
  get qr() {
    return this.#native.qr() ?? null;
  }

  /** Whether a connection is up (logged in or not). */
  get isConnected() {
    return this.#native.isConnected();
  }

  /** Whether the server accepted our login on the current connection. */
  get isLoggedIn() {
    return this.#native.isLoggedIn();
  }

  /** Our device JID once paired, else null. */
  get jid() {
    return this.#native.jid() ?? null;
  }

  /** Our LID once paired, else null. */
  get lid() {
    return this.#native.lid() ?? null;
  }

  /** Whether close() was called. */
  get closed() {
    return this.#closed;
  }
}

/**
 * The pairing QR code `text` (a 'qr' event's `code`) drawn with Unicode half blocks, to print
 * in a terminal for the phone to scan (light modules are the drawn blocks, for the usual light
 * on dark terminal); lines end with '\n'. Throws ERR_INVALID_ARG for a text too long for
 * a QR code. The core draws it, the same as for the other hosts.
 */
function qrTerminal(text) {
  requireString(text, 'text');
  try {
    return native.qrTerminal(text);
  } catch (error) {
    throw translate(error);
  }
}

module.exports = { Client, ErrorCode, qrTerminal };
