//! The `Message` webhook: whatsmeow's `events.Message` as wuzapi forwards it, `{"type":
//! "Message","event":{"Info":{…},"Message":{…},"IsEphemeral":…}}`. `Info` is whatsmeow's
//! `types.MessageInfo` (its embedded `MessageSource` flattened, times as RFC 3339, absent JIDs
//! as ""); `Message` is the protobuf as Go's JSON ([`crate::message_json`]).
use serde_json::{json, Value};
use wazap::types::{MessageContent, MessageInfo};

use crate::message_json;
use crate::timefmt::rfc3339;

/// The webhook body of a received message (the protobuf the core decoded).
pub fn message(info: &MessageInfo, content: &MessageContent) -> Value {
    let jid_text = |j: &Option<wazap::binary::Jid>| j.as_ref().map(ToString::to_string);
    let flags = &content.flags;
    let device_sent = flags.device_sent.as_ref().map(|meta| {
        json!({ "DestinationJID": meta.destination_jid, "Phash": meta.phash.clone().unwrap_or_default() })
    });
    json!({
        "type": "Message",
        "event": {
            "Info": {
                "Chat": info.chat.to_string(),
                "Sender": info.sender.to_string(),
                "IsFromMe": info.is_from_me,
                "IsGroup": info.is_group,
                "AddressingMode": info.addressing_mode.clone().unwrap_or_default(),
                "SenderAlt": jid_text(&info.sender_alt).unwrap_or_default(),
                "RecipientAlt": jid_text(&info.recipient_alt).unwrap_or_default(),
                "BroadcastListOwner": "",
                "ID": info.id,
                "ServerID": info.server_id.unwrap_or(0),
                "Type": info.message_type,
                "PushName": info.push_name.clone().unwrap_or_default(),
                "Timestamp": rfc3339(i64::try_from(info.timestamp).unwrap_or(i64::MAX)),
                "Category": info.category.clone().unwrap_or_default(),
                "Multicast": info.multicast,
                "MediaType": info.media_type.clone().unwrap_or_default(),
                "Edit": info.edit.clone().unwrap_or_default(),
                "DeviceSentMeta": device_sent,
            },
            "Message": message_json::message(&content.proto),
            "IsEphemeral": flags.ephemeral,
            "IsViewOnce": flags.view_once,
            "IsViewOnceV2": flags.view_once_v2,
            "IsViewOnceV2Extension": flags.view_once_v2_extension,
            "IsDocumentWithCaption": flags.document_with_caption,
            "IsLottieSticker": flags.lottie_sticker,
            "IsEdit": flags.edit,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wazap::message::{text, MessageFlags};

    #[test]
    fn info_and_message_use_whatsmeow_names() {
        let info = MessageInfo {
            id: "3EB0AA".into(),
            chat: "15550002222@s.whatsapp.net".parse().unwrap(),
            sender: "15550002222:0@s.whatsapp.net".parse().unwrap(),
            sender_alt: None,
            recipient_alt: None,
            is_from_me: false,
            is_group: false,
            addressing_mode: None,
            push_name: Some("Echo".into()),
            timestamp: 1_650_469_748,
            message_type: "text".into(),
            category: None,
            edit: None,
            media_type: None,
            server_id: None,
            multicast: false,
        };
        let content = MessageContent::new(text("hello"), MessageFlags::default());
        let body = message(&info, &content);
        assert_eq!(body["type"], "Message");
        let event = &body["event"];
        assert_eq!(event["Message"], json!({ "conversation": "hello" }));
        let i = &event["Info"];
        assert_eq!(i["Chat"], "15550002222@s.whatsapp.net");
        assert_eq!(i["Sender"], "15550002222@s.whatsapp.net");
        assert_eq!((&i["IsFromMe"], &i["IsGroup"]), (&json!(false), &json!(false)));
        assert_eq!((&i["ID"], &i["PushName"]), (&json!("3EB0AA"), &json!("Echo")));
        assert_eq!(i["Timestamp"], "2022-04-20T15:49:08Z");
        assert_eq!(i["Type"], "text");
        assert_eq!(i["DeviceSentMeta"], Value::Null);
        assert_eq!(event["IsEdit"], false);
    }
}
