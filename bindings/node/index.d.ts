// Type declarations of wazap for Node.js (hand-written; test/types.test.js checks that every
// runtime export, method and getter is declared here and vice versa).
import { EventEmitter } from 'node:events';

/** Options of `new Client(options)`. Unknown keys are refused (ERR_INVALID_ARG). */
export interface ClientOptions {
  /** SQLite file holding the device keys (created if missing), or ':memory:'. */
  storePath: string;
  /** Account name inside the store file (one file can hold many devices). Default 'default'. */
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
  reconnect?: { enabled?: boolean; baseDelayMs?: number; maxDelayMs?: number };
  preKeys?: { minCount?: number; initialBatch?: number; refillBatch?: number };
}

export type CompanionClientType =
  | 'chrome' | 'edge' | 'firefox' | 'ie' | 'opera' | 'safari' | 'electron' | 'uwp'
  | 'other' | 'macos' | 'android' | 'unknown';

export interface PairPhoneOptions {
  /** Default true. */
  showPushNotification?: boolean;
  /** Default 'chrome'. */
  clientType?: CompanionClientType;
  /** Default 'Chrome (Linux)'. */
  displayName?: string;
}

/** Events: the core's JSON events, named by their `type` (snake_case, as in C and Python). */
export interface QrEvent { type: 'qr'; code: string; timeout_ms: number }
export interface QrTimeoutEvent { type: 'qr_timeout' }
export interface PairSuccessEvent {
  type: 'pair_success';
  jid: string;
  lid: string | null;
  platform: string;
  business_name: string;
}
export interface PairErrorEvent { type: 'pair_error'; reason: string }
export interface ConnectedEvent { type: 'connected' }
export interface DisconnectedEvent { type: 'disconnected'; reason: string }
export interface LoggedOutEvent { type: 'logged_out'; reason: string; on_connect: boolean }
export interface StreamReplacedEvent { type: 'stream_replaced' }
export interface TemporaryBanEvent { type: 'temporary_ban'; code: number; expire_secs: number }
export interface ClientOutdatedEvent { type: 'client_outdated' }
export interface ConnectFailureEvent { type: 'connect_failure'; reason: number; message: string }
export interface StreamErrorEvent { type: 'stream_error'; code: string }
export interface OfflineSyncCompletedEvent { type: 'offline_sync_completed'; count: number }

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
  readonly INTERNAL: 'ERR_INTERNAL';
};

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What this module throws: an Error (TypeError for ERR_INVALID_ARG_TYPE) with a code. */
export interface WazapError extends Error {
  code: ErrorCodeValue;
}

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
  /** Disconnects and releases the client; the process may then exit. Idempotent. */
  close(): Promise<void>;

  readonly isConnected: boolean;
  readonly isLoggedIn: boolean;
  readonly jid: string | null;
  readonly lid: string | null;
  readonly closed: boolean;

  on<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  on(event: 'event', listener: (event: WazapEvent) => void): this;
  once<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  once(event: 'event', listener: (event: WazapEvent) => void): this;
  off<K extends keyof ClientEvents>(event: K, listener: (event: ClientEvents[K]) => void): this;
  off(event: 'event', listener: (event: WazapEvent) => void): this;
}
