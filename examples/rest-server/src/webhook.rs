//! Webhook delivery: one ordered queue and one worker task per user. An event is POSTed as JSON
//! until the receiver answers 2xx, retrying with exponential backoff; the next event waits for
//! it, so the receiver sees events in order. The session only pushes into the queue (never
//! waits), and each user has their own worker, so a slow or dead receiver delays nobody else.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::settings::SharedSettings;

/// The signature header (wuzapi's name): hex HMAC-SHA256 of the body under the user's key.
pub const SIGNATURE_HEADER: &str = "x-hmac-signature";

/// How deliveries are retried.
#[derive(Debug, Clone)]
pub struct WebhookPolicy {
    /// The wait after the first failure; doubled after each further failure.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Attempts per event before it is dropped (with a warning).
    pub max_attempts: u32,
    /// Bound on one POST.
    pub request_timeout: Duration,
    /// Events waiting per user beyond which new ones are dropped (a receiver that is down for
    /// long must not exhaust memory).
    pub queue_limit: usize,
}

impl Default for WebhookPolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_attempts: 10,
            request_timeout: Duration::from_secs(10),
            queue_limit: 10_000,
        }
    }
}

impl WebhookPolicy {
    /// The wait before retry number `failures` (1 after the first failure).
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures.saturating_sub(1)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Hex HMAC-SHA256 of `body` under `key`.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        // HMAC accepts keys of any length; this branch cannot be taken.
        return String::new();
    };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A user's delivery queue. Dropping it ends the worker once it finished the current event.
pub struct WebhookQueue {
    tx: mpsc::UnboundedSender<Vec<u8>>,
    waiting: Arc<AtomicUsize>,
    limit: usize,
}

impl WebhookQueue {
    /// Starts the worker; it reads the URL and the key from `settings` at each attempt, so a
    /// corrected URL is used by the retries of an event already queued.
    pub fn start(http: reqwest::Client, policy: WebhookPolicy, settings: SharedSettings) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let waiting = Arc::new(AtomicUsize::new(0));
        let limit = policy.queue_limit;
        let counter = waiting.clone();
        tokio::spawn(async move {
            while let Some(body) = rx.recv().await {
                deliver(&http, &policy, &settings, body).await;
                counter.fetch_sub(1, Ordering::SeqCst);
            }
        });
        Self { tx, waiting, limit }
    }

    /// Queues one event body; false if the queue is full (the event is dropped).
    pub fn push(&self, body: Vec<u8>) -> bool {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!("webhook queue full: event dropped");
            return false;
        }
        if self.tx.send(body).is_err() {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return false;
        }
        true
    }

    /// Events queued or being delivered.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

async fn deliver(
    http: &reqwest::Client,
    policy: &WebhookPolicy,
    settings: &SharedSettings,
    body: Vec<u8>,
) {
    for attempt in 1..=policy.max_attempts {
        let (url, key) = {
            let s = settings.read();
            (s.webhook.clone(), s.hmac_key.clone())
        };
        if url.is_empty() {
            tracing::debug!("webhook removed: event dropped");
            return;
        }
        let mut request = http
            .post(&url)
            .timeout(policy.request_timeout)
            .header("content-type", "application/json")
            .body(body.clone());
        if !key.is_empty() {
            request = request.header(SIGNATURE_HEADER, signature(key.as_bytes(), &body));
        }
        let failure = match request.send().await {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => format!("status {}", response.status()),
            Err(e) => e.to_string(),
        };
        if attempt == policy.max_attempts {
            tracing::warn!(%url, %failure, attempts = attempt, "webhook delivery gave up");
            return;
        }
        let delay = policy.delay(attempt);
        tracing::info!(%url, %failure, attempt, ?delay, "webhook delivery failed; retrying");
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = WebhookPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            ..WebhookPolicy::default()
        };
        let delays: Vec<u128> = (1..=5).map(|n| p.delay(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 700, 700]);
        assert_eq!(p.delay(200), Duration::from_millis(700));
    }

    #[test]
    fn signature_is_rfc4231_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
