//! The history a phone hands a new companion: `HistorySync` blobs (protobuf, zlib-deflated,
//! encrypted as media with the "WhatsApp History Keys" info and uploaded under `md-msg-hist`,
//! whatsmeow `DownloadHistorySync`), announced by `HISTORY_SYNC_NOTIFICATION`s. As a real
//! phone does first, an `INITIAL_BOOTSTRAP` with the recent chats (the account's groups and the
//! conversations in the phone's inbox, newest first, with their latest texts and the
//! phone-number↔LID mappings of the people in them), then a `PUSH_NAME` with the push names
//! the sandbox knows.
use std::collections::BTreeMap;
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use prost::Message as _;
use wazap::binary::{Jid, Server};
use wazap::crypto::media::{encrypt, generate_media_key, MediaType};
use wazap::proto::{
    group_participant, Conversation, GroupParticipant, HistorySync, HistorySyncMsg,
    HistorySyncNotification, HistorySyncType, Message, MessageKey, PhoneNumberToLidMapping,
    Pushname, WebMessageInfo,
};

use crate::state::groups::Role;
use crate::state::State;

/// Most conversations in the bootstrap, and most messages per conversation.
pub const MAX_CHATS: usize = 50;
pub const MAX_MESSAGES_PER_CHAT: usize = 20;

/// The chats of the bootstrap blob, as the phone of `phone` knows them.
pub fn initial_bootstrap(state: &State, phone: &str) -> HistorySync {
    let mut chats: BTreeMap<String, Conversation> = BTreeMap::new();
    let mut people: Vec<String> = Vec::new();
    for group in state.durable.groups.values().filter(|g| g.members.contains_key(phone)) {
        let jid = Jid::new(group.id.clone(), Server::Group).to_string();
        let participant = group
            .members
            .iter()
            .map(|(member, role)| GroupParticipant {
                user_jid: Some(Jid::pn(member.clone()).to_string()),
                rank: Some(match role {
                    Role::Member => group_participant::Rank::Regular,
                    Role::Admin => group_participant::Rank::Admin,
                    Role::Superadmin => group_participant::Rank::Superadmin,
                } as i32),
            })
            .collect();
        people.extend(group.members.keys().cloned());
        chats.insert(
            jid.clone(),
            Conversation {
                id: Some(jid),
                name: Some(group.subject.clone()),
                conversation_timestamp: Some(group.creation),
                participant,
                ..Default::default()
            },
        );
    }
    for entry in state.durable.inboxes.get(phone).into_iter().flatten() {
        if entry.kind != "text" {
            continue;
        }
        let Ok(chat) = entry.chat.parse::<Jid>() else { continue };
        let sender = entry.sender.parse::<Jid>().ok();
        let from_me = sender.as_ref().and_then(|s| state.phone_of(s)).as_deref() == Some(phone);
        if let Some(owner) = state.phone_of(&chat) {
            people.push(owner);
        }
        let conversation = chats
            .entry(chat.to_string())
            .or_insert_with(|| Conversation { id: Some(chat.to_string()), ..Default::default() });
        let info = WebMessageInfo {
            key: Some(MessageKey {
                remote_jid: Some(chat.to_string()),
                from_me: Some(from_me),
                id: Some(entry.id.clone()),
                participant: (chat.server == Server::Group)
                    .then(|| sender.as_ref().map(|s| s.to_non_ad().to_string()))
                    .flatten(),
            }),
            message: Some(Message { conversation: Some(entry.text.clone()), ..Default::default() }),
            message_timestamp: Some(entry.timestamp),
            ..Default::default()
        };
        conversation.messages.push(HistorySyncMsg { message: Some(info), msg_order_id: None });
        let newest = conversation.conversation_timestamp.unwrap_or(0).max(entry.timestamp);
        conversation.conversation_timestamp = Some(newest);
        conversation.last_msg_timestamp = Some(newest);
    }
    let mut conversations: Vec<Conversation> = chats.into_values().collect();
    for c in &mut conversations {
        // Newest first, as the phone sends them; order ids count up from the oldest.
        let skip = c.messages.len().saturating_sub(MAX_MESSAGES_PER_CHAT);
        c.messages.drain(..skip);
        for (i, m) in c.messages.iter_mut().enumerate() {
            m.msg_order_id = Some(i as u64 + 1);
        }
        c.messages.reverse();
    }
    conversations.sort_by_key(|c| std::cmp::Reverse(c.conversation_timestamp.unwrap_or(0)));
    conversations.truncate(MAX_CHATS);
    people.sort();
    people.dedup();
    let phone_number_to_lid_mappings = people
        .iter()
        .filter_map(|p| state.account(p))
        .map(|a| PhoneNumberToLidMapping {
            pn_jid: Some(a.jid().to_string()),
            lid_jid: Some(a.lid_jid().to_string()),
        })
        .collect();
    HistorySync {
        sync_type: Some(HistorySyncType::InitialBootstrap as i32),
        conversations,
        chunk_order: Some(1),
        progress: Some(100),
        phone_number_to_lid_mappings,
        ..Default::default()
    }
}

/// The push names of every account the sandbox knows (but the phone's own) that has one.
pub fn push_names(state: &State, phone: &str) -> HistorySync {
    let pushnames = state
        .durable
        .accounts
        .values()
        .filter(|a| a.phone != phone && !a.push_name.is_empty())
        .map(|a| Pushname { id: Some(a.jid().to_string()), pushname: Some(a.push_name.clone()) })
        .collect();
    HistorySync {
        sync_type: Some(HistorySyncType::PushName as i32),
        pushnames,
        chunk_order: Some(1),
        progress: Some(100),
        ..Default::default()
    }
}

/// A blob ready for the media host and the notification that announces it (its direct path
/// is filled in by the caller, who stores the blob).
pub struct Prepared {
    /// `ciphertext ‖ mac`.
    pub blob: Vec<u8>,
    /// Hex SHA-256 of `blob`: its media-host id.
    pub blob_id: String,
    pub notification: HistorySyncNotification,
}

/// Encodes, deflates (zlib) and encrypts `history` with a fresh media key.
pub fn prepare(history: &HistorySync) -> std::io::Result<Prepared> {
    let mut deflater = ZlibEncoder::new(Vec::new(), Compression::default());
    deflater.write_all(&history.encode_to_vec())?;
    let compressed = deflater.finish()?;
    let media_key = generate_media_key();
    let (blob, info) = encrypt(&compressed, &media_key, MediaType::History);
    Ok(Prepared {
        blob,
        blob_id: hex::encode(info.file_enc_sha256),
        notification: HistorySyncNotification {
            file_sha256: Some(info.file_sha256.to_vec()),
            file_length: Some(info.file_length),
            media_key: Some(media_key.to_vec()),
            file_enc_sha256: Some(info.file_enc_sha256.to_vec()),
            direct_path: None,
            sync_type: history.sync_type,
            chunk_order: history.chunk_order,
            progress: history.progress,
            ..Default::default()
        },
    })
}
