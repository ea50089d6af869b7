//! wazap events in wuzapi's webhook shape: `{"type": <wuzapi type>, "event": {...}}` with the
//! event's fields named as whatsmeow names them (wuzapi forwards whatsmeow's structs), plus
//! the extras wuzapi adds (`qrCodeBase64` for QR codes, `state` for receipts and presences).
//! Messages and history syncs have their own modules ([`crate::wuz_messages`],
//! [`crate::history_json`]).
use serde_json::{json, Value};
use wazap::binary::Jid;
use wazap::types::{ChatStateMedia, ReceiptType};
use wazap::Event;

use crate::group_json;
use crate::history_json;
use crate::qr;
use crate::timefmt::{now_unix, rfc3339};
use crate::wuz_messages;

/// Go's zero `time.Time` as `encoding/json` writes it (whatsmeow leaves unknown times zero).
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// The wuzapi type name and the webhook body of `event`; `None` for events wuzapi does not
/// forward. `own` are the session's own JIDs, by phone number and LID (they decide `IsFromMe` of receipts and chat states).
pub fn to_webhook(event: &Event, own: &[Jid]) -> Option<(&'static str, Value)> {
    let (kind, body) = match event {
        // wuzapi posts the QR channel's event name ("code", "timeout") as `event`, the code as
        // a PNG; `code` (the raw string, for pairing without decoding the image) and
        // `timeout` (ms) are wazap's additions.
        Event::Qr { code, timeout_ms } => {
            let image = qr::data_url(code).unwrap_or_default();
            (
                "QR",
                json!({
                    "type": "QR",
                    "event": "code",
                    "qrCodeBase64": image,
                    "code": code,
                    "timeout": timeout_ms,
                }),
            )
        }
        Event::QrTimeout => ("QRTimeout", json!({ "type": "QRTimeout", "event": "timeout" })),
        Event::PairSuccess { jid, lid, platform, business_name } => (
            "PairSuccess",
            json!({
                "type": "PairSuccess",
                "event": {
                    "ID": jid.to_string(),
                    "LID": lid.as_ref().map(ToString::to_string).unwrap_or_default(),
                    "BusinessName": business_name,
                    "Platform": platform,
                },
            }),
        ),
        Event::PairError { reason } => {
            ("PairError", json!({ "type": "PairError", "event": { "Error": reason } }))
        }
        Event::Connected => ("Connected", json!({ "type": "Connected", "event": {} })),
        Event::Disconnected { reason } => {
            ("Disconnected", json!({ "type": "Disconnected", "event": { "Reason": reason } }))
        }
        Event::LoggedOut { reason, on_connect } => (
            "LoggedOut",
            json!({ "type": "LoggedOut", "event": { "OnConnect": on_connect, "Reason": reason } }),
        ),
        Event::StreamReplaced => {
            ("StreamReplaced", json!({ "type": "StreamReplaced", "event": {} }))
        }
        Event::TemporaryBan { code, expire_secs } => (
            "TemporaryBan",
            json!({ "type": "TemporaryBan", "event": { "Code": code, "Expire": expire_secs } }),
        ),
        Event::ClientOutdated => {
            ("ClientOutdated", json!({ "type": "ClientOutdated", "event": {} }))
        }
        Event::ConnectFailure { reason, message } => (
            "ConnectFailure",
            json!({ "type": "ConnectFailure", "event": { "Reason": reason, "Message": message } }),
        ),
        Event::StreamError { code } => {
            ("StreamError", json!({ "type": "StreamError", "event": { "Code": code } }))
        }
        Event::OfflineSyncCompleted { count } => (
            "OfflineSyncCompleted",
            json!({ "type": "OfflineSyncCompleted", "event": { "Count": count } }),
        ),
        Event::Message { info, message } => ("Message", wuz_messages::message(info, message)),
        Event::HistorySync(sync) => ("HistorySync", history_json::webhook(sync)),
        Event::Receipt { receipt_type, ids, chat, sender, sender_alt, is_group, timestamp } => {
            // wuzapi forwards read, read-self and delivery receipts only.
            let (state, go_type) = match receipt_type {
                ReceiptType::Read => ("Read", "read"),
                ReceiptType::ReadSelf => ("ReadSelf", "read-self"),
                // whatsmeow's ReceiptTypeDelivered is the empty string.
                ReceiptType::Delivered => ("Delivered", ""),
                _ => return None,
            };
            let sender_text = sender.as_ref().map(ToString::to_string).unwrap_or_default();
            let time = timestamp.map_or_else(now_unix, |t| i64::try_from(t).unwrap_or(i64::MAX));
            (
                "ReadReceipt",
                json!({
                    "type": "ReadReceipt",
                    "state": state,
                    "event": {
                        "Chat": chat.to_string(),
                        "Sender": sender_text,
                        "SenderAlt": sender_alt.as_ref().map(ToString::to_string).unwrap_or_default(),
                        "IsFromMe": sender.as_ref().is_some_and(|s| is_own(own, s)),
                        "IsGroup": is_group,
                        "MessageIDs": ids,
                        "Timestamp": rfc3339(time),
                        "Type": go_type,
                    },
                }),
            )
        }
        Event::ChatPresence { chat, sender, state, media } => (
            "ChatPresence",
            json!({
                "type": "ChatPresence",
                "event": {
                    "Chat": chat.to_string(),
                    "Sender": sender.to_string(),
                    "IsFromMe": is_own(own, sender),
                    "IsGroup": chat.is_group(),
                    "State": state,
                    // whatsmeow's ChatPresenceMediaText is the empty string.
                    "Media": match media {
                        Some(ChatStateMedia::Audio) => "audio",
                        _ => "",
                    },
                },
            }),
        ),
        Event::Presence { from, available, last_seen } => (
            "Presence",
            json!({
                "type": "Presence",
                "state": if *available { "online" } else { "offline" },
                "event": {
                    "From": from.to_string(),
                    "Unavailable": !available,
                    "LastSeen": last_seen
                        .map(|t| rfc3339(i64::try_from(t).unwrap_or(i64::MAX)))
                        .unwrap_or_else(|| ZERO_TIME.to_owned()),
                },
            }),
        ),
        Event::GroupInfo(change) => {
            ("GroupInfo", json!({ "type": "GroupInfo", "event": group_json::group_change(change) }))
        }
        Event::JoinedGroup(joined) => (
            "JoinedGroup",
            json!({ "type": "JoinedGroup", "event": group_json::joined_group(joined) }),
        ),
        Event::PrivacySettings(changed) => (
            "PrivacySettings",
            json!({ "type": "PrivacySettings", "event": group_json::privacy_change(changed) }),
        ),
        Event::Blocklist { dhash, changes } => (
            "Blocklist",
            json!({ "type": "Blocklist", "event": group_json::blocklist_change(dhash, changes) }),
        ),
        // Undecryptable messages (and events added to wazap later) are not forwarded, as
        // wuzapi does not forward whatsmeow's UndecryptableMessage.
        _ => return None,
    };
    Some((kind, body))
}

/// Whether `jid` is a device of our own account.
fn is_own(own: &[Jid], jid: &Jid) -> bool {
    own.iter().any(|own| own.user == jid.user && own.server == jid.server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_carries_the_code_and_a_png() {
        let (kind, body) =
            to_webhook(&Event::Qr { code: "2@a,b,c,d".into(), timeout_ms: 60_000 }, &[]).unwrap();
        assert_eq!(kind, "QR");
        assert_eq!((&body["type"], &body["event"]), (&json!("QR"), &json!("code")));
        assert_eq!(body["code"], "2@a,b,c,d");
        assert!(body["qrCodeBase64"].as_str().unwrap().starts_with("data:image/png;base64,"));
    }

    #[test]
    fn logged_out_uses_whatsmeow_names() {
        let (_, body) =
            to_webhook(&Event::LoggedOut { reason: "x".into(), on_connect: true }, &[]).unwrap();
        assert_eq!(body, json!({"type":"LoggedOut","event":{"OnConnect":true,"Reason":"x"}}));
    }

    fn jid(s: &str) -> Jid {
        s.parse().unwrap()
    }

    #[test]
    fn receipts_carry_wuzapi_state_and_whatsmeow_type() {
        let own = jid("15550001111:1@s.whatsapp.net");
        let receipt = |kind: &str, sender: &str| Event::Receipt {
            receipt_type: kind.parse().unwrap(),
            ids: vec!["A".into(), "B".into()],
            chat: jid("15550002222@s.whatsapp.net"),
            sender: Some(jid(sender)),
            sender_alt: Some(jid("987654321@lid")),
            is_group: false,
            timestamp: Some(1_650_469_748),
        };
        let read = receipt("read", "15550002222:0@s.whatsapp.net");
        let (kind, body) = to_webhook(&read, std::slice::from_ref(&own)).unwrap();
        assert_eq!(kind, "ReadReceipt");
        assert_eq!(
            body,
            json!({"type":"ReadReceipt","state":"Read","event":{
                "Chat":"15550002222@s.whatsapp.net","Sender":"15550002222@s.whatsapp.net",
                "SenderAlt":"987654321@lid","IsFromMe":false,"IsGroup":false,"MessageIDs":["A","B"],
                "Timestamp":"2022-04-20T15:49:08Z","Type":"read"}})
        );
        let delivered = receipt("delivered", "15550002222@s.whatsapp.net");
        let (_, body) = to_webhook(&delivered, std::slice::from_ref(&own)).unwrap();
        assert_eq!((&body["state"], &body["event"]["Type"]), (&json!("Delivered"), &json!("")));
        let self_read = receipt("read-self", "15550001111:2@s.whatsapp.net");
        let (_, body) = to_webhook(&self_read, std::slice::from_ref(&own)).unwrap();
        assert_eq!(
            (&body["state"], &body["event"]["IsFromMe"]),
            (&json!("ReadSelf"), &json!(true))
        );
        // Other receipt types are not forwarded, as in wuzapi.
        let played = receipt("played", "15550002222@s.whatsapp.net");
        assert!(to_webhook(&played, std::slice::from_ref(&own)).is_none());
    }

    #[test]
    fn a_history_sync_goes_out_as_history_sync() {
        let sync = wazap::proto::HistorySync {
            sync_type: Some(wazap::proto::HistorySyncType::PushName as i32),
            progress: Some(100),
            ..Default::default()
        };
        let event = Event::HistorySync(Box::new(wazap::types::HistorySync::from_proto(&sync)));
        let (kind, body) = to_webhook(&event, &[]).unwrap();
        assert_eq!(kind, "HistorySync");
        assert_eq!(
            body,
            json!({"type":"HistorySync","event":{"Data":{"syncType":4,"progress":100}}})
        );
    }

    #[test]
    fn chat_presence_and_presence() {
        let typing = Event::ChatPresence {
            chat: jid("15550002222@s.whatsapp.net"),
            sender: jid("15550002222@s.whatsapp.net"),
            state: wazap::types::ChatState::Composing,
            media: Some(ChatStateMedia::Audio),
        };
        let (kind, body) = to_webhook(&typing, &[]).unwrap();
        assert_eq!(kind, "ChatPresence");
        assert_eq!(
            body["event"],
            json!({"Chat":"15550002222@s.whatsapp.net","Sender":"15550002222@s.whatsapp.net",
                   "IsFromMe":false,"IsGroup":false,"State":"composing","Media":"audio"})
        );
        let offline = Event::Presence {
            from: jid("15550002222@s.whatsapp.net"),
            available: false,
            last_seen: None,
        };
        let (kind, body) = to_webhook(&offline, &[]).unwrap();
        assert_eq!(kind, "Presence");
        assert_eq!(
            body,
            json!({"type":"Presence","state":"offline","event":{
                "From":"15550002222@s.whatsapp.net","Unavailable":true,"LastSeen":ZERO_TIME}})
        );
        let online = Event::Presence {
            from: jid("15550002222@s.whatsapp.net"),
            available: true,
            last_seen: Some(0),
        };
        let (_, body) = to_webhook(&online, &[]).unwrap();
        assert_eq!(body["state"], "online");
        assert_eq!(body["event"]["LastSeen"], "1970-01-01T00:00:00Z");
    }
}
