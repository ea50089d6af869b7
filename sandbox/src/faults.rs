//! Fault injection (a contract: keep these names). A [`FaultSpec`] says what the server does to
//! every connection from the moment it is set: drop each connection every `drop_every_ms`, hold
//! every frame back `delay_ms` more, fail a share of handshakes (`handshake_fail_ratio`), send a
//! stream error once (`stream_error`), answer a share of media requests with a 503
//! (`media_5xx_ratio`), and write a share of delivered stanzas twice
//! (`duplicate_delivery_ratio`). Set by `POST /control/faults` or `--faults JSON`, stopped by
//! `DELETE /control/faults`, shown with what was injected by `GET /control/faults`.
//!
//! Deterministic from `seed`: the k-th handshake, the k-th delivery and the k-th media request
//! since the faults were set each get a draw that depends on the seed and k only, so a run that
//! makes the same requests in the same order meets the same faults.
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use wazap::binary::Node;

use crate::handlers::stanza;

/// The stream error sent once (`"515"`, `"conflict"`, `"401"`, `"503"` or `"none"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamErrorFault {
    /// `<stream:error code="515"/>`: the client should reconnect at once.
    #[serde(rename = "515")]
    Restart,
    /// `<stream:error><conflict type="replaced"/>`: another connection took over.
    #[serde(rename = "conflict")]
    Conflict,
    /// `<stream:error code="401"><conflict type="device_removed"/>`: logged out.
    #[serde(rename = "401")]
    LoggedOut,
    /// `<stream:error code="503"/>`: the service is unavailable for a moment.
    #[serde(rename = "503")]
    Unavailable,
    #[default]
    #[serde(rename = "none")]
    None,
}

impl StreamErrorFault {
    /// The stanza the server sends (`None` for [`StreamErrorFault::None`]).
    pub fn node(self) -> Option<Node> {
        Some(match self {
            Self::Restart => stanza::stream_error_code(515),
            Self::Conflict => stanza::stream_error_replaced(),
            Self::LoggedOut => stanza::stream_error_device_removed(),
            Self::Unavailable => stanza::stream_error_code(503),
            Self::None => return None,
        })
    }
}

/// What the server does to connections (every field defaults to "nothing").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultSpec {
    /// Drop each connection this many ms after it started (or after the faults were set),
    /// abruptly: what it had not written is lost. 0: never.
    pub drop_every_ms: u64,
    /// Extra delay of every frame sent to a client, ms (on top of the configured latency).
    pub delay_ms: u64,
    /// Share (0 to 1) of handshakes that fail: the websocket closes before the server hello.
    pub handshake_fail_ratio: f64,
    /// Sent once, to the first logged-in connection.
    pub stream_error: StreamErrorFault,
    /// Share (0 to 1) of media uploads and downloads answered `503 Service Unavailable`.
    pub media_5xx_ratio: f64,
    /// Share (0 to 1) of delivered stanzas (messages, receipts, notifications) written twice.
    pub duplicate_delivery_ratio: f64,
    /// Seeds the draws.
    pub seed: u64,
}

impl FaultSpec {
    /// Checks the ratios; the error says which field is wrong.
    pub fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("handshake_fail_ratio", self.handshake_fail_ratio),
            ("media_5xx_ratio", self.media_5xx_ratio),
            ("duplicate_delivery_ratio", self.duplicate_delivery_ratio),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("{name} must be between 0 and 1, not {value}"));
            }
        }
        Ok(())
    }

    /// Whether it injects anything.
    pub fn is_active(&self) -> bool {
        *self != FaultSpec { seed: self.seed, ..FaultSpec::default() }
    }
}

/// What was injected since the faults were last set (`GET /control/faults` `injected`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Injected {
    pub connections_dropped: u64,
    pub frames_delayed: u64,
    pub handshakes_failed: u64,
    pub stream_errors_sent: u64,
    pub media_requests_failed: u64,
    pub stanzas_duplicated: u64,
}

/// What the server saw of the clients' recovery meanwhile (`GET /control/faults` `observed`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// Connections that logged in.
    pub logins: u64,
    /// `<receipt type="retry">` relayed (a device could not decrypt and asked again).
    pub retry_receipts: u64,
    /// Messages routed again with an id the server had already routed from the same device (a
    /// client sending again after a lost ack, or answering a retry receipt).
    pub messages_resent: u64,
}

/// `GET /control/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultsView {
    pub active: bool,
    pub faults: FaultSpec,
    pub injected: Injected,
    pub observed: Observed,
}

#[derive(Default)]
struct Counter(AtomicU64);

impl Counter {
    fn bump(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn reset(&self) {
        self.0.store(0, Ordering::Relaxed)
    }
}

/// The draws: which handshake, delivery and media request is next.
#[derive(Default)]
struct Draws {
    handshakes: Counter,
    deliveries: Counter,
    media: Counter,
}

#[derive(Default)]
struct Counters {
    connections_dropped: Counter,
    frames_delayed: Counter,
    handshakes_failed: Counter,
    stream_errors_sent: Counter,
    media_requests_failed: Counter,
    stanzas_duplicated: Counter,
    logins: Counter,
    retry_receipts: Counter,
    messages_resent: Counter,
}

impl Counters {
    fn all(&self) -> [&Counter; 9] {
        [
            &self.connections_dropped,
            &self.frames_delayed,
            &self.handshakes_failed,
            &self.stream_errors_sent,
            &self.media_requests_failed,
            &self.stanzas_duplicated,
            &self.logins,
            &self.retry_receipts,
            &self.messages_resent,
        ]
    }
}

/// The faults in force and their counters; shared by every connection.
pub struct Faults {
    spec: watch::Sender<FaultSpec>,
    /// The stream error not sent yet.
    pending_stream_error: Mutex<StreamErrorFault>,
    draws: Draws,
    counters: Counters,
    /// Recently routed messages by sender device and id, to count the ones sent again.
    routed: Mutex<(HashSet<String>, VecDeque<String>)>,
}

/// Routed message ids remembered for [`Observed::messages_resent`].
const ROUTED_WINDOW: usize = 100_000;

/// Kinds of draw, so that each has its own sequence.
const HANDSHAKE: u64 = 1;
const DELIVERY: u64 = 2;
const MEDIA: u64 = 3;

/// A uniform draw in [0, 1) from (seed, kind, n) (SplitMix64's finaliser).
fn draw(seed: u64, kind: u64, n: u64) -> f64 {
    let mut z = seed
        .wrapping_add(kind.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(n.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    pub fn new(spec: FaultSpec) -> Self {
        let faults = Self {
            spec: watch::channel(FaultSpec::default()).0,
            pending_stream_error: Mutex::new(StreamErrorFault::None),
            draws: Draws::default(),
            counters: Counters::default(),
            routed: Mutex::default(),
        };
        faults.set(spec);
        faults
    }

    /// Puts `spec` in force from now on; the counters and draws start again.
    pub fn set(&self, spec: FaultSpec) {
        for counter in self.counters.all() {
            counter.reset();
        }
        for counter in [&self.draws.handshakes, &self.draws.deliveries, &self.draws.media] {
            counter.reset();
        }
        *self.pending_stream_error.lock().unwrap_or_else(|p| p.into_inner()) = spec.stream_error;
        if spec.is_active() {
            tracing::info!(?spec, "faults set");
        }
        self.spec.send_replace(spec);
    }

    /// Stops injecting (the counters stay readable).
    pub fn clear(&self) {
        *self.pending_stream_error.lock().unwrap_or_else(|p| p.into_inner()) =
            StreamErrorFault::None;
        self.spec.send_replace(FaultSpec::default());
        tracing::info!("faults cleared");
    }

    pub fn spec(&self) -> FaultSpec {
        self.spec.borrow().clone()
    }

    /// Changes whenever the faults are set or cleared.
    pub fn subscribe(&self) -> watch::Receiver<FaultSpec> {
        self.spec.subscribe()
    }

    pub fn view(&self) -> FaultsView {
        let c = &self.counters;
        let spec = self.spec();
        FaultsView {
            active: spec.is_active(),
            faults: spec,
            injected: Injected {
                connections_dropped: c.connections_dropped.get(),
                frames_delayed: c.frames_delayed.get(),
                handshakes_failed: c.handshakes_failed.get(),
                stream_errors_sent: c.stream_errors_sent.get(),
                media_requests_failed: c.media_requests_failed.get(),
                stanzas_duplicated: c.stanzas_duplicated.get(),
            },
            observed: Observed {
                logins: c.logins.get(),
                retry_receipts: c.retry_receipts.get(),
                messages_resent: c.messages_resent.get(),
            },
        }
    }

    fn roll(&self, kind: u64, ratio: f64, sequence: &Counter) -> bool {
        if ratio <= 0.0 {
            return false;
        }
        let seed = self.spec.borrow().seed;
        draw(seed, kind, sequence.bump()) < ratio
    }

    /// Whether this new connection's handshake fails (counted).
    pub fn fail_handshake(&self) -> bool {
        let ratio = self.spec.borrow().handshake_fail_ratio;
        let fail = self.roll(HANDSHAKE, ratio, &self.draws.handshakes);
        if fail {
            self.counters.handshakes_failed.bump();
        }
        fail
    }

    /// Whether this delivered stanza is written twice (counted).
    pub fn duplicate_delivery(&self) -> bool {
        let ratio = self.spec.borrow().duplicate_delivery_ratio;
        let twice = self.roll(DELIVERY, ratio, &self.draws.deliveries);
        if twice {
            self.counters.stanzas_duplicated.bump();
        }
        twice
    }

    /// Whether this media request is answered with a 503 (counted).
    pub fn fail_media(&self) -> bool {
        let ratio = self.spec.borrow().media_5xx_ratio;
        let fail = self.roll(MEDIA, ratio, &self.draws.media);
        if fail {
            self.counters.media_requests_failed.bump();
        }
        fail
    }

    /// The extra delay of a frame (counted when there is one).
    pub fn frame_delay(&self) -> std::time::Duration {
        let ms = self.spec.borrow().delay_ms;
        if ms > 0 {
            self.counters.frames_delayed.bump();
        }
        std::time::Duration::from_millis(ms)
    }

    /// After how long a connection is dropped (`None`: never).
    pub fn drop_after(&self) -> Option<std::time::Duration> {
        let ms = self.spec.borrow().drop_every_ms;
        (ms > 0).then(|| std::time::Duration::from_millis(ms))
    }

    pub fn count_drop(&self) {
        self.counters.connections_dropped.bump();
    }

    /// The stream error to send now, if one is still due (taken: it is sent once).
    pub fn take_stream_error(&self) -> Option<Node> {
        let mut pending = self.pending_stream_error.lock().unwrap_or_else(|p| p.into_inner());
        let node = std::mem::take(&mut *pending).node()?;
        self.counters.stream_errors_sent.bump();
        Some(node)
    }

    pub fn count_login(&self) {
        self.counters.logins.bump();
    }

    pub fn count_retry_receipt(&self) {
        self.counters.retry_receipts.bump();
    }

    /// A message `id` from `sender` (a device) is being routed: counted as resent when it was
    /// routed before.
    pub fn note_routed(&self, sender: &str, id: &str) {
        let key = format!("{sender}/{id}");
        let mut guard = self.routed.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(key.clone()) {
            self.counters.messages_resent.bump();
            return;
        }
        order.push_back(key);
        while order.len() > ROUTED_WINDOW {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_on_the_seed_and_the_sequence_only() {
        let a: Vec<f64> = (0..100).map(|n| draw(7, DELIVERY, n)).collect();
        let b: Vec<f64> = (0..100).map(|n| draw(7, DELIVERY, n)).collect();
        let c: Vec<f64> = (0..100).map(|n| draw(8, DELIVERY, n)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
        // Roughly uniform: a fifth of 10,000 draws fall under 0.2.
        let under = (0..10_000).filter(|n| draw(1, MEDIA, *n) < 0.2).count();
        assert!((1_700..2_300).contains(&under), "{under}");
    }

    #[test]
    fn the_same_seed_duplicates_the_same_deliveries() {
        let spec = FaultSpec { duplicate_delivery_ratio: 0.3, seed: 42, ..Default::default() };
        let run = || {
            let faults = Faults::new(spec.clone());
            (0..200).map(|_| faults.duplicate_delivery()).collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let faults = Faults::new(spec);
        let count = (0..200).filter(|_| faults.duplicate_delivery()).count() as u64;
        assert_eq!(faults.view().injected.stanzas_duplicated, count);
        assert!(count > 30 && count < 90, "{count}");
    }

    #[test]
    fn the_stream_error_is_sent_once_and_names_parse() {
        let spec: FaultSpec =
            serde_json::from_str(r#"{"stream_error":"conflict","seed":3}"#).unwrap();
        assert!(spec.is_active());
        let faults = Faults::new(spec);
        let node = faults.take_stream_error().expect("due");
        assert!(node.child_by_tag("conflict").is_some(), "{node}");
        assert!(faults.take_stream_error().is_none());
        assert_eq!(faults.view().injected.stream_errors_sent, 1);
        for (text, kind) in [
            ("515", StreamErrorFault::Restart),
            ("401", StreamErrorFault::LoggedOut),
            ("503", StreamErrorFault::Unavailable),
            ("none", StreamErrorFault::None),
        ] {
            let spec: FaultSpec =
                serde_json::from_str(&format!(r#"{{"stream_error":"{text}"}}"#)).unwrap();
            assert_eq!(spec.stream_error, kind);
        }
        assert!(serde_json::from_str::<FaultSpec>(r#"{"stream_error":"500"}"#).is_err());
        assert!(serde_json::from_str::<FaultSpec>(r#"{"drop_every":5}"#).is_err());
        let bad = FaultSpec { media_5xx_ratio: 1.5, ..Default::default() };
        assert!(bad.validate().unwrap_err().contains("media_5xx_ratio"));
        assert!(!FaultSpec { seed: 9, ..Default::default() }.is_active());
    }
}
