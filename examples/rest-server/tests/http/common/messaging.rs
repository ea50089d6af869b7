//! Helpers of the messaging tests: a webhook collector, pairing a user, sandbox accounts, a
//! simulated contact's inbox, and API calls that must succeed.
use serde_json::{json, Value};

use super::{bounded, Env, Receiver};

/// The webhook bodies received so far, and a way to wait for one.
pub struct Hook {
    pub receiver: Receiver,
    pub seen: Vec<Value>,
}

impl Hook {
    pub async fn start() -> Self {
        Self { receiver: Receiver::start(0).await, seen: Vec::new() }
    }

    /// The first body (already seen or yet to come) that `pred` accepts.
    pub async fn find(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.seen.iter().find(|b| pred(b)) {
            return found.clone();
        }
        loop {
            let body = self
                .receiver
                .next_within(super::WAIT)
                .await
                .unwrap_or_else(|| panic!("no webhook {what}; got {:#?}", self.seen))
                .body;
            self.seen.push(body.clone());
            if pred(&body) {
                return body;
            }
        }
    }

    /// The `Message` webhook of message `id`.
    pub async fn message(&mut self, id: &str) -> Value {
        self.find(&format!("Message {id}"), |b| {
            b["type"] == "Message" && b["event"]["Info"]["ID"] == id
        })
        .await
    }

    /// The `ReadReceipt` webhook in `state` covering message `id`.
    pub async fn receipt(&mut self, state: &str, id: &str) -> Value {
        self.find(&format!("{state} receipt of {id}"), |b| {
            b["type"] == "ReadReceipt"
                && b["state"] == state
                && b["event"]["MessageIDs"]
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(|i| i == id))
        })
        .await
    }
}

/// Pairs `token`'s session with `number` and waits for its `Connected` webhook: the post-login
/// set-up (prekey upload) is done, not only the login.
pub async fn pair(env: &Env, hook: &mut Hook, token: &str, number: &str) {
    env.pair(token, number).await;
    hook.find(&format!("Connected of {token}"), |b| b["type"] == "Connected").await;
}

/// A sandbox account with a push name; `echo` answers every text.
pub async fn phone(env: &Env, number: &str, name: &str, echo: bool) {
    let body = json!({ "phone": number, "push_name": name, "echo": echo });
    let (status, value) = env.control("POST", "/control/accounts", body).await;
    assert_eq!(status, 201, "{value}");
}

/// The inbox entry of `contact` that `pred` accepts, waiting for it.
pub async fn inbox_entry(env: &Env, contact: &str, pred: impl Fn(&Value) -> bool) -> Value {
    bounded(async {
        loop {
            let (status, inbox) =
                env.control("GET", &format!("/control/inbox?phone={contact}"), Value::Null).await;
            assert_eq!(status, 200, "{inbox}");
            if let Some(entry) = inbox.as_array().and_then(|a| a.iter().find(|e| pred(e))) {
                return entry.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    })
    .await
}

pub async fn post(env: &Env, token: &str, path: &str, body: Value) -> Value {
    let (status, value) = env.api.user("POST", path, token, Some(&body.to_string())).await;
    assert_eq!(status, 200, "{path}: {value}");
    assert_eq!(value["success"], true, "{value}");
    value["data"].clone()
}
