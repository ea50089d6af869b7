//! The event type names a user subscribes to (wuzapi's names), parsed from a list or from
//! wuzapi's comma-separated string (`"Message,ReadReceipt"`).
use serde::Deserialize;

use crate::envelope::ApiError;

/// Every type name accepted in `events`/`Subscribe`; `All` subscribes to everything.
pub const KNOWN: &[&str] = &[
    "All",
    "Message",
    "ReadReceipt",
    "Presence",
    "ChatPresence",
    "HistorySync",
    "GroupInfo",
    "JoinedGroup",
    "QR",
    "QRTimeout",
    "PairSuccess",
    "PairError",
    "Connected",
    "Disconnected",
    "LoggedOut",
    "StreamReplaced",
    "TemporaryBan",
    "ClientOutdated",
    "ConnectFailure",
    "StreamError",
    "OfflineSyncCompleted",
    "PrivacySettings",
    "Blocklist",
];

/// `events` as sent: a list or a comma-separated string.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum EventList {
    List(Vec<String>),
    Text(String),
}

impl EventList {
    /// The validated names in their canonical spelling, without duplicates.
    pub fn parse(&self) -> Result<Vec<String>, ApiError> {
        let raw: Vec<&str> = match self {
            EventList::List(items) => items.iter().map(String::as_str).collect(),
            EventList::Text(text) => text.split(',').collect(),
        };
        let mut out: Vec<String> = Vec::new();
        for name in raw.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
            let canonical =
                KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "unknown event type {name:?}; known types: {}",
                        KNOWN.join(", ")
                    ))
                })?;
            if !out.iter().any(|o| o == canonical) {
                out.push((*canonical).to_owned());
            }
        }
        Ok(out)
    }
}

/// Whether a user subscribed to `events` receives events of type `kind`. wuzapi treats an
/// empty subscription as "All".
pub fn subscribed(events: &[String], kind: &str) -> bool {
    events.is_empty() || events.iter().any(|e| e == "All" || e == kind)
}

/// Stored form: comma-separated.
pub fn join(events: &[String]) -> String {
    events.join(",")
}

pub fn split(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_parse_to_canonical_names() {
        let text = EventList::Text("message, readreceipt,Message".into()).parse().unwrap();
        assert_eq!(text, ["Message", "ReadReceipt"]);
        let list = EventList::List(vec!["QR".into(), "connected".into()]).parse().unwrap();
        assert_eq!(list, ["QR", "Connected"]);
        let chat = EventList::Text("HistorySync,ChatPresence,Presence".into()).parse().unwrap();
        assert_eq!(chat, ["HistorySync", "ChatPresence", "Presence"]);
        let err = EventList::Text("Message,Nope".into()).parse().unwrap_err();
        assert!(err.message.contains("\"Nope\""));
    }

    #[test]
    fn empty_means_all() {
        assert!(subscribed(&[], "QR"));
        assert!(subscribed(&["All".into()], "QR"));
        assert!(!subscribed(&["Message".into()], "QR"));
        assert_eq!(split(&join(&["A".into(), "B".into()])), ["A", "B"]);
    }
}
