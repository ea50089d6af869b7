//! [`HistorySync`]: a history-sync blob from our phone, downloaded and decoded (whatsmeow
//! `events.HistorySync`). The parts a bot acts on are spelled out (chats with their messages,
//! push names, phone-number↔LID pairs); `proto` is the whole decoded `HistorySync` (`raw`,
//! its bytes in base64, in JSON).
use prost::Message as _;
use serde::{Deserialize, Serialize};

use super::MessageContent;
use crate::message::MessageFlags;
use crate::proto;

/// One history-sync chunk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistorySync {
    /// The proto's `syncType` in snake_case: `initial_bootstrap`, `initial_status_v3`, `full`,
    /// `recent`, `push_name`, `non_blocking_data`, `on_demand`, `no_history`… (`unknown_N`
    /// for a value this version does not know).
    pub sync_type: String,
    /// Position of this chunk among the chunks of one sync (from 1).
    pub chunk_order: Option<u32>,
    /// How far the whole sync is, in percent.
    pub progress: Option<u32>,
    pub conversations: Vec<HistoryConversation>,
    /// Push names the phone knows (in `push_name` syncs).
    pub push_names: Vec<PushName>,
    /// Phone-number JID ↔ LID pairs (already saved to the client's LID map).
    pub lid_mappings: Vec<LidMapping>,
    /// The decoded `HistorySync` protobuf (JSON `raw`: its encoding in base64).
    #[serde(rename = "raw", with = "super::proto_base64")]
    pub proto: proto::HistorySync,
}

/// A chat and its most recent messages, newest first (as the phone sends them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryConversation {
    /// The chat's JID (a user, a group, a LID…).
    pub chat: String,
    /// The group subject or the contact's name, when the phone sent one.
    pub name: Option<String>,
    /// Unix seconds of the chat's last activity.
    pub timestamp: Option<u64>,
    pub unread_count: u32,
    pub archived: bool,
    pub messages: Vec<HistoryMessage>,
}

/// One stored message of a [`HistoryConversation`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryMessage {
    pub id: String,
    pub from_me: bool,
    /// The group member who sent it (none in one-to-one chats).
    pub participant: Option<String>,
    /// Unix seconds.
    pub timestamp: Option<u64>,
    pub push_name: Option<String>,
    /// What it says; none for a system message without content.
    pub message: Option<MessageContent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushName {
    pub jid: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LidMapping {
    /// `user@s.whatsapp.net`
    pub pn: String,
    /// `user@lid`
    pub lid: String,
}

/// `INITIAL_BOOTSTRAP` → `initial_bootstrap`.
fn sync_type_name(value: Option<i32>) -> String {
    let value = value.unwrap_or(0);
    match proto::HistorySyncType::try_from(value) {
        Ok(t) => t.as_str_name().to_ascii_lowercase(),
        Err(_) => format!("unknown_{value}"),
    }
}

impl HistoryMessage {
    fn from_proto(info: &proto::WebMessageInfo) -> Self {
        let key = info.key.clone().unwrap_or_default();
        Self {
            id: key.id.unwrap_or_default(),
            from_me: key.from_me.unwrap_or(false),
            participant: key.participant.or_else(|| info.participant.clone()),
            timestamp: info.message_timestamp,
            push_name: info.push_name.clone(),
            message: info
                .message
                .as_ref()
                .map(|m| MessageContent::new(m.clone(), MessageFlags::default())),
        }
    }
}

impl HistoryConversation {
    fn from_proto(c: &proto::Conversation) -> Self {
        Self {
            chat: c.id.clone().unwrap_or_default(),
            name: c.name.clone().or_else(|| c.display_name.clone()),
            timestamp: c.conversation_timestamp.or(c.last_msg_timestamp),
            unread_count: c.unread_count.unwrap_or(0),
            archived: c.archived.unwrap_or(false),
            messages: c
                .messages
                .iter()
                .filter_map(|m| m.message.as_ref())
                .map(HistoryMessage::from_proto)
                .collect(),
        }
    }
}

impl HistorySync {
    /// Describes a decoded `HistorySync` (a copy of it is kept as `proto`).
    pub fn from_proto(sync: &proto::HistorySync) -> Self {
        Self::describe(sync.clone())
    }

    /// Decodes and describes the protobuf bytes of a `HistorySync`.
    pub fn from_raw(raw: &[u8]) -> Result<Self, prost::DecodeError> {
        Ok(Self::describe(proto::HistorySync::decode(raw)?))
    }

    fn describe(sync: proto::HistorySync) -> Self {
        let mut lid_mappings: Vec<LidMapping> = sync
            .phone_number_to_lid_mappings
            .iter()
            .filter_map(|m| Some(LidMapping { pn: m.pn_jid.clone()?, lid: m.lid_jid.clone()? }))
            .collect();
        // Chats name their other identity too.
        lid_mappings.extend(
            sync.conversations.iter().filter_map(|c| {
                Some(LidMapping { pn: c.pn_jid.clone()?, lid: c.lid_jid.clone()? })
            }),
        );
        lid_mappings.sort_by(|a, b| (&a.pn, &a.lid).cmp(&(&b.pn, &b.lid)));
        lid_mappings.dedup();
        Self {
            sync_type: sync_type_name(sync.sync_type),
            chunk_order: sync.chunk_order,
            progress: sync.progress,
            conversations: sync.conversations.iter().map(HistoryConversation::from_proto).collect(),
            push_names: sync
                .pushnames
                .iter()
                .filter_map(|p| Some(PushName { jid: p.id.clone()?, name: p.pushname.clone()? }))
                .collect(),
            lid_mappings,
            proto: sync,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> proto::HistorySync {
        proto::HistorySync {
            sync_type: Some(proto::HistorySyncType::InitialBootstrap as i32),
            chunk_order: Some(1),
            progress: Some(100),
            conversations: vec![proto::Conversation {
                id: Some("15550001111@s.whatsapp.net".into()),
                name: Some("Ann".into()),
                conversation_timestamp: Some(1_700_000_100),
                unread_count: Some(2),
                pn_jid: Some("15550001111@s.whatsapp.net".into()),
                lid_jid: Some("901@lid".into()),
                messages: vec![proto::HistorySyncMsg {
                    message: Some(proto::WebMessageInfo {
                        key: Some(proto::MessageKey {
                            remote_jid: Some("15550001111@s.whatsapp.net".into()),
                            from_me: Some(false),
                            id: Some("M1".into()),
                            participant: None,
                        }),
                        message: Some(proto::Message {
                            conversation: Some("hello".into()),
                            ..Default::default()
                        }),
                        message_timestamp: Some(1_700_000_100),
                        push_name: Some("Ann".into()),
                        ..Default::default()
                    }),
                    msg_order_id: Some(1),
                }],
                ..Default::default()
            }],
            pushnames: vec![proto::Pushname {
                id: Some("15550002222@s.whatsapp.net".into()),
                pushname: Some("Bo".into()),
            }],
            phone_number_to_lid_mappings: vec![proto::PhoneNumberToLidMapping {
                pn_jid: Some("15550001111@s.whatsapp.net".into()),
                lid_jid: Some("901@lid".into()),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn describes_chats_names_and_mappings() {
        let sync = HistorySync::from_proto(&sample());
        assert_eq!(sync.sync_type, "initial_bootstrap");
        assert_eq!((sync.chunk_order, sync.progress), (Some(1), Some(100)));
        let chat = &sync.conversations[0];
        assert_eq!(chat.chat, "15550001111@s.whatsapp.net");
        assert_eq!((chat.name.as_deref(), chat.unread_count), (Some("Ann"), 2));
        let message = &chat.messages[0];
        assert_eq!((message.id.as_str(), message.from_me), ("M1", false));
        let content = message.message.as_ref().unwrap();
        assert_eq!(
            (content.kind(), content.text()),
            (crate::types::MessageKind::Text, Some("hello"))
        );
        assert_eq!(
            sync.push_names,
            [PushName { jid: "15550002222@s.whatsapp.net".into(), name: "Bo".into() }]
        );
        // The conversation repeats the table's pair: listed once.
        assert_eq!(
            sync.lid_mappings,
            [LidMapping { pn: "15550001111@s.whatsapp.net".into(), lid: "901@lid".into() }]
        );
        assert_eq!(sync.proto, sample());
    }

    #[test]
    fn unknown_sync_types_keep_their_number() {
        let sync = proto::HistorySync { sync_type: Some(42), ..Default::default() };
        assert_eq!(HistorySync::from_proto(&sync).sync_type, "unknown_42");
        let sync = proto::HistorySync {
            sync_type: Some(proto::HistorySyncType::PushName as i32),
            ..Default::default()
        };
        assert_eq!(HistorySync::from_proto(&sync).sync_type, "push_name");
    }

    #[test]
    fn json_carries_raw_as_base64() {
        let sync = HistorySync::from_proto(&sample());
        assert_eq!(HistorySync::from_raw(&sample().encode_to_vec()).unwrap(), sync);
        let json = serde_json::to_value(&sync).unwrap();
        assert_eq!(json["conversations"][0]["messages"][0]["message"]["text"], "hello");
        let back: HistorySync = serde_json::from_value(json).unwrap();
        assert_eq!(back, sync);
    }
}
