//! Webhook delivery: one ordered queue and one worker task per destination (each user's
//! webhook, and the global webhook every user's events also go to). An event is POSTed until
//! the receiver answers 2xx, retrying with exponential backoff; the next event waits for it,
//! so the receiver sees events in order. The session only pushes into the queues (never
//! waits), and each destination has its own worker, so a slow or dead receiver delays nobody
//! else.
//!
//! The body is wuzapi's: by default a form (`application/x-www-form-urlencoded`) whose
//! `jsonData` field is the event's JSON, beside `token` (the user's token, as wuzapi up to its
//! HMAC versions sends it), `userID` and `instanceName` (the user's id and name, as later
//! versions send them); with [`WebhookFormat::Json`] (wuzapi's `WEBHOOK_FORMAT=json`) the
//! event's JSON itself with those three fields added.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::settings::SharedSettings;

/// The signature header (wuzapi's name): hex HMAC-SHA256 of the body under the key.
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
    /// Events waiting per destination beyond which new ones are dropped (a receiver that is
    /// down for long must not exhaust memory).
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

/// How an event travels (wuzapi's `WEBHOOK_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WebhookFormat {
    /// `jsonData=<event JSON>&token=…&userID=…&instanceName=…` (wuzapi's default).
    #[default]
    Form,
    /// The event's JSON object with `token`, `userID` and `instanceName` added.
    Json,
}

impl std::str::FromStr for WebhookFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "form" => Ok(Self::Form),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown webhook format {other:?} (json or form)")),
        }
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

/// One event on its way, and whose it is.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The event in wuzapi's shape (`{"type":…,"event":…}`).
    pub event: Arc<Value>,
    pub user_id: i64,
    pub token: String,
    /// The user's name (wuzapi's `instanceName`).
    pub instance: String,
}

impl Outgoing {
    /// The request's content type and body in `format`.
    pub fn encode(&self, format: WebhookFormat) -> (&'static str, Vec<u8>) {
        let user_id = self.user_id.to_string();
        match format {
            WebhookFormat::Form => {
                let json = self.event.to_string();
                // Sorted by name, as Go's url.Values.Encode writes them.
                let body = form_urlencoded::Serializer::new(String::new())
                    .append_pair("instanceName", &self.instance)
                    .append_pair("jsonData", &json)
                    .append_pair("token", &self.token)
                    .append_pair("userID", &user_id)
                    .finish();
                ("application/x-www-form-urlencoded", body.into_bytes())
            }
            WebhookFormat::Json => {
                let mut event = (*self.event).clone();
                if let Value::Object(map) = &mut event {
                    map.insert("token".into(), Value::from(self.token.clone()));
                    map.insert("userID".into(), Value::from(user_id));
                    map.insert("instanceName".into(), Value::from(self.instance.clone()));
                }
                ("application/json", event.to_string().into_bytes())
            }
        }
    }
}

/// Where a queue delivers: a user's webhook (URL and key as the user's settings say at each
/// attempt, so a corrected URL serves the retries of an event already queued), or a fixed one.
#[derive(Debug, Clone)]
pub enum Destination {
    User(SharedSettings),
    Fixed { url: String, key: String },
}

impl Destination {
    fn current(&self) -> (String, String) {
        match self {
            Destination::User(settings) => {
                let s = settings.read();
                (s.webhook.clone(), s.hmac_key.clone())
            }
            Destination::Fixed { url, key } => (url.clone(), key.clone()),
        }
    }
}

/// A delivery queue. Dropping it ends the worker once it finished the current event.
pub struct WebhookQueue {
    tx: mpsc::UnboundedSender<Outgoing>,
    waiting: Arc<AtomicUsize>,
    limit: usize,
}

impl WebhookQueue {
    /// Starts the worker.
    pub fn start(
        http: reqwest::Client,
        policy: WebhookPolicy,
        format: WebhookFormat,
        destination: Destination,
    ) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
        let waiting = Arc::new(AtomicUsize::new(0));
        let limit = policy.queue_limit;
        let counter = waiting.clone();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let (content_type, body) = event.encode(format);
                deliver(&http, &policy, &destination, content_type, body).await;
                counter.fetch_sub(1, Ordering::SeqCst);
            }
        });
        Self { tx, waiting, limit }
    }

    /// Queues one event; false if the queue is full (the event is dropped).
    pub fn push(&self, event: Outgoing) -> bool {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!("webhook queue full: event dropped");
            return false;
        }
        if self.tx.send(event).is_err() {
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
    destination: &Destination,
    content_type: &'static str,
    body: Vec<u8>,
) {
    for attempt in 1..=policy.max_attempts {
        let (url, key) = destination.current();
        if url.is_empty() {
            tracing::debug!("webhook removed: event dropped");
            return;
        }
        let mut request = http
            .post(&url)
            .timeout(policy.request_timeout)
            .header("content-type", content_type)
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
    use serde_json::json;

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

    fn outgoing() -> Outgoing {
        Outgoing {
            event: Arc::new(json!({"type":"Message","event":{"Info":{"ID":"A&B c"}}})),
            user_id: 7,
            token: "tok en".into(),
            instance: "me".into(),
        }
    }

    #[test]
    fn the_form_carries_the_event_as_json_data_beside_the_token() {
        let (kind, body) = outgoing().encode(WebhookFormat::Form);
        assert_eq!(kind, "application/x-www-form-urlencoded");
        let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["instanceName", "jsonData", "token", "userID"]);
        let json: Value = serde_json::from_str(&fields[1].1).unwrap();
        assert_eq!(json["event"]["Info"]["ID"], "A&B c");
        assert_eq!((fields[2].1.as_str(), fields[3].1.as_str()), ("tok en", "7"));
    }

    #[test]
    fn the_json_format_adds_the_fields_to_the_event() {
        let (kind, body) = outgoing().encode(WebhookFormat::Json);
        assert_eq!(kind, "application/json");
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["type"], "Message");
        assert_eq!(
            (&json["token"], &json["userID"], &json["instanceName"]),
            (&json!("tok en"), &json!("7"), &json!("me"))
        );
        assert_eq!("json".parse::<WebhookFormat>(), Ok(WebhookFormat::Json));
        assert_eq!("".parse::<WebhookFormat>(), Ok(WebhookFormat::Form));
        assert!("xml".parse::<WebhookFormat>().is_err());
    }
}
