//! A `Message` protobuf as wuzapi's webhooks carry it: whatsmeow's Go structs marshalled by
//! `encoding/json`, so keys are the field names of whatsmeow's .proto files (`conversation`,
//! `extendedTextMessage`, `contextInfo.stanzaID`, `key.remoteJID`, `URL`…; see
//! tulir/whatsmeow proto/waE2E/WAWebProtobufsE2E.pb.go and proto/waCommon/WACommon.pb.go),
//! unset fields omitted and bytes as standard base64. The message kinds an integration acts on
//! are mapped: texts, replies, reactions, the media messages (every field
//! `/chat/download*` needs, so a consumer can post a media object there as it is), locations
//! and contact cards.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};
use wazap::proto;

/// `map[key] = value` when the value is set (Go's `omitempty`).
pub(crate) fn put<V: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<V>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.into());
    }
}

/// `map[key] = base64(value)` when set and not empty (Go's `omitempty` on `[]byte`).
pub(crate) fn put_bytes(map: &mut Map<String, Value>, key: &str, value: &Option<Vec<u8>>) {
    if let Some(bytes) = value.as_ref().filter(|b| !b.is_empty()) {
        map.insert(key.to_owned(), Value::String(STANDARD.encode(bytes)));
    }
}

/// The message's JSON object.
pub fn message(message: &proto::Message) -> Value {
    let mut out = Map::new();
    put(&mut out, "conversation", message.conversation.clone());
    if let Some(ext) = &message.extended_text_message {
        let mut m = Map::new();
        put(&mut m, "text", ext.text.clone());
        put(&mut m, "matchedText", ext.matched_text.clone());
        put(&mut m, "description", ext.description.clone());
        put(&mut m, "title", ext.title.clone());
        if let Some(context) = &ext.context_info {
            m.insert("contextInfo".into(), context_info(context));
        }
        out.insert("extendedTextMessage".into(), Value::Object(m));
    }
    if let Some(reaction) = &message.reaction_message {
        let mut m = Map::new();
        if let Some(key) = &reaction.key {
            m.insert("key".into(), message_key(key));
        }
        put(&mut m, "text", reaction.text.clone());
        put(&mut m, "groupingKey", reaction.grouping_key.clone());
        put(&mut m, "senderTimestampMS", reaction.sender_timestamp_ms);
        out.insert("reactionMessage".into(), Value::Object(m));
    }
    if let Some(m) = &message.image_message {
        let mut o = Map::new();
        media(&mut o, &m.url, &m.mimetype, &m.file_sha256, m.file_length, &m.media_key);
        media_tail(&mut o, &m.file_enc_sha256, &m.direct_path, m.media_key_timestamp);
        put(&mut o, "caption", m.caption.clone());
        put(&mut o, "height", m.height);
        put(&mut o, "width", m.width);
        put_bytes(&mut o, "JPEGThumbnail", &m.jpeg_thumbnail);
        with_context(&mut o, &m.context_info);
        out.insert("imageMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.video_message {
        let mut o = Map::new();
        media(&mut o, &m.url, &m.mimetype, &m.file_sha256, m.file_length, &m.media_key);
        media_tail(&mut o, &m.file_enc_sha256, &m.direct_path, m.media_key_timestamp);
        put(&mut o, "caption", m.caption.clone());
        put(&mut o, "seconds", m.seconds);
        put(&mut o, "gifPlayback", m.gif_playback);
        put(&mut o, "height", m.height);
        put(&mut o, "width", m.width);
        put_bytes(&mut o, "JPEGThumbnail", &m.jpeg_thumbnail);
        with_context(&mut o, &m.context_info);
        out.insert("videoMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.audio_message {
        let mut o = Map::new();
        media(&mut o, &m.url, &m.mimetype, &m.file_sha256, m.file_length, &m.media_key);
        media_tail(&mut o, &m.file_enc_sha256, &m.direct_path, m.media_key_timestamp);
        put(&mut o, "seconds", m.seconds);
        put(&mut o, "PTT", m.ptt);
        with_context(&mut o, &m.context_info);
        out.insert("audioMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.document_message {
        let mut o = Map::new();
        media(&mut o, &m.url, &m.mimetype, &m.file_sha256, m.file_length, &m.media_key);
        media_tail(&mut o, &m.file_enc_sha256, &m.direct_path, m.media_key_timestamp);
        put(&mut o, "title", m.title.clone());
        put(&mut o, "fileName", m.file_name.clone());
        put(&mut o, "caption", m.caption.clone());
        put(&mut o, "pageCount", m.page_count);
        put_bytes(&mut o, "JPEGThumbnail", &m.jpeg_thumbnail);
        with_context(&mut o, &m.context_info);
        out.insert("documentMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.sticker_message {
        let mut o = Map::new();
        media(&mut o, &m.url, &m.mimetype, &m.file_sha256, m.file_length, &m.media_key);
        media_tail(&mut o, &m.file_enc_sha256, &m.direct_path, m.media_key_timestamp);
        put(&mut o, "height", m.height);
        put(&mut o, "width", m.width);
        put(&mut o, "isAnimated", m.is_animated);
        put_bytes(&mut o, "pngThumbnail", &m.png_thumbnail);
        with_context(&mut o, &m.context_info);
        out.insert("stickerMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.location_message {
        let mut o = Map::new();
        put(&mut o, "degreesLatitude", m.degrees_latitude);
        put(&mut o, "degreesLongitude", m.degrees_longitude);
        put(&mut o, "name", m.name.clone());
        put(&mut o, "address", m.address.clone());
        put(&mut o, "URL", m.url.clone());
        put(&mut o, "isLive", m.is_live);
        put(&mut o, "accuracyInMeters", m.accuracy_in_meters);
        put(&mut o, "comment", m.comment.clone());
        put_bytes(&mut o, "JPEGThumbnail", &m.jpeg_thumbnail);
        with_context(&mut o, &m.context_info);
        out.insert("locationMessage".into(), Value::Object(o));
    }
    if let Some(m) = &message.contact_message {
        let mut o = Map::new();
        put(&mut o, "displayName", m.display_name.clone());
        put(&mut o, "vcard", m.vcard.clone());
        with_context(&mut o, &m.context_info);
        out.insert("contactMessage".into(), Value::Object(o));
    }
    crate::message_json_changes::add(&mut out, message);
    Value::Object(out)
}

fn media(
    o: &mut Map<String, Value>,
    url: &Option<String>,
    mimetype: &Option<String>,
    sha256: &Option<Vec<u8>>,
    length: Option<u64>,
    key: &Option<Vec<u8>>,
) {
    put(o, "URL", url.clone());
    put(o, "mimetype", mimetype.clone());
    put_bytes(o, "fileSHA256", sha256);
    put(o, "fileLength", length);
    put_bytes(o, "mediaKey", key);
}

fn media_tail(
    o: &mut Map<String, Value>,
    enc_sha256: &Option<Vec<u8>>,
    direct_path: &Option<String>,
    key_timestamp: Option<i64>,
) {
    put_bytes(o, "fileEncSHA256", enc_sha256);
    put(o, "directPath", direct_path.clone());
    put(o, "mediaKeyTimestamp", key_timestamp);
}

fn with_context(o: &mut Map<String, Value>, context: &Option<Box<proto::ContextInfo>>) {
    if let Some(context) = context {
        o.insert("contextInfo".into(), context_info(context));
    }
}

fn context_info(context: &proto::ContextInfo) -> Value {
    let mut m = Map::new();
    put(&mut m, "stanzaID", context.stanza_id.clone());
    put(&mut m, "participant", context.participant.clone());
    if let Some(quoted) = &context.quoted_message {
        m.insert("quotedMessage".into(), message(quoted));
    }
    put(&mut m, "remoteJID", context.remote_jid.clone());
    if !context.mentioned_jid.is_empty() {
        m.insert("mentionedJID".into(), context.mentioned_jid.clone().into());
    }
    put(&mut m, "forwardingScore", context.forwarding_score);
    put(&mut m, "isForwarded", context.is_forwarded);
    put(&mut m, "expiration", context.expiration);
    Value::Object(m)
}

/// A `MessageKey` (waCommon): `{remoteJID, fromMe, ID, participant}`.
pub(crate) fn message_key(key: &proto::MessageKey) -> Value {
    let mut m = Map::new();
    put(&mut m, "remoteJID", key.remote_jid.clone());
    put(&mut m, "fromMe", key.from_me);
    put(&mut m, "ID", key.id.clone());
    put(&mut m, "participant", key.participant.clone());
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wazap::binary::Jid;
    use wazap::message::{message_key as key_of, reaction, reply, text, QuotedMessage};

    #[test]
    fn a_text_is_a_conversation() {
        assert_eq!(message(&text("hi")), json!({ "conversation": "hi" }));
    }

    #[test]
    fn a_reply_carries_whatsmeow_context_names() {
        let sender: Jid = "15550001111:3@s.whatsapp.net".parse().unwrap();
        let quoted = text("original");
        let q = QuotedMessage { id: "ABC", sender: &sender, message: &quoted };
        let value = message(&reply("ditto", Some(&q), &[]));
        assert_eq!(
            value,
            json!({ "extendedTextMessage": { "text": "ditto", "contextInfo": {
                "stanzaID": "ABC",
                "participant": "15550001111@s.whatsapp.net",
                "quotedMessage": { "conversation": "original" },
            }}})
        );
    }

    #[test]
    fn a_reaction_names_its_key() {
        let chat: Jid = "15550002222@s.whatsapp.net".parse().unwrap();
        let value = message(&reaction(key_of(&chat, &chat, "X1", true), "👍", 1_700_000_000_000));
        assert_eq!(
            value,
            json!({ "reactionMessage": {
                "key": { "remoteJID": "15550002222@s.whatsapp.net", "fromMe": true, "ID": "X1" },
                "text": "👍",
                "senderTimestampMS": 1_700_000_000_000_i64,
            }})
        );
    }

    #[test]
    fn media_bytes_are_base64() {
        let m = proto::Message {
            image_message: Some(Box::new(proto::ImageMessage {
                caption: Some("look".into()),
                mimetype: Some("image/jpeg".into()),
                file_sha256: Some(vec![1, 2, 3]),
                file_length: Some(3),
                ..Default::default()
            })),
            ..Default::default()
        };
        assert_eq!(
            message(&m),
            json!({ "imageMessage": { "caption": "look", "mimetype": "image/jpeg",
                                      "fileSHA256": "AQID", "fileLength": 3 } })
        );
    }
    /// The fields every media message shares, as whatsmeow names them.
    fn common() -> Value {
        json!({ "URL": "https://mmg.whatsapp.net/v/t62/f.enc?ccb=11-4", "mimetype": "x/y",
                "fileSHA256": "AQEB", "fileLength": 3, "mediaKey": "AgIC",
                "fileEncSHA256": "AwMD", "directPath": "/v/t62/f.enc?ccb=11-4",
                "mediaKeyTimestamp": 1_700_000_000 })
    }

    fn with(extra: Value) -> Value {
        let mut value = common();
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        value
    }

    macro_rules! media {
        ($kind:ident { $($field:ident: $value:expr),* $(,)? }) => {
            Some(Box::new(proto::$kind {
                url: Some("https://mmg.whatsapp.net/v/t62/f.enc?ccb=11-4".into()),
                mimetype: Some("x/y".into()),
                file_sha256: Some(vec![1; 3]),
                file_length: Some(3),
                media_key: Some(vec![2; 3]),
                file_enc_sha256: Some(vec![3; 3]),
                direct_path: Some("/v/t62/f.enc?ccb=11-4".into()),
                media_key_timestamp: Some(1_700_000_000),
                $($field: $value,)*
                ..Default::default()
            }))
        };
    }

    #[test]
    fn every_media_kind_carries_what_a_download_needs() {
        let cases = [
            (
                proto::Message {
                    image_message: media!(ImageMessage { caption: Some("c".into()) }),
                    ..Default::default()
                },
                json!({ "imageMessage": with(json!({ "caption": "c" })) }),
            ),
            (
                proto::Message {
                    video_message: media!(VideoMessage {
                        caption: Some("v".into()),
                        jpeg_thumbnail: Some(vec![9])
                    }),
                    ..Default::default()
                },
                json!({ "videoMessage": with(json!({ "caption": "v", "JPEGThumbnail": "CQ==" })) }),
            ),
            (
                proto::Message {
                    audio_message: media!(AudioMessage { ptt: Some(true) }),
                    ..Default::default()
                },
                json!({ "audioMessage": with(json!({ "PTT": true })) }),
            ),
            (
                proto::Message {
                    document_message: media!(DocumentMessage {
                        file_name: Some("a.pdf".into()),
                        title: Some("a.pdf".into()),
                        caption: Some("d".into())
                    }),
                    ..Default::default()
                },
                json!({ "documentMessage":
                    with(json!({ "fileName": "a.pdf", "title": "a.pdf", "caption": "d" })) }),
            ),
            (
                proto::Message {
                    sticker_message: media!(StickerMessage { png_thumbnail: Some(vec![8]) }),
                    ..Default::default()
                },
                json!({ "stickerMessage": with(json!({ "pngThumbnail": "CA==" })) }),
            ),
        ];
        for (message_proto, expected) in cases {
            assert_eq!(message(&message_proto), expected);
        }
    }

    #[test]
    fn locations_and_contacts_use_whatsmeow_names() {
        let m = proto::Message {
            location_message: Some(Box::new(proto::LocationMessage {
                degrees_latitude: Some(48.85837),
                degrees_longitude: Some(2.294481),
                name: Some("Paris".into()),
                address: Some("Champ de Mars".into()),
                ..Default::default()
            })),
            ..Default::default()
        };
        assert_eq!(
            message(&m),
            json!({ "locationMessage": { "degreesLatitude": 48.85837,
                "degreesLongitude": 2.294481, "name": "Paris", "address": "Champ de Mars" } })
        );
        let m = proto::Message {
            contact_message: Some(Box::new(proto::ContactMessage {
                display_name: Some("Casa".into()),
                vcard: Some("BEGIN:VCARD\nEND:VCARD".into()),
                context_info: Some(Box::new(proto::ContextInfo {
                    stanza_id: Some("Q1".into()),
                    ..Default::default()
                })),
            })),
            ..Default::default()
        };
        assert_eq!(
            message(&m),
            json!({ "contactMessage": { "displayName": "Casa", "vcard": "BEGIN:VCARD\nEND:VCARD",
                "contextInfo": { "stanzaID": "Q1" } } })
        );
    }
}
