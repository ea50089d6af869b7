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
    /// An edit of an earlier message (`protocolMessage` `MESSAGE_EDIT`; see `edit`).
    Edit,
    /// A deletion for everyone of an earlier message (`protocolMessage` `REVOKE`; see
    /// `revoke`).
    Revoke,
    /// Any other `protocolMessage` (app state keys, history sync notifications…).
    Protocol,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Location,
    Contact,
    Poll,
    /// A vote in a poll (`pollUpdateMessage`; see `poll_vote`).
    PollVote,
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
        } else if crate::message::edit_of(message).is_some() {
            Self::Edit
        } else if crate::message::revoke_of(message).is_some() {
            Self::Revoke
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
        } else if crate::message::poll_of(message).is_some() {
            Self::Poll
        } else if message.poll_update_message.is_some() {
            Self::PollVote
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

/// The message an edit, a revoke or a vote is about (its `MessageKey`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    /// The chat (MessageKey `remoteJid`).
    pub chat: Option<String>,
    pub id: String,
    /// Whether the sender of this message sent that one too (MessageKey `fromMe`).
    pub from_me: bool,
    /// In groups, who sent that message (MessageKey `participant`).
    pub participant: Option<String>,
}

impl MessageRef {
    fn of(key: &proto::MessageKey) -> Self {
        Self {
            chat: key.remote_jid.clone(),
            id: key.id.clone().unwrap_or_default(),
            from_me: key.from_me.unwrap_or(false),
            participant: key.participant.clone(),
        }
    }
}

/// An edit: the message edited and its new text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    #[serde(flatten)]
    pub target: MessageRef,
    /// The new text (or caption); the new content whole is the protobuf's.
    pub text: Option<String>,
    /// When the sender edited it, unix milliseconds.
    pub timestamp_ms: Option<i64>,
}

/// A poll as created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    pub name: String,
    pub options: Vec<String>,
    /// How many options a voter may choose; 0: any number.
    pub selectable: u32,
}

/// A vote: the poll voted in and, when the client could open the vote (it knows the poll's
/// secret), the options chosen (empty: the vote was withdrawn).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollVote {
    #[serde(flatten)]
    pub poll: MessageRef,
    pub selected: Option<Vec<String>>,
    pub sender_timestamp_ms: Option<i64>,
}

/// What a received message says: the unwrapped `Message` and the wrappers it came in.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageContent {
    /// The `Message` protobuf, unwrapped (no device-sent, ephemeral, view-once… wrapper).
    pub proto: proto::Message,
    /// The wrappers it came in.
    pub flags: MessageFlags,
    /// For a vote the client opened: the names of the options chosen.
    pub poll_selection: Option<Vec<String>>,
}

impl MessageContent {
    pub fn new(proto: proto::Message, flags: MessageFlags) -> Self {
        Self { proto, flags, poll_selection: None }
    }

    /// With the options a vote chose, once opened.
    pub fn with_poll_selection(mut self, selected: Vec<String>) -> Self {
        self.poll_selection = Some(selected);
        self
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

    /// For an edit: the message edited and its new text.
    pub fn edit(&self) -> Option<Edit> {
        let of = crate::message::edit_of(&self.proto)?;
        let new = MessageContent::new(of.message.clone(), MessageFlags::default());
        Some(Edit {
            target: MessageRef::of(of.key),
            text: new.text().map(str::to_owned),
            timestamp_ms: of.timestamp_ms,
        })
    }

    /// For a revoke: the message deleted for everyone.
    pub fn revoke(&self) -> Option<MessageRef> {
        crate::message::revoke_of(&self.proto).map(MessageRef::of)
    }

    /// For a poll: its question and options.
    pub fn poll(&self) -> Option<Poll> {
        let (poll, _) = crate::message::poll_of(&self.proto)?;
        Some(Poll { name: poll.name, options: poll.options, selectable: poll.selectable })
    }

    /// For a vote: the poll and, when opened, the options chosen.
    pub fn poll_vote(&self) -> Option<PollVote> {
        let update = self.proto.poll_update_message.as_ref()?;
        Some(PollVote {
            poll: update.poll_creation_message_key.as_ref().map(MessageRef::of)?,
            selected: self.poll_selection.clone(),
            sender_timestamp_ms: update.sender_timestamp_ms,
        })
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
    edit: Option<Edit>,
    revoke: Option<MessageRef>,
    poll: Option<Poll>,
    poll_vote: Option<PollVote>,
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
            edit: self.edit(),
            revoke: self.revoke(),
            poll: self.poll(),
            poll_vote: self.poll_vote(),
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
    #[serde(default)]
    poll_vote: Option<PollVote>,
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let poll_selection = wire.poll_vote.and_then(|v| v.selected);
        Ok(Self { proto: wire.raw, flags: wire.flags, poll_selection })
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
