//! The `HistorySync` webhook: whatsmeow's `events.HistorySync` as wuzapi forwards it,
//! `{"type":"HistorySync","event":{"Data":{…}}}`, where `Data` is the `HistorySync` protobuf
//! marshalled by Go's `encoding/json`. Keys are the json tags whatsmeow generates from its
//! .proto field names (tulir/whatsmeow proto/waHistorySync/WAWebProtobufsHistorySync.pb.go
//! and proto/waWeb/WAWebProtobufsWeb.pb.go: `syncType`, `conversations[].ID`, `pnJID`,
//! `pushnames[].ID`, `msgOrderID`, `key.remoteJID`…); enums are numbers, 64-bit integers
//! numbers, bytes standard base64, and unset fields (and empty lists and byte strings) are
//! omitted. Every field of our `wa_history.proto` subset is mapped; the stored `Message` of each
//! entry goes through [`crate::message_json`].
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use wazap::proto;
use wazap::types::HistorySync;

use crate::message_json::{self, message_key, put, put_bytes};

/// The webhook body of a history sync (the protobuf the core decoded).
pub fn webhook(sync: &HistorySync) -> Value {
    json!({ "type": "HistorySync", "event": { "Data": history_sync(&sync.proto) } })
}

/// `waHistorySync.HistorySync` as Go's JSON.
pub fn history_sync(sync: &proto::HistorySync) -> Value {
    let mut o = Map::new();
    put(&mut o, "syncType", sync.sync_type);
    put_list(&mut o, "conversations", &sync.conversations, conversation);
    put_list(&mut o, "statusV3Messages", &sync.status_v3_messages, web_message_info);
    put(&mut o, "chunkOrder", sync.chunk_order);
    put(&mut o, "progress", sync.progress);
    put_list(&mut o, "pushnames", &sync.pushnames, |p| {
        let mut m = Map::new();
        put(&mut m, "ID", p.id.clone());
        put(&mut m, "pushname", p.pushname.clone());
        Value::Object(m)
    });
    put_bytes(&mut o, "threadIDUserSecret", &sync.thread_id_user_secret);
    put(&mut o, "threadDsTimeframeOffset", sync.thread_ds_timeframe_offset);
    put_list(&mut o, "pastParticipants", &sync.past_participants, past_participants);
    put_list(&mut o, "phoneNumberToLidMappings", &sync.phone_number_to_lid_mappings, |m| {
        let mut out = Map::new();
        put(&mut out, "pnJID", m.pn_jid.clone());
        put(&mut out, "lidJID", m.lid_jid.clone());
        Value::Object(out)
    });
    put(&mut o, "companionMetaNonce", sync.companion_meta_nonce.clone());
    put_bytes(
        &mut o,
        "shareableChatIdentifierEncryptionKey",
        &sync.shareable_chat_identifier_encryption_key,
    );
    Value::Object(o)
}

/// `waHistorySync.Conversation`: a chat, its metadata and its messages.
fn conversation(c: &proto::Conversation) -> Value {
    let mut o = Map::new();
    put(&mut o, "ID", c.id.clone());
    put_list(&mut o, "messages", &c.messages, |m| {
        let mut out = Map::new();
        if let Some(info) = &m.message {
            out.insert("message".into(), web_message_info(info));
        }
        put(&mut out, "msgOrderID", m.msg_order_id);
        Value::Object(out)
    });
    put(&mut o, "newJID", c.new_jid.clone());
    put(&mut o, "oldJID", c.old_jid.clone());
    put(&mut o, "lastMsgTimestamp", c.last_msg_timestamp);
    put(&mut o, "unreadCount", c.unread_count);
    put(&mut o, "readOnly", c.read_only);
    put(&mut o, "endOfHistoryTransfer", c.end_of_history_transfer);
    put(&mut o, "ephemeralExpiration", c.ephemeral_expiration);
    put(&mut o, "ephemeralSettingTimestamp", c.ephemeral_setting_timestamp);
    put(&mut o, "endOfHistoryTransferType", c.end_of_history_transfer_type);
    put(&mut o, "conversationTimestamp", c.conversation_timestamp);
    put(&mut o, "name", c.name.clone());
    put(&mut o, "pHash", c.p_hash.clone());
    put(&mut o, "notSpam", c.not_spam);
    put(&mut o, "archived", c.archived);
    if let Some(mode) = &c.disappearing_mode {
        let mut m = Map::new();
        put(&mut m, "initiator", mode.initiator);
        put(&mut m, "trigger", mode.trigger);
        put(&mut m, "initiatorDeviceJID", mode.initiator_device_jid.clone());
        put(&mut m, "initiatedByMe", mode.initiated_by_me);
        o.insert("disappearingMode".into(), Value::Object(m));
    }
    put(&mut o, "unreadMentionCount", c.unread_mention_count);
    put(&mut o, "markedAsUnread", c.marked_as_unread);
    put_list(&mut o, "participant", &c.participant, |p| {
        let mut m = Map::new();
        put(&mut m, "userJID", p.user_jid.clone());
        put(&mut m, "rank", p.rank);
        Value::Object(m)
    });
    put_bytes(&mut o, "tcToken", &c.tc_token);
    put(&mut o, "tcTokenTimestamp", c.tc_token_timestamp);
    put_bytes(&mut o, "contactPrimaryIdentityKey", &c.contact_primary_identity_key);
    put(&mut o, "pinned", c.pinned);
    put(&mut o, "muteEndTime", c.mute_end_time);
    put(&mut o, "tcTokenSenderTimestamp", c.tc_token_sender_timestamp);
    put(&mut o, "suspended", c.suspended);
    put(&mut o, "terminated", c.terminated);
    put(&mut o, "createdAt", c.created_at);
    put(&mut o, "createdBy", c.created_by.clone());
    put(&mut o, "description", c.description.clone());
    put(&mut o, "support", c.support);
    put(&mut o, "isParentGroup", c.is_parent_group);
    put(&mut o, "parentGroupID", c.parent_group_id.clone());
    put(&mut o, "isDefaultSubgroup", c.is_default_subgroup);
    put(&mut o, "displayName", c.display_name.clone());
    put(&mut o, "pnJID", c.pn_jid.clone());
    put(&mut o, "shareOwnPn", c.share_own_pn);
    put(&mut o, "pnhDuplicateLidThread", c.pnh_duplicate_lid_thread);
    put(&mut o, "lidJID", c.lid_jid.clone());
    put(&mut o, "username", c.username.clone());
    put(&mut o, "lidOriginType", c.lid_origin_type.clone());
    put(&mut o, "commentsCount", c.comments_count);
    put(&mut o, "locked", c.locked);
    Value::Object(o)
}

fn past_participants(p: &proto::PastParticipants) -> Value {
    let mut o = Map::new();
    put(&mut o, "groupJID", p.group_jid.clone());
    put_list(&mut o, "pastParticipants", &p.past_participants, |p| {
        let mut m = Map::new();
        put(&mut m, "userJID", p.user_jid.clone());
        put(&mut m, "leaveReason", p.leave_reason);
        put(&mut m, "leaveTS", p.leave_ts);
        Value::Object(m)
    });
    Value::Object(o)
}

/// `waWeb.WebMessageInfo`: a stored message with its key and metadata.
pub fn web_message_info(info: &proto::WebMessageInfo) -> Value {
    let mut o = Map::new();
    if let Some(key) = &info.key {
        o.insert("key".into(), message_key(key));
    }
    if let Some(message) = &info.message {
        o.insert("message".into(), message_json::message(message));
    }
    put(&mut o, "messageTimestamp", info.message_timestamp);
    put(&mut o, "status", info.status);
    put(&mut o, "participant", info.participant.clone());
    put(&mut o, "messageC2STimestamp", info.message_c2s_timestamp);
    put(&mut o, "ignore", info.ignore);
    put(&mut o, "starred", info.starred);
    put(&mut o, "broadcast", info.broadcast);
    put(&mut o, "pushName", info.push_name.clone());
    put_bytes(&mut o, "mediaCiphertextSHA256", &info.media_ciphertext_sha256);
    put(&mut o, "multicast", info.multicast);
    put(&mut o, "urlText", info.url_text);
    put(&mut o, "urlNumber", info.url_number);
    put(&mut o, "messageStubType", info.message_stub_type);
    put(&mut o, "clearMedia", info.clear_media);
    put_strings(&mut o, "messageStubParameters", &info.message_stub_parameters);
    put(&mut o, "duration", info.duration);
    put_strings(&mut o, "labels", &info.labels);
    if let Some(live) = &info.final_live_location {
        o.insert("finalLiveLocation".into(), live_location(live));
    }
    put(&mut o, "ephemeralStartTimestamp", info.ephemeral_start_timestamp);
    put(&mut o, "ephemeralDuration", info.ephemeral_duration);
    put(&mut o, "ephemeralOffToOn", info.ephemeral_off_to_on);
    put(&mut o, "ephemeralOutOfSync", info.ephemeral_out_of_sync);
    put(&mut o, "verifiedBizName", info.verified_biz_name.clone());
    put_list(&mut o, "userReceipt", &info.user_receipt, |r| {
        let mut m = Map::new();
        put(&mut m, "userJID", r.user_jid.clone());
        put(&mut m, "receiptTimestamp", r.receipt_timestamp);
        put(&mut m, "readTimestamp", r.read_timestamp);
        put(&mut m, "playedTimestamp", r.played_timestamp);
        put_strings(&mut m, "pendingDeviceJID", &r.pending_device_jid);
        put_strings(&mut m, "deliveredDeviceJID", &r.delivered_device_jid);
        Value::Object(m)
    });
    put_list(&mut o, "reactions", &info.reactions, |r| {
        let mut m = Map::new();
        if let Some(key) = &r.key {
            m.insert("key".into(), message_key(key));
        }
        put(&mut m, "text", r.text.clone());
        put(&mut m, "groupingKey", r.grouping_key.clone());
        put(&mut m, "senderTimestampMS", r.sender_timestamp_ms);
        put(&mut m, "unread", r.unread);
        Value::Object(m)
    });
    put_bytes(&mut o, "futureproofData", &info.futureproof_data);
    put_list(&mut o, "pollUpdates", &info.poll_updates, |u| {
        let mut m = Map::new();
        if let Some(key) = &u.poll_update_message_key {
            m.insert("pollUpdateMessageKey".into(), message_key(key));
        }
        if let Some(vote) = &u.vote {
            let mut v = Map::new();
            if !vote.selected_options.is_empty() {
                let options: Vec<Value> =
                    vote.selected_options.iter().map(|o| STANDARD.encode(o).into()).collect();
                v.insert("selectedOptions".into(), Value::Array(options));
            }
            m.insert("vote".into(), Value::Object(v));
        }
        put(&mut m, "senderTimestampMS", u.sender_timestamp_ms);
        put(&mut m, "serverTimestampMS", u.server_timestamp_ms);
        put(&mut m, "unread", u.unread);
        Value::Object(m)
    });
    put(&mut o, "agentID", info.agent_id.clone());
    put(&mut o, "statusAlreadyViewed", info.status_already_viewed);
    put_bytes(&mut o, "messageSecret", &info.message_secret);
    put(
        &mut o,
        "originalSelfAuthorUserJIDString",
        info.original_self_author_user_jid_string.clone(),
    );
    put(&mut o, "revokeMessageTimestamp", info.revoke_message_timestamp);
    Value::Object(o)
}

/// `waE2E.LiveLocationMessage` (a message's last live location).
fn live_location(l: &proto::LiveLocationMessage) -> Value {
    let mut o = Map::new();
    put(&mut o, "degreesLatitude", finite(l.degrees_latitude));
    put(&mut o, "degreesLongitude", finite(l.degrees_longitude));
    put(&mut o, "accuracyInMeters", l.accuracy_in_meters);
    // Go writes a float32 with its shortest 32-bit form (1.1, not 1.100000023841858).
    put(&mut o, "speedInMps", l.speed_in_mps.and_then(|s| finite(s.to_string().parse().ok())));
    put(&mut o, "degreesClockwiseFromMagneticNorth", l.degrees_clockwise_from_magnetic_north);
    put(&mut o, "caption", l.caption.clone());
    put(&mut o, "sequenceNumber", l.sequence_number);
    put(&mut o, "timeOffset", l.time_offset);
    put_bytes(&mut o, "JPEGThumbnail", &l.jpeg_thumbnail);
    Value::Object(o)
}

/// A float JSON can carry (Go's encoder refuses NaN and infinities; we leave them out).
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// A repeated message field as an array of objects, omitted when empty.
fn put_list<T>(o: &mut Map<String, Value>, key: &str, items: &[T], each: impl Fn(&T) -> Value) {
    if !items.is_empty() {
        o.insert(key.to_owned(), Value::Array(items.iter().map(each).collect()));
    }
}

/// A repeated string field, omitted when empty.
fn put_strings(o: &mut Map<String, Value>, key: &str, items: &[String]) {
    if !items.is_empty() {
        o.insert(key.to_owned(), items.to_vec().into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::{
        group_participant::Rank, Conversation, GroupParticipant, HistorySyncMsg, HistorySyncType,
        MessageKey, PhoneNumberToLidMapping, Pushname, WebMessageInfo,
    };

    fn bootstrap() -> proto::HistorySync {
        let said = WebMessageInfo {
            key: Some(MessageKey {
                remote_jid: Some("123@g.us".into()),
                from_me: Some(false),
                id: Some("3EB0AA".into()),
                participant: Some("15550001111@s.whatsapp.net".into()),
            }),
            message: Some(wazap::message::text("see you at eight")),
            message_timestamp: Some(1_700_000_100),
            status: Some(proto::web_message_info::Status::Read as i32),
            push_name: Some("Ann".into()),
            message_secret: Some(vec![1, 2, 3]),
            labels: vec![],
            ..Default::default()
        };
        proto::HistorySync {
            sync_type: Some(HistorySyncType::InitialBootstrap as i32),
            conversations: vec![Conversation {
                id: Some("123@g.us".into()),
                messages: vec![HistorySyncMsg { message: Some(said), msg_order_id: Some(1) }],
                conversation_timestamp: Some(1_700_000_100),
                unread_count: Some(0),
                name: Some("Book club".into()),
                archived: Some(false),
                participant: vec![
                    GroupParticipant {
                        user_jid: Some("15550001111@s.whatsapp.net".into()),
                        rank: Some(Rank::Superadmin as i32),
                    },
                    GroupParticipant {
                        user_jid: Some("15550002222@s.whatsapp.net".into()),
                        rank: None,
                    },
                ],
                ..Default::default()
            }],
            chunk_order: Some(1),
            progress: Some(100),
            phone_number_to_lid_mappings: vec![PhoneNumberToLidMapping {
                pn_jid: Some("15550001111@s.whatsapp.net".into()),
                lid_jid: Some("901@lid".into()),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_bootstrap_uses_whatsmeow_json_names() {
        assert_eq!(
            history_sync(&bootstrap()),
            json!({
                "syncType": 0,
                "conversations": [{
                    "ID": "123@g.us",
                    "messages": [{
                        "message": {
                            "key": { "remoteJID": "123@g.us", "fromMe": false, "ID": "3EB0AA",
                                     "participant": "15550001111@s.whatsapp.net" },
                            "message": { "conversation": "see you at eight" },
                            "messageTimestamp": 1_700_000_100_u64,
                            "status": 4,
                            "pushName": "Ann",
                            "messageSecret": "AQID",
                        },
                        "msgOrderID": 1,
                    }],
                    "unreadCount": 0,
                    "conversationTimestamp": 1_700_000_100_u64,
                    "name": "Book club",
                    "archived": false,
                    "participant": [
                        { "userJID": "15550001111@s.whatsapp.net", "rank": 2 },
                        { "userJID": "15550002222@s.whatsapp.net" },
                    ],
                }],
                "chunkOrder": 1,
                "progress": 100,
                "phoneNumberToLidMappings": [
                    { "pnJID": "15550001111@s.whatsapp.net", "lidJID": "901@lid" },
                ],
            })
        );
    }

    #[test]
    fn push_names_and_an_empty_sync() {
        let names = proto::HistorySync {
            sync_type: Some(HistorySyncType::PushName as i32),
            pushnames: vec![Pushname {
                id: Some("15550002222@s.whatsapp.net".into()),
                pushname: Some("Bob".into()),
            }],
            ..Default::default()
        };
        assert_eq!(
            history_sync(&names),
            json!({ "syncType": 4,
                    "pushnames": [{ "ID": "15550002222@s.whatsapp.net", "pushname": "Bob" }] })
        );
        // Nothing set, nothing written (not even empty lists), as Go's omitempty.
        assert_eq!(history_sync(&proto::HistorySync::default()), json!({}));
    }

    #[test]
    fn metadata_fields_keep_their_go_spelling() {
        let sync = proto::HistorySync {
            thread_id_user_secret: Some(vec![0xff]),
            conversations: vec![Conversation {
                id: Some("901@lid".into()),
                pn_jid: Some("15550001111@s.whatsapp.net".into()),
                lid_jid: Some("901@lid".into()),
                parent_group_id: Some("5@g.us".into()),
                tc_token: Some(vec![]),
                ..Default::default()
            }],
            ..Default::default()
        };
        let value = history_sync(&sync);
        assert_eq!(value["threadIDUserSecret"], "/w==");
        assert_eq!(
            value["conversations"][0],
            json!({ "ID": "901@lid", "pnJID": "15550001111@s.whatsapp.net", "lidJID": "901@lid",
                    "parentGroupID": "5@g.us" })
        );
    }

    #[test]
    fn stored_message_extras() {
        let info = WebMessageInfo {
            message_stub_type: Some(20),
            message_stub_parameters: vec!["Book club".into()],
            reactions: vec![proto::Reaction {
                key: Some(MessageKey { id: Some("R1".into()), ..Default::default() }),
                text: Some("👍".into()),
                sender_timestamp_ms: Some(1_700_000_000_000),
                ..Default::default()
            }],
            poll_updates: vec![proto::PollUpdate {
                vote: Some(proto::PollVoteMessage { selected_options: vec![vec![9]] }),
                ..Default::default()
            }],
            agent_id: Some("a".into()),
            final_live_location: Some(proto::LiveLocationMessage {
                degrees_latitude: Some(52.5),
                speed_in_mps: Some(1.1),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            web_message_info(&info),
            json!({
                "messageStubType": 20,
                "messageStubParameters": ["Book club"],
                "reactions": [{ "key": { "ID": "R1" }, "text": "👍",
                                "senderTimestampMS": 1_700_000_000_000_i64 }],
                "pollUpdates": [{ "vote": { "selectedOptions": ["CQ=="] } }],
                "agentID": "a",
                "finalLiveLocation": { "degreesLatitude": 52.5, "speedInMps": 1.1 },
            })
        );
    }

    #[test]
    fn the_webhook_carries_the_event_protobuf() {
        let event = HistorySync::from_proto(&bootstrap());
        let body = webhook(&event);
        assert_eq!(body["type"], "HistorySync");
        assert_eq!(body["event"]["Data"], history_sync(&bootstrap()));
    }
}
