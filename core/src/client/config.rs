//! [`ClientConfig`]: where to connect, whom to trust, how we present ourselves to the phone,
//! and the protocol timings (real defaults; tests shorten them).
use std::time::Duration;

use crate::crypto::PublicKey;
use crate::pair::qr::{FIRST_QR_TIMEOUT, NEXT_QR_TIMEOUT};
use crate::payload::WebVersion;
use crate::proto::device_props::PlatformType;
use crate::socket::Proxy;
use crate::socket::{
    DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_ORIGIN, DEFAULT_ROOT_KEY, DEFAULT_URL, DICT_VERSION,
};

/// Keepalive cadence (whatsmeow: a ping every 20–30 s, answered within 10 s, reconnect after
/// 3 minutes without an answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepaliveConfig {
    pub interval_min: Duration,
    pub interval_max: Duration,
    /// How long one ping may go unanswered.
    pub response_timeout: Duration,
    /// After this long without any answered ping, the connection is dropped and re-made.
    pub max_fail_time: Duration,
}

impl Default for KeepaliveConfig {
    fn default() -> Self {
        Self {
            interval_min: Duration::from_secs(20),
            interval_max: Duration::from_secs(30),
            response_timeout: Duration::from_secs(10),
            max_fail_time: Duration::from_secs(180),
        }
    }
}

/// Automatic reconnection: the n-th consecutive attempt waits `base_delay · 2ⁿ` (at most
/// `max_delay`), scaled by a random factor in [0.5, 1) so many clients do not reconnect in step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconnectConfig {
    pub enabled: bool,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for ReconnectConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// One-time prekey batches (whatsmeow: refill below 5; the first upload is the browser's 812,
/// later refills 50).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreKeyConfig {
    pub min_count: u32,
    pub initial_batch: u32,
    pub refill_batch: u32,
}

impl Default for PreKeyConfig {
    fn default() -> Self {
        Self { min_count: 5, initial_batch: 812, refill_batch: 50 }
    }
}

/// Everything a [`super::Client`] needs besides its store. `Default` is the real service.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The websocket URL (`ws://127.0.0.1:port/ws/chat` for a local sandbox). Media hosts are
    /// reached over HTTPS, or over plain HTTP when this URL is plain `ws://` (a local sandbox
    /// serves both from one loopback port without TLS).
    pub url: String,
    /// The `Origin` header of the websocket upgrade.
    pub origin: String,
    /// Reach the server through this proxy (`"socks5://host:port".parse()?`); `None` connects
    /// directly.
    pub proxy: Option<Proxy>,
    /// The root key the server's certificate chain must lead to.
    pub trusted_root: PublicKey,
    /// The WhatsApp Web version we claim; the server answers failure 405 when it is too old.
    pub version: WebVersion,
    /// The name shown on the phone in "Linked devices".
    pub device_name: String,
    /// The platform (browser icon) shown on the phone; also the QR code's client type.
    pub platform: PlatformType,
    pub language: String,
    pub country: String,
    /// The token dictionary version announced in the connection header.
    pub dict_version: u8,
    /// Bound on the TCP + TLS + websocket set-up.
    pub connect_timeout: Duration,
    /// Bound on waiting for the server hello.
    pub handshake_timeout: Duration,
    /// Default bound on an iq round trip.
    pub iq_timeout: Duration,
    /// How long the first QR code is shown, and each later one.
    pub qr_first_timeout: Duration,
    pub qr_next_timeout: Duration,
    pub keepalive: KeepaliveConfig,
    pub reconnect: ReconnectConfig,
    pub pre_keys: PreKeyConfig,
    /// Download the history-sync blobs our phone announces and emit `HistorySync` events
    /// (whatsmeow does the same unless `ManualHistorySyncDownload` is set). When off, call
    /// [`super::Client::download_history_sync`] with the notification yourself.
    pub download_history: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            url: DEFAULT_URL.to_owned(),
            origin: DEFAULT_ORIGIN.to_owned(),
            proxy: None,
            trusted_root: DEFAULT_ROOT_KEY,
            version: WebVersion::CURRENT,
            device_name: "wazap".to_owned(),
            platform: PlatformType::Chrome,
            language: "en".to_owned(),
            country: "US".to_owned(),
            dict_version: DICT_VERSION,
            connect_timeout: Duration::from_secs(20),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            iq_timeout: Duration::from_secs(75),
            qr_first_timeout: FIRST_QR_TIMEOUT,
            qr_next_timeout: NEXT_QR_TIMEOUT,
            keepalive: KeepaliveConfig::default(),
            reconnect: ReconnectConfig::default(),
            pre_keys: PreKeyConfig::default(),
            download_history: true,
        }
    }
}

impl ClientConfig {
    /// `https`, or `http` when the websocket URL is plain `ws://` (see [`ClientConfig::url`]).
    pub fn media_scheme(&self) -> &'static str {
        if self.url.starts_with("ws://") {
            "http"
        } else {
            "https"
        }
    }

    /// How long the QR code with this index stays valid.
    pub fn qr_timeout(&self, index: usize) -> Duration {
        if index == 0 {
            self.qr_first_timeout
        } else {
            self.qr_next_timeout
        }
    }
}
