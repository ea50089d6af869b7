//! Edits and revokes: a `protocolMessage` naming the original message by its key (whatsmeow
//! `BuildEdit`/`BuildRevoke`, Baileys `edit`/`delete`). The stanza's `edit` attribute says which
//! ([`super::edit_attribute`]). Senders differ in the wrapper: whatsmeow puts an edit in
//! `editedMessage`, Baileys sends the bare `protocolMessage`; both are read here.
use crate::binary::Jid;
use crate::proto::{self, protocol_message::Type};

/// The edit of our message `id` in `chat` to `new_content`:
/// `editedMessage{protocolMessage{MESSAGE_EDIT, key{remoteJid, fromMe, id}, editedMessage,
/// timestampMs}}`, as whatsmeow builds it.
pub fn edit_message(
    chat: &Jid,
    id: &str,
    new_content: proto::Message,
    timestamp_ms: i64,
) -> proto::Message {
    let protocol = proto::ProtocolMessage {
        key: Some(proto::MessageKey {
            remote_jid: Some(chat.to_non_ad().to_string()),
            from_me: Some(true),
            id: Some(id.to_owned()),
            participant: None,
        }),
        r#type: Some(Type::MessageEdit as i32),
        edited_message: Some(Box::new(new_content)),
        timestamp_ms: Some(timestamp_ms),
        ..Default::default()
    };
    let inner = proto::Message { protocol_message: Some(Box::new(protocol)), ..Default::default() };
    proto::Message {
        edited_message: Some(Box::new(proto::FutureProofMessage {
            message: Some(Box::new(inner)),
        })),
        ..Default::default()
    }
}

/// Deleting for everyone the message `key` names (build it with [`super::message_key`]: ours
/// with `fromMe`, another member's, as a group admin, with its `participant`).
pub fn revoke(key: proto::MessageKey) -> proto::Message {
    proto::Message {
        protocol_message: Some(Box::new(proto::ProtocolMessage {
            key: Some(key),
            r#type: Some(Type::Revoke as i32),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// The protocol message inside an (unwrapped or still wrapped) edit.
fn protocol(message: &proto::Message) -> Option<&proto::ProtocolMessage> {
    match message.edited_message.as_ref().and_then(|w| w.message.as_deref()) {
        Some(inner) => inner.protocol_message.as_deref(),
        None => message.protocol_message.as_deref(),
    }
}

/// What a received edit says.
#[derive(Clone, Copy, Debug)]
pub struct EditOf<'a> {
    /// The edited message.
    pub key: &'a proto::MessageKey,
    /// Its new content.
    pub message: &'a proto::Message,
    /// When the sender edited it, unix milliseconds.
    pub timestamp_ms: Option<i64>,
}

/// The edit `message` carries, if it is one.
pub fn edit_of(message: &proto::Message) -> Option<EditOf<'_>> {
    let protocol = protocol(message)?;
    if protocol.r#type() != Type::MessageEdit {
        return None;
    }
    Some(EditOf {
        key: protocol.key.as_ref()?,
        message: protocol.edited_message.as_deref()?,
        timestamp_ms: protocol.timestamp_ms,
    })
}

/// The key of the message `message` revokes, if it is a revoke.
pub fn revoke_of(message: &proto::Message) -> Option<&proto::MessageKey> {
    let protocol = message.protocol_message.as_deref()?;
    if protocol.r#type() != Type::Revoke {
        return None;
    }
    protocol.key.as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{edit_attribute, message_key, text, unwrap_message};

    #[test]
    fn an_edit_names_the_original_and_is_marked_as_one() {
        let chat: Jid = "15550001111@s.whatsapp.net".parse().unwrap();
        let edit = edit_message(&chat, "3EB0A", text("fixed"), 1234);
        assert_eq!(edit_attribute(&edit), Some("1"));
        // Read wrapped, and unwrapped as a receiver sees it.
        for message in [edit.clone(), unwrap_message(edit).0] {
            let of = edit_of(&message).expect("an edit");
            assert_eq!(of.key.id(), "3EB0A");
            assert!(of.key.from_me());
            assert_eq!(of.key.remote_jid(), "15550001111@s.whatsapp.net");
            assert_eq!(of.message.conversation(), "fixed");
            assert_eq!(of.timestamp_ms, Some(1234));
            assert!(revoke_of(&message).is_none());
        }
    }

    #[test]
    fn a_revoke_is_the_senders_or_an_admins() {
        let group: Jid = "123-456@g.us".parse().unwrap();
        let other: Jid = "15550002222:3@s.whatsapp.net".parse().unwrap();
        let own = revoke(message_key(&group, &other, "M1", true));
        assert_eq!(edit_attribute(&own), Some("7"));
        assert_eq!(revoke_of(&own).unwrap().participant, None);
        let admin = revoke(message_key(&group, &other, "M2", false));
        assert_eq!(edit_attribute(&admin), Some("8"));
        let key = revoke_of(&admin).unwrap();
        assert_eq!((key.id(), key.participant()), ("M2", "15550002222@s.whatsapp.net"));
        assert!(edit_of(&admin).is_none());
    }
}
