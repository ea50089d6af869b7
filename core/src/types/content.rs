//! [`MessageContent`]: a received message in a stable JSON form. The most used parts are
//! spelled out (kind, text, reply, mentions, reaction); everything else is in `raw`, the
//! protobuf bytes (base64 in JSON) that any binding can decode with the `Message` schema.
use prost::Message as _;
use serde::{Deserialize, Serialize};

use super::base64_bytes;
use crate::message::MessageFlags;
use crate::proto;

/// What a received message says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageContent {
    /// `text` (conversation or extendedTextMessage), `reaction`, `protocol`, `image`, `video`,
    /// `audio`, `document`, `sticker`, `location`, `contact`, `poll`, or `other`.
    pub kind: String,
    /// The text, or the caption of a media message.
    pub text: Option<String>,
    /// The id of the message this one replies to (ContextInfo `stanzaId`).
    pub reply_to: Option<String>,
    /// Who sent the quoted message (ContextInfo `participant`).
    pub reply_to_sender: Option<String>,
    /// Mentioned users, as JID strings.
    pub mentions: Vec<String>,
    /// For a reaction: the message reacted to and the emoji (empty: removed).
    pub reaction: Option<Reaction>,
    /// The wrappers the message came in (device-sent, ephemeral, view-once, edit).
    pub flags: MessageFlags,
    /// The unwrapped `Message` protobuf, base64 in JSON.
    #[serde(with = "base64_bytes")]
    pub raw: Vec<u8>,
}

/// A reaction's target and emoji.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The chat of the message reacted to (MessageKey `remoteJid`).
    pub chat: Option<String>,
    pub id: String,
    /// Whether the reactor itself sent the message reacted to (MessageKey `fromMe`).
    pub from_me: bool,
    /// The group member who sent the message reacted to (MessageKey `participant`).
    pub participant: Option<String>,
    /// The emoji; empty when the reaction is removed.
    pub emoji: String,
}

fn context_of(message: &proto::Message) -> Option<&proto::ContextInfo> {
    message.extended_text_message.as_ref().and_then(|m| m.context_info.as_deref())
}

impl MessageContent {
    /// Describes `message` (already unwrapped) with the wrappers `flags`.
    pub fn from_message(message: &proto::Message, flags: MessageFlags) -> Self {
        let (kind, text) = if let Some(text) = &message.conversation {
            ("text", Some(text.clone()))
        } else if let Some(ext) = &message.extended_text_message {
            ("text", ext.text.clone())
        } else if message.reaction_message.is_some() {
            ("reaction", None)
        } else if message.protocol_message.is_some() {
            ("protocol", None)
        } else if let Some(m) = &message.image_message {
            ("image", m.caption.clone())
        } else if let Some(m) = &message.video_message {
            ("video", m.caption.clone())
        } else if message.audio_message.is_some() {
            ("audio", None)
        } else if let Some(m) = &message.document_message {
            ("document", m.caption.clone())
        } else if message.sticker_message.is_some() {
            ("sticker", None)
        } else if message.location_message.is_some() {
            ("location", None)
        } else if message.contact_message.is_some() {
            ("contact", None)
        } else if message.poll_creation_message.is_some() {
            ("poll", None)
        } else {
            ("other", None)
        };
        let context = context_of(message);
        let reaction = message.reaction_message.as_ref().map(|r| {
            let key = r.key.clone().unwrap_or_default();
            Reaction {
                chat: key.remote_jid,
                id: key.id.unwrap_or_default(),
                from_me: key.from_me.unwrap_or(false),
                participant: key.participant,
                emoji: r.text.clone().unwrap_or_default(),
            }
        });
        Self {
            kind: kind.to_owned(),
            text,
            reply_to: context.and_then(|c| c.stanza_id.clone()),
            reply_to_sender: context.and_then(|c| c.participant.clone()),
            mentions: context.map(|c| c.mentioned_jid.clone()).unwrap_or_default(),
            reaction,
            flags,
            raw: message.encode_to_vec(),
        }
    }

    /// The `Message` protobuf back from `raw`.
    pub fn decode(&self) -> Result<proto::Message, prost::DecodeError> {
        proto::Message::decode(self.raw.as_slice())
    }
}
