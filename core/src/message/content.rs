//! What a `Message` proto is, as the stanza attributes say it: `type`, `mediatype`, `edit`
//! (whatsmeow `getTypeFromMessage`, `getMediaTypeFromMessage`, `getEditAttribute`).
use crate::proto::{self, protocol_message, KeepType};

/// `edit` values (whatsmeow `types.EditAttribute`).
pub mod edit {
    pub const MESSAGE_EDIT: &str = "1";
    pub const PIN_IN_CHAT: &str = "2";
    pub const ADMIN_EDIT: &str = "3";
    pub const SENDER_REVOKE: &str = "7";
    pub const ADMIN_REVOKE: &str = "8";
}

/// The message inside the wrappers that only change how a message is shown.
fn inner(message: &proto::Message) -> Option<&proto::Message> {
    [
        &message.view_once_message,
        &message.view_once_message_v2,
        &message.view_once_message_v2_extension,
        &message.lottie_sticker_message,
        &message.ephemeral_message,
        &message.document_with_caption_message,
    ]
    .into_iter()
    .find_map(|w| w.as_ref()?.message.as_deref())
}

/// The `type` attribute of the `<message>` stanza: reaction, poll, media or text.
pub fn message_type(message: &proto::Message) -> &'static str {
    if let Some(inner) = inner(message) {
        return message_type(inner);
    }
    if message.reaction_message.is_some() || message.enc_reaction_message.is_some() {
        "reaction"
    } else if message.poll_creation_message.is_some()
        || message.poll_creation_message_v2.is_some()
        || message.poll_creation_message_v3.is_some()
        || message.poll_update_message.is_some()
    {
        "poll"
    } else if media_type(message).is_some() {
        "media"
    } else {
        "text"
    }
}

/// The `mediatype` attribute of `<enc>` for media messages.
pub fn media_type(message: &proto::Message) -> Option<&'static str> {
    if let Some(inner) = inner(message) {
        return media_type(inner);
    }
    Some(if message.extended_text_message.as_ref().is_some_and(|m| m.title.is_some()) {
        "url"
    } else if message.image_message.is_some() {
        "image"
    } else if message.sticker_message.is_some() {
        "sticker"
    } else if message.document_message.is_some() {
        "document"
    } else if let Some(audio) = &message.audio_message {
        if audio.ptt() {
            "ptt"
        } else {
            "audio"
        }
    } else if let Some(video) = &message.video_message {
        if video.gif_playback() {
            "gif"
        } else {
            "video"
        }
    } else if message.ptv_message.is_some() {
        "ptv"
    } else if message.contact_message.is_some() {
        "vcard"
    } else if message.contacts_array_message.is_some() {
        "contact_array"
    } else {
        return None;
    })
}

/// The `edit` attribute: edits, revokes, reaction removals and pins are marked so that
/// receivers that cannot decrypt them stay quiet.
pub fn edit_attribute(message: &proto::Message) -> Option<&'static str> {
    if let Some(inner) = message.edited_message.as_ref().and_then(|w| w.message.as_deref()) {
        return edit_attribute(inner);
    }
    if let Some(protocol) = &message.protocol_message {
        if let Some(key) = &protocol.key {
            match protocol.r#type() {
                protocol_message::Type::Revoke => {
                    return Some(if key.from_me() {
                        edit::SENDER_REVOKE
                    } else {
                        edit::ADMIN_REVOKE
                    })
                }
                protocol_message::Type::MessageEdit if protocol.edited_message.is_some() => {
                    return Some(edit::MESSAGE_EDIT)
                }
                _ => {}
            }
        }
    }
    if message.reaction_message.as_ref().is_some_and(|r| r.text().is_empty()) {
        return Some(edit::SENDER_REVOKE);
    }
    if let Some(keep) = &message.keep_in_chat_message {
        if keep.key.as_ref().is_some_and(|k| k.from_me())
            && keep.keep_type() == KeepType::UndoKeepForAll
        {
            return Some(edit::SENDER_REVOKE);
        }
    }
    if message.pin_in_chat_message.is_some() {
        return Some(edit::PIN_IN_CHAT);
    }
    None
}
