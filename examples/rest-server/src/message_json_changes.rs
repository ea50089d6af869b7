//! The parts of a `Message` that change or poll, in whatsmeow's JSON (see `message_json`):
//! `protocolMessage` (edits, with the new content as a message, and revokes; `type` as Go
//! writes a proto enum, its number), the `editedMessage` wrapper, `pollCreationMessage` (v1,
//! v2, v3), `pollUpdateMessage` (the vote still sealed) and `messageContextInfo.messageSecret`.
use serde_json::{json, Map, Value};
use wazap::proto;

use crate::message_json::{message, message_key, put, put_bytes};

/// Adds to `out` what `m` says of these parts.
pub fn add(out: &mut Map<String, Value>, m: &proto::Message) {
    if let Some(p) = &m.protocol_message {
        let mut o = Map::new();
        if let Some(key) = &p.key {
            o.insert("key".into(), message_key(key));
        }
        put(&mut o, "type", p.r#type);
        if let Some(edited) = &p.edited_message {
            o.insert("editedMessage".into(), message(edited));
        }
        put(&mut o, "timestampMS", p.timestamp_ms);
        put(&mut o, "ephemeralExpiration", p.ephemeral_expiration);
        out.insert("protocolMessage".into(), Value::Object(o));
    }
    if let Some(inner) = m.edited_message.as_ref().and_then(|w| w.message.as_deref()) {
        out.insert("editedMessage".into(), json!({ "message": message(inner) }));
    }
    for (name, poll) in [
        ("pollCreationMessage", &m.poll_creation_message),
        ("pollCreationMessageV2", &m.poll_creation_message_v2),
        ("pollCreationMessageV3", &m.poll_creation_message_v3),
    ] {
        let Some(poll) = poll else { continue };
        let mut o = Map::new();
        put(&mut o, "name", poll.name.clone());
        let options: Vec<Value> =
            poll.options.iter().map(|opt| json!({ "optionName": opt.option_name() })).collect();
        o.insert("options".into(), Value::Array(options));
        put(&mut o, "selectableOptionsCount", poll.selectable_options_count);
        out.insert(name.into(), Value::Object(o));
    }
    if let Some(update) = &m.poll_update_message {
        let mut o = Map::new();
        if let Some(key) = &update.poll_creation_message_key {
            o.insert("pollCreationMessageKey".into(), message_key(key));
        }
        if let Some(vote) = &update.vote {
            let mut v = Map::new();
            put_bytes(&mut v, "encPayload", &vote.enc_payload);
            put_bytes(&mut v, "encIV", &vote.enc_iv);
            o.insert("vote".into(), Value::Object(v));
        }
        put(&mut o, "senderTimestampMS", update.sender_timestamp_ms);
        out.insert("pollUpdateMessage".into(), Value::Object(o));
    }
    if let Some(secret) = m.message_context_info.as_ref().map(|c| &c.message_secret) {
        let mut o = Map::new();
        put_bytes(&mut o, "messageSecret", secret);
        if !o.is_empty() {
            out.insert("messageContextInfo".into(), Value::Object(o));
        }
    }
}
