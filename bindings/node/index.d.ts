// Type declarations of wazap for Node.js (hand-written; test/types.test.js checks that every
// runtime export, method and getter is declared here and vice versa).
import { EventEmitter } from 'node:events';

/** Options of `new Client(options)`. Unknown keys are refused (ERR_INVALID_ARG). */
export interface ClientOptions {
  /** SQLite file holding the device keys (created if missing), or ':memory:'. */
  storePath: string;
  /** Account name inside the store file (one file can hold many devices). Default 'main'. */
  account?: string;
  /** Websocket URL. Default: the real service. */
  url?: string;
  /** The server's root public key, hex (32 bytes, or 33 with the 0x05 prefix). */
  rootKey?: string;
  /** Name shown on the phone under "Linked devices". */
  deviceName?: string;
  origin?: string;
  language?: string;
  country?: string;
  /** e.g. 'socks5://127.0.0.1:1080' or 'http://proxy:3128'. */
  proxy?: string;
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  iqTimeoutMs?: number;
  qrFirstTimeoutMs?: number;
  qrNextTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Download the history syncs our phone announces (default true). */
  downloadHistory?: boolean;
  reconnect?: { enabled?: boolean; baseDelayMs?: number; maxDelayMs?: number };
  preKeys?: { minCount?: number; initialBatch?: number; refillBatch?: number };
}

/** The kind of client the phone shows for a device paired by code. */
export type CompanionClientType =
  | 'chrome' | 'edge' | 'firefox' | 'ie' | 'opera' | 'safari' | 'electron' | 'uwp'
  | 'other_web_client' | 'macos' | 'android' | 'unknown';

/** Options of `pairPhone`: what the phone's notification and device list show. */
export interface PairPhoneOptions {
  /** Default true. */
  showPushNotification?: boolean;
  /** Default 'chrome'. */
  clientType?: CompanionClientType;
  /** Default 'Chrome (Linux)'. */
  displayName?: string;
}

/**
 * Events: the core's JSON events, named by their `type` (snake_case, as in C and Python); the
 * fields are described in the core's core/src/types/EVENTS.md.
 *
 * A QR code to show; the phone scans it to link this device (the next one replaces it after
 * `timeout_ms`). `qrTerminal(code)` draws it for a terminal.
 */
export interface QrEvent { type: 'qr'; code: string; timeout_ms: number }
/** No QR code was scanned in time: pairing stopped (a terminal event). */
export interface QrTimeoutEvent { type: 'qr_timeout' }
/** The phone linked this device: `jid` is its device JID (`lid` its LID). */
export interface PairSuccessEvent {
  type: 'pair_success';
  jid: string;
  lid: string | null;
  platform: string;
  business_name: string;
}
/** Pairing failed after the phone scanned (`reason` says why). */
export interface PairErrorEvent { type: 'pair_error'; reason: string }
/** Logged in: the client is online and can send. */
export interface ConnectedEvent { type: 'connected' }
/** The connection ended; the client reconnects by itself unless a terminal event follows. */
export interface DisconnectedEvent { type: 'disconnected'; reason: string }
/** The device was unlinked (from the phone, or refused at connect: `on_connect`); a terminal event. */
export interface LoggedOutEvent { type: 'logged_out'; reason: string; on_connect: boolean }
/** Another connection of this device took over the session; a terminal event. */
export interface StreamReplacedEvent { type: 'stream_replaced' }
/** The account is banned for `expire_secs` seconds; a terminal event. */
export interface TemporaryBanEvent { type: 'temporary_ban'; code: number; expire_secs: number }
/** The server refuses this client's version; a terminal event. */
export interface ClientOutdatedEvent { type: 'client_outdated' }
/** The server refused the login with `reason` (a numeric code) and `message`. */
export interface ConnectFailureEvent { type: 'connect_failure'; reason: number; message: string }
/** The server ended the stream with an error `code`. */
export interface StreamErrorEvent { type: 'stream_error'; code: string }
/** The messages queued while we were offline (`count`) have all been delivered. */
export interface OfflineSyncCompletedEvent { type: 'offline_sync_completed'; count: number }

/** What the attributes of a received message say (the core's MessageInfo). */
export interface MessageInfo {
  id: string;
  /** The group, or the other user in a 1:1 chat. */
  chat: string;
  /** The sending device. */
  sender: string;
  sender_alt: string | null;
  recipient_alt: string | null;
  is_from_me: boolean;
  is_group: boolean;
  addressing_mode: string | null;
  push_name: string | null;
  /** Server time, unix seconds. */
  timestamp: number;
  message_type: string;
  category: string | null;
  edit: string | null;
  media_type: string | null;
  server_id: number | null;
  multicast: boolean;
  [key: string]: unknown;
}

/** A reaction (`emoji`, empty when removed) to message `id` in `chat`. */
export interface Reaction {
  chat: string | null;
  id: string;
  from_me: boolean;
  participant: string | null;
  emoji: string;
}

/** The decoded content (the core's MessageContent); `raw` is the protobuf, base64. */
export interface MessageContent {
  /** 'text', 'reaction', 'image', 'video', 'audio', 'document', 'sticker', ... */
  kind: string;
  text: string | null;
  reply_to: string | null;
  reply_to_sender: string | null;
  mentions: string[];
  reaction: Reaction | null;
  flags: Record<string, unknown>;
  raw: string;
}

/** A message received (or sent by our other devices: `info.is_from_me`), already stored. */
export interface MessageEvent { type: 'message'; info: MessageInfo; message: MessageContent }
/** Delivery, read or played receipts for messages `ids` in `chat`. */
export interface ReceiptEvent {
  type: 'receipt';
  /** 'delivered', 'read', 'played', 'sender', 'read-self', 'played-self', 'inactive', ... */
  receipt_type: string;
  ids: string[];
  chat: string;
  sender: string | null;
  /** The sender's other identity (phone number <-> LID), when known. */
  sender_alt: string | null;
  is_group: boolean;
  timestamp: number | null;
}
/** A message that could not be decrypted; a retry was asked of the sender (`unavailable`: nothing to decrypt). */
export interface UndecryptableMessageEvent {
  type: 'undecryptable_message';
  info: MessageInfo;
  reason: string;
  unavailable: boolean;
}
/** A contact's identity key changed; a new session was built. */
export interface IdentityChangeEvent {
  type: 'identity_change';
  jid: string;
  jid_alt: string | null;
  timestamp: number;
  implicit: boolean;
}
/** A contact's presence (after `subscribePresence`): online, or last seen. */
export interface PresenceEvent { type: 'presence'; from: string; available: boolean; last_seen: number | null }
/** A contact is typing or recording (`composing`) or stopped (`paused`) in `chat`. */
export interface ChatPresenceEvent {
  type: 'chat_presence';
  chat: string;
  sender: string;
  state: 'composing' | 'paused';
  media: 'audio' | null;
}

/** A change of the account's app state (made on the phone, another companion or here); the
 * store is already updated. Only the fields of its `kind` are present. */
export interface AppStateEvent {
  type: 'app_state';
  collection: 'critical_block' | 'critical_unblock_low' | 'regular_high' | 'regular' | 'regular_low' | string;
  kind:
    | 'contact' | 'push_name' | 'locale' | 'mute' | 'pin' | 'archive' | 'star'
    | 'mark_chat_as_read' | 'delete_chat' | 'clear_chat' | 'delete_message_for_me'
    | 'unarchive_chats_setting' | 'label_edit' | 'label_chat' | 'label_message' | 'other';
  /** When the device that made it made it (unix ms), if it says. */
  timestamp_ms: number | null;
  /** It came with a snapshot rather than as a new patch. */
  full_sync: boolean;
  chat?: string;
  jid?: string;
  full_name?: string | null;
  first_name?: string | null;
  lid?: string | null;
  name?: string;
  locale?: string;
  muted?: boolean;
  /** Unix ms; -1 for ever; null when unmuted. */
  until_ms?: number | null;
  pinned?: boolean;
  archived?: boolean;
  sender?: string | null;
  message_id?: string;
  from_me?: boolean;
  starred?: boolean;
  read?: boolean;
  delete_media?: boolean;
  unarchive_chats?: boolean;
  label_id?: string;
  color?: number;
  deleted?: boolean;
  labeled?: boolean;
  /** For kind 'other': the action's index, not interpreted by this version. */
  index?: string[];
}
/** A collection is up to date. */
export interface AppStateSyncCompleteEvent { type: 'app_state_sync_complete'; collection: string; version: number; full_sync: boolean }
/** A collection could not be synced; never a logout. */
export interface AppStateSyncErrorEvent {
  type: 'app_state_sync_error';
  collection: string;
  reason: string;
  recovery: 'key_requested' | 'snapshot_refetched' | 'gave_up';
}

/** Our privacy settings changed: the settings that changed hold their new value. */
export interface PrivacySettingsEvent {
  type: 'privacy_settings';
  last_seen?: string | null;
  online?: string | null;
  profile?: string | null;
  status?: string | null;
  read_receipts?: string | null;
  group_add?: string | null;
  call_add?: string | null;
  messages?: string | null;
}
/** Our blocklist changed on another device of ours. */
export interface BlocklistEvent {
  type: 'blocklist';
  dhash: string;
  changes: { jid: string; action: 'block' | 'unblock' }[];
}

/** One stored message of a chat in a history sync. */
export interface HistoryMessage {
  id: string;
  from_me: boolean;
  /** The group member who sent it (null in one-to-one chats). */
  participant: string | null;
  /** Unix seconds. */
  timestamp: number | null;
  push_name: string | null;
  /** What it says; null for a system message without content. */
  message: MessageContent | null;
}

/** A chat and its most recent messages, newest first. */
export interface HistoryConversation {
  /** The chat's JID (a user, a group, a LID...). */
  chat: string;
  /** The group subject or the contact's name, when the phone sent one. */
  name: string | null;
  /** Unix seconds of the chat's last activity. */
  timestamp: number | null;
  unread_count: number;
  archived: boolean;
  messages: HistoryMessage[];
}

/** A contact's push name (the name they chose), from a history sync. */
export interface PushName { jid: string; name: string }
/** A phone-number JID (`user@s.whatsapp.net`) and its LID (`user@lid`). */
export interface LidMapping { pn: string; lid: string }

/** A history-sync chunk our phone sent (after linking, then now and then), decoded. */
export interface HistorySyncEvent {
  type: 'history_sync';
  /** 'initial_bootstrap', 'recent', 'full', 'push_name', 'on_demand', ... ('unknown_N'). */
  sync_type: string;
  chunk_order: number | null;
  /** How far the whole sync is, in percent. */
  progress: number | null;
  conversations: HistoryConversation[];
  push_names: PushName[];
  /** Phone-number <-> LID pairs (already saved to the client's LID map). */
  lid_mappings: LidMapping[];
  /** The whole `HistorySync` protobuf, base64. */
  raw: string;
}

/** A group member. */
export interface GroupParticipant {
  jid: string;
  lid: string | null;
  phone_number: string | null;
  is_admin: boolean;
  is_super_admin: boolean;
}

/** A group's metadata and members. */
export interface GroupInfo {
  jid: string;
  name: string;
  name_set_by: string | null;
  name_set_at: number | null;
  topic: string;
  topic_id: string | null;
  topic_set_by: string | null;
  topic_set_at: number | null;
  owner: string | null;
  created: number | null;
  announce: boolean;
  locked: boolean;
  ephemeral_secs: number | null;
  participant_count: number | null;
  participants: GroupParticipant[];
}

/** The outcome of a participant change for one member (`error`: the server's refusal). */
export interface ParticipantUpdate {
  jid: string;
  lid: string | null;
  error: number | null;
}

/** Whether the phone number `query` has a WhatsApp account. */
export interface IsOnWhatsApp {
  query: string;
  jid: string;
  is_in: boolean;
  lid: string | null;
}

/** What the server tells about a user (device 0 is the phone). */
export interface UserInfo {
  status: string;
  picture_id: string | null;
  devices: string[];
  lid: string | null;
}

/** Where to download a profile picture (`kind`: 'image' or 'preview'). */
export interface ProfilePicture {
  url: string;
  id: string;
  kind: string;
  direct_path: string;
}

/** The users we blocked (by LID, or by phone number) and the server's hash of the list. */
export interface Blocklist {
  dhash: string;
  jids: string[];
}

/** A group we are in changed; unchanged fields are null or empty. */
export interface GroupInfoEvent {
  type: 'group_info';
  jid: string;
  sender: string | null;
  notify: string | null;
  timestamp: number;
  name: { name: string; set_by: string | null; set_at: number | null } | null;
  topic: { topic: string; id: string | null; set_by: string | null; set_at: number; deleted: boolean } | null;
  announce: boolean | null;
  locked: boolean | null;
  ephemeral_secs: number | null;
  join: string[];
  join_reason: string | null;
  leave: string[];
  promote: string[];
  demote: string[];
  new_invite_link: string | null;
  deleted: string | null;
  unknown: string[];
}

/** We are in a new group. */
export interface JoinedGroupEvent {
  type: 'joined_group';
  sender: string | null;
  notify: string | null;
  reason: string | null;
  group: GroupInfo;
}

/** Options of sendText. */
export interface SendTextOptions {
  /** Our own message id (default: a new one). */
  id?: string;
  /** A received message to quote. */
  replyTo?: MessageEvent;
  /** JIDs of mentioned users (write them as `@<number>` in the text). */
  mentions?: string[];
}

/** Options of sendImage and sendVideo. */
export interface SendVisualOptions {
  /** Default: 'image/jpeg' for images, 'video/mp4' for videos. */
  mimetype?: string;
  caption?: string;
  /** Our own message id (default: a new one). */
  id?: string;
}

/** Options of sendAudio. */
export interface SendAudioOptions {
  /** Default: 'audio/ogg; codecs=opus'. */
  mimetype?: string;
  /** Shown as a recorded voice message (default true) rather than an audio file. */
  voiceNote?: boolean;
  id?: string;
}

/** Options of sendDocument. */
export interface SendDocumentOptions {
  /** Default: 'application/octet-stream'. */
  mimetype?: string;
  caption?: string;
  id?: string;
}

/** What sendText, sendMessage, sendReaction and the media sends resolve with. */
export interface SendResult {
  id: string;
  /** Server time, unix seconds. */
  timestamp: number;
}

/** The events of `Client`, by name: what `on(name, listener)` gives the listener. */
export interface ClientEvents {
  qr: QrEvent;
  qr_timeout: QrTimeoutEvent;
  pair_success: PairSuccessEvent;
  pair_error: PairErrorEvent;
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  logged_out: LoggedOutEvent;
  stream_replaced: StreamReplacedEvent;
  temporary_ban: TemporaryBanEvent;
  client_outdated: ClientOutdatedEvent;
  connect_failure: ConnectFailureEvent;
  stream_error: StreamErrorEvent;
  offline_sync_completed: OfflineSyncCompletedEvent;
  message: MessageEvent;
  receipt: ReceiptEvent;
  undecryptable_message: UndecryptableMessageEvent;
  identity_change: IdentityChangeEvent;
  presence: PresenceEvent;
  chat_presence: ChatPresenceEvent;
  history_sync: HistorySyncEvent;
  group_info: GroupInfoEvent;
  joined_group: JoinedGroupEvent;
  app_state: AppStateEvent;
  app_state_sync_complete: AppStateSyncCompleteEvent;
  app_state_sync_error: AppStateSyncErrorEvent;
  privacy_settings: PrivacySettingsEvent;
  blocklist: BlocklistEvent;
}

/** Any event (also emitted as 'event'). */
export type WazapEvent = ClientEvents[keyof ClientEvents];

/** The stable `code` values of errors thrown or rejected by this module. */
export declare const ErrorCode: {
  readonly INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE';
  readonly INVALID_ARG: 'ERR_INVALID_ARG';
  readonly CLOSED: 'ERR_CLOSED';
  readonly CONNECTION: 'ERR_CONNECTION';
  readonly PROXY: 'ERR_PROXY';
  readonly STORE: 'ERR_STORE';
  readonly ENCODE: 'ERR_ENCODE';
  readonly NOT_CONNECTED: 'ERR_NOT_CONNECTED';
  readonly ALREADY_CONNECTED: 'ERR_ALREADY_CONNECTED';
  readonly DISCONNECTED: 'ERR_DISCONNECTED';
  readonly TIMEOUT: 'ERR_TIMEOUT';
  readonly SERVER: 'ERR_SERVER';
  readonly BAD_RESPONSE: 'ERR_BAD_RESPONSE';
  readonly NO_DEVICE: 'ERR_NO_DEVICE';
  readonly ALREADY_PAIRED: 'ERR_ALREADY_PAIRED';
  readonly NOT_PAIRED: 'ERR_NOT_PAIRED';
  readonly PAIRING: 'ERR_PAIRING';
  readonly MESSAGE: 'ERR_MESSAGE';
  readonly MEDIA: 'ERR_MEDIA';
  readonly MEDIA_UNREACHABLE: 'ERR_MEDIA_UNREACHABLE';
  readonly PANIC: 'ERR_PANIC';
  readonly WRONG_THREAD: 'ERR_WRONG_THREAD';
  readonly INTERNAL: 'ERR_INTERNAL';
};

/** One of the `ErrorCode` values. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What this module throws: an Error (TypeError for ERR_INVALID_ARG_TYPE) with a code. */
export interface WazapError extends Error {
  /** The stable code of the error (`ErrorCode`). */
  code: ErrorCodeValue;
}

/** A WhatsApp linked device: one account of the store at `storePath`. Promise-returning methods,
 * and an EventEmitter of the core's events (`ClientEvents`, every one also as 'event'). */
export declare class Client extends EventEmitter {
  constructor(options: ClientOptions);

  /** Connects; resolves once the handshake succeeded. Then 'qr' (unpaired) or 'connected'. */
  connect(): Promise<void>;
  /** Closes the connection and stops reconnecting; the pairing is kept. */
  disconnect(): Promise<void>;
  /** Unlinks this device from the account and deletes its keys. */
  logout(): Promise<void>;
  /** Pairing by phone number; resolves with the code (`XXXX-XXXX`) to type on the phone. */
  pairPhone(phone: string, options?: PairPhoneOptions): Promise<string>;
  /** Sets and saves the name shown to contacts. */
  setPushName(name: string): Promise<void>;
  /** Sends a text to a JID (or a bare phone number); resolves once the server acked it. */
  sendText(to: string, text: string, options?: SendTextOptions): Promise<SendResult>;
  /** Sends an encoded `Message` protobuf (the schema of `MessageContent.raw`). */
  sendMessage(to: string, message: Uint8Array, options?: { id?: string }): Promise<SendResult>;
  /** Uploads `data` and sends it as an image. */
  sendImage(to: string, data: Uint8Array, options?: SendVisualOptions): Promise<SendResult>;
  /** Uploads `data` and sends it as a video. */
  sendVideo(to: string, data: Uint8Array, options?: SendVisualOptions): Promise<SendResult>;
  /** Uploads `data` and sends it as audio (a voice note unless `voiceNote: false`). */
  sendAudio(to: string, data: Uint8Array, options?: SendAudioOptions): Promise<SendResult>;
  /** Uploads `data` and sends it as a document named `fileName`. */
  sendDocument(
    to: string,
    data: Uint8Array,
    fileName: string,
    options?: SendDocumentOptions,
  ): Promise<SendResult>;
  /** Uploads a WebP image and sends it as a sticker. */
  sendSticker(to: string, data: Uint8Array, options?: { mimetype?: string; id?: string }): Promise<SendResult>;
  /** The file of a received media message (the event, its `message`, or the raw bytes). */
  download(message: MessageEvent | MessageContent | Uint8Array): Promise<Buffer>;
  /** Sets a group's picture (a JPEG) or removes it (null); resolves with the new id. */
  setGroupPhoto(group: string, jpeg: Uint8Array | null): Promise<string | null>;
  /** Sets our own picture (a square JPEG) or removes it (null). */
  setProfilePicture(jpeg: Uint8Array | null): Promise<string | null>;
  /** Every group we are in, with its members. */
  joinedGroups(): Promise<GroupInfo[]>;
  /** The group's name, topic, settings and members. */
  groupInfo(group: string): Promise<GroupInfo>;
  /** Creates a group with us as its admin and `participants` in it. */
  createGroup(name: string, participants?: string[]): Promise<GroupInfo>;
  /** Renames the group (members get a 'group_info' event). */
  setGroupName(group: string, name: string): Promise<void>;
  /** An empty topic deletes the description. */
  setGroupTopic(group: string, topic: string): Promise<void>;
  /** Whether only admins may send messages. */
  setGroupAnnounce(group: string, announce: boolean): Promise<void>;
  /** Whether only admins may edit the group's info. */
  setGroupLocked(group: string, locked: boolean): Promise<void>;
  /** 'https://chat.whatsapp.com/<code>'; `reset` revokes the old link first. */
  groupInviteLink(group: string, options?: { reset?: boolean }): Promise<string>;
  /** Joins by invite link (or its code); resolves with the group's JID. */
  joinGroupWithLink(link: string): Promise<string>;
  /** Leaves the group. */
  leaveGroup(group: string): Promise<void>;
  /** Adds, removes, promotes or demotes members; one result per participant. */
  updateGroupParticipants(
    group: string,
    participants: string[],
    action: 'add' | 'remove' | 'promote' | 'demote',
  ): Promise<ParticipantUpdate[]>;
  /** Which of the phone numbers have WhatsApp, with their JIDs. */
  isOnWhatsapp(phones: string[]): Promise<IsOnWhatsApp[]>;
  /** By user JID. */
  userInfo(users: string[]): Promise<Record<string, UserInfo>>;
  /** The user's (or group's) picture URL; `preview` for the thumbnail; null if none. */
  profilePicture(user: string, options?: { preview?: boolean }): Promise<ProfilePicture | null>;
  /** The users we blocked. */
  getBlocklist(): Promise<Blocklist>;
  /** Blocks or unblocks a user (a blocked user's messages no longer reach us). */
  updateBlocklist(jid: string, action: 'block' | 'unblock'): Promise<Blocklist>;
  /** A receipt of another kind; `sender` is the author in a group. */
  sendReceipt(
    ids: string[],
    chat: string,
    type: 'read' | 'read-self' | 'played' | 'played-self',
    sender?: string | null,
  ): Promise<void>;
  /** Asks for `jid`'s presence: 'presence' events follow. */
  subscribePresence(jid: string): Promise<void>;
  /** Marks messages of `chat` read; `sender` is their author in a group. */
  markRead(ids: string[], chat: string, sender?: string | null): Promise<void>;
  /** Our own presence (available: online to contacts who subscribed). */
  sendPresence(presence: 'available' | 'unavailable'): Promise<void>;
  /** Typing (or recording audio) in `chat`, or stopped. */
  sendChatPresence(chat: string, state: 'composing' | 'paused', media?: 'text' | 'audio'): Promise<void>;
  /** Reacts to message `id` in `chat` by `sender`; an empty emoji removes the reaction. */
  sendReaction(
    chat: string,
    sender: string,
    id: string,
    emoji: string,
    options?: { fromMe?: boolean },
  ): Promise<SendResult>;
  /** Disconnects and releases the client; the process may then exit. Idempotent. */
  close(): Promise<void>;

  /** The QR code to show now, while the device waits to be paired. */
  readonly qr: string | null;
  /** Whether the connection is up. */
  readonly isConnected: boolean;
  /** Whether the device is logged in (connected and accepted). */
  readonly isLoggedIn: boolean;
  /** Our device JID once paired, else null. */
  readonly jid: string | null;
  /** Our LID once known, else null. */
  readonly lid: string | null;
  /** Whether `close()` was called. */
  readonly closed: boolean;

  /** Listens to event `event` (a `ClientEvents` name, or 'event' for all). */
  on<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  on(event: 'event', listener: (event: WazapEvent) => void): this;
  /** Listens to the next event `event` only. */
  once<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  once(event: 'event', listener: (event: WazapEvent) => void): this;
  /** Removes a listener. */
  off<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  off(event: 'event', listener: (event: WazapEvent) => void): this;
}

/**
 * The pairing QR code `text` (a 'qr' event's `code`) drawn with Unicode half blocks, to print
 * in a terminal for the phone to scan (light modules are the drawn blocks, for the usual light
 * on dark terminal); lines end with '\n'. Throws ERR_INVALID_ARG for a text too long for a QR
 * code.
 */
export declare function qrTerminal(text: string): string;
