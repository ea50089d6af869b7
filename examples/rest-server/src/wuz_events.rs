//! wazap events in wuzapi's webhook shape: `{"type": <wuzapi type>, "event": {...}}` with the
//! event's fields named as whatsmeow names them (wuzapi forwards whatsmeow's structs), plus
//! the extras wuzapi adds (`qrCodeBase64` for QR codes).
use serde_json::{json, Value};
use wazap::Event;

use crate::qr;

/// The wuzapi type name and the webhook body of `event`; `None` for events wuzapi does not
/// forward.
pub fn to_webhook(event: &Event) -> Option<(&'static str, Value)> {
    let (kind, body) = match event {
        Event::Qr { code, timeout_ms } => {
            let image = qr::data_url(code).unwrap_or_default();
            (
                "QR",
                json!({
                    "type": "QR",
                    "event": { "Codes": [code], "Timeout": timeout_ms },
                    "qrCodeBase64": image,
                }),
            )
        }
        Event::QrTimeout => ("QRTimeout", json!({ "type": "QRTimeout", "event": {} })),
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
        // Events added to wazap later are not forwarded until mapped here; this arm keeps the
        // server building meanwhile.
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    Some((kind, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_carries_the_code_and_a_png() {
        let (kind, body) =
            to_webhook(&Event::Qr { code: "2@a,b,c,d".into(), timeout_ms: 60_000 }).unwrap();
        assert_eq!(kind, "QR");
        assert_eq!(body["event"]["Codes"][0], "2@a,b,c,d");
        assert!(body["qrCodeBase64"].as_str().unwrap().starts_with("data:image/png;base64,"));
    }

    #[test]
    fn logged_out_uses_whatsmeow_names() {
        let (_, body) =
            to_webhook(&Event::LoggedOut { reason: "x".into(), on_connect: true }).unwrap();
        assert_eq!(body, json!({"type":"LoggedOut","event":{"OnConnect":true,"Reason":"x"}}));
    }
}
