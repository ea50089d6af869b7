//! [`MessageContent`]: a received message, decoded once. Rust reads the `Message` protobuf
//! ([`MessageContent::proto`]) and the accessors for the parts used most (kind, text, reply,
//! mentions, reaction); the JSON view spells those parts out beside `flags` and `raw` (the
//! protobuf's bytes, base64), which is what C, Python, Node and the webhooks receive.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::base64_bytes;
use crate::message::MessageFlags;
use crate::proto;

/// Which part of a `Message` a received message fills (the JSON `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// `conversation` or `extendedTextMessage`.
    Text,
    Reaction,
    /// A `protocolMessage` (app state keys, history sync notifications, revokes, edits…).
    Protocol,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Location,
    Contact,
    Poll,
    /// Anything this version does not name.
    Other,
}

impl MessageKind {
    /// The kind of an (unwrapped) message.
    pub fn of(message: &proto::Message) -> Self {
        if message.conversation.is_some() || message.extended_text_message.is_some() {
            Self::Text
        } else if message.reaction_message.is_some() {
            Self::Reaction
        } else if message.protocol_message.is_some() {
            Self::Protocol
        } else if message.image_message.is_some() {
            Self::Image
        } else if message.video_message.is_some() {
            Self::Video
        } else if message.audio_message.is_some() {
            Self::Audio
        } else if message.document_message.is_some() {
            Self::Document
        } else if message.sticker_message.is_some() {
            Self::Sticker
        } else if message.location_message.is_some() {
            Self::Location
        } else if message.contact_message.is_some() {
            Self::Contact
        } else if message.poll_creation_message.is_some() {
            Self::Poll
        } else {
            Self::Other
        }
    }
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

/// What a received message says: the unwrapped `Message` and the wrappers it came in.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageContent {
    /// The `Message` protobuf, unwrapped (no device-sent, ephemeral, view-once… wrapper).
    pub proto: proto::Message,
    /// The wrappers it came in.
    pub flags: MessageFlags,
}

impl MessageContent {
    pub fn new(proto: proto::Message, flags: MessageFlags) -> Self {
        Self { proto, flags }
    }

    pub fn kind(&self) -> MessageKind {
        MessageKind::of(&self.proto)
    }

    /// The text, or the caption of an image, video or document.
    pub fn text(&self) -> Option<&str> {
        let m = &self.proto;
        if let Some(text) = &m.conversation {
            return Some(text);
        }
        match MessageKind::of(m) {
            MessageKind::Text => m.extended_text_message.as_ref()?.text.as_deref(),
            MessageKind::Image => m.image_message.as_ref()?.caption.as_deref(),
            MessageKind::Video => m.video_message.as_ref()?.caption.as_deref(),
            MessageKind::Document => m.document_message.as_ref()?.caption.as_deref(),
            _ => None,
        }
    }

    fn context(&self) -> Option<&proto::ContextInfo> {
        self.proto.extended_text_message.as_ref()?.context_info.as_deref()
    }

    /// The id of the message this one replies to (ContextInfo `stanzaId`).
    pub fn reply_to(&self) -> Option<&str> {
        self.context()?.stanza_id.as_deref()
    }

    /// Who sent the quoted message (ContextInfo `participant`).
    pub fn reply_to_sender(&self) -> Option<&str> {
        self.context()?.participant.as_deref()
    }

    /// Mentioned users, as JID strings.
    pub fn mentions(&self) -> &[String] {
        self.context().map_or(&[], |c| c.mentioned_jid.as_slice())
    }

    /// For a reaction: the message reacted to and the emoji (empty: removed).
    pub fn reaction(&self) -> Option<Reaction> {
        let r = self.proto.reaction_message.as_ref()?;
        let key = r.key.clone().unwrap_or_default();
        Some(Reaction {
            chat: key.remote_jid,
            id: key.id.unwrap_or_default(),
            from_me: key.from_me.unwrap_or(false),
            participant: key.participant,
            emoji: r.text.clone().unwrap_or_default(),
        })
    }
}

/// The JSON view (see `EVENTS.md`).
#[derive(Serialize)]
struct View<'a> {
    kind: MessageKind,
    text: Option<&'a str>,
    reply_to: Option<&'a str>,
    reply_to_sender: Option<&'a str>,
    mentions: &'a [String],
    reaction: Option<Reaction>,
    flags: &'a MessageFlags,
    #[serde(serialize_with = "base64_bytes::serialize")]
    raw: Vec<u8>,
}

impl Serialize for MessageContent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use prost::Message as _;
        View {
            kind: self.kind(),
            text: self.text(),
            reply_to: self.reply_to(),
            reply_to_sender: self.reply_to_sender(),
            mentions: self.mentions(),
            reaction: self.reaction(),
            flags: &self.flags,
            raw: self.proto.encode_to_vec(),
        }
        .serialize(serializer)
    }
}

/// Back from JSON: `raw` and `flags` are the content; the other keys are views of them.
#[derive(Deserialize)]
struct Wire {
    #[serde(default)]
    flags: MessageFlags,
    #[serde(with = "super::proto_base64")]
    raw: proto::Message,
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self { proto: wire.raw, flags: wire.flags })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::Jid;
    use crate::message::{message_key, reaction, reply, text, QuotedMessage};

    #[test]
    fn the_view_spells_out_what_the_protobuf_says() {
        let sender: Jid = "15550001111@s.whatsapp.net".parse().unwrap();
        let quoted = text("original");
        let mention: Jid = "15550002222@s.whatsapp.net".parse().unwrap();
        let q = QuotedMessage { id: "Q1", sender: &sender, message: &quoted };
        let content = MessageContent::new(
            reply("hi @15550002222", Some(&q), std::slice::from_ref(&mention)),
            MessageFlags::default(),
        );
        assert_eq!(content.kind(), MessageKind::Text);
        assert_eq!(content.text(), Some("hi @15550002222"));
        let json = serde_json::to_value(&content).unwrap();
        assert_eq!(json["kind"], "text");
        assert_eq!(json["reply_to"], "Q1");
        assert_eq!(json["reply_to_sender"], "15550001111@s.whatsapp.net");
        assert_eq!(json["mentions"][0], "15550002222@s.whatsapp.net");
        assert_eq!(serde_json::from_value::<MessageContent>(json).unwrap(), content);

        let key = message_key(&sender, &sender, "M1", false);
        let content = MessageContent::new(reaction(key, "👍", 1), MessageFlags::default());
        let json = serde_json::to_value(&content).unwrap();
        assert_eq!((&json["kind"], &json["text"]), (&"reaction".into(), &serde_json::Value::Null));
        assert_eq!(json["reaction"]["emoji"], "👍");
        assert_eq!(json["reaction"]["id"], "M1");
    }
}
