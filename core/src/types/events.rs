//! [`Event`]: everything a client reports to the application, typed. Its JSON form (serde) is
//! the one schema of C, Python, Node and the REST webhooks: an object whose `type` names the
//! variant in snake_case, with the variant's fields beside it, e.g.
//! `{"type":"qr","code":"…","timeout_ms":60000}`. `EVENTS.md` beside this file documents it.
use serde::{Deserialize, Serialize};

use crate::binary::Jid;

use super::{
    AppStateChange, AppStateRecovery, BlocklistChange, ChatState, ChatStateMedia, GroupChange,
    HistorySync, JoinedGroup, MessageContent, MessageInfo, PrivacySettings, ReceiptType,
};

/// An event of a [`crate::client::Client`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A QR code to show; the phone scans it to link this device. Replaced by the next `Qr`
    /// after `timeout_ms`.
    Qr { code: String, timeout_ms: u64 },
    /// Every QR code expired unscanned; the client disconnected.
    QrTimeout,
    /// The phone linked this device. A reconnect with the login payload follows.
    PairSuccess { jid: Jid, lid: Option<Jid>, platform: String, business_name: String },
    /// Pairing failed (the phone's identity did not verify, or saving failed).
    PairError { reason: String },
    /// Logged in: the server accepted us and the post-login set-up is done.
    Connected,
    /// The connection ended; unless a terminal event (LoggedOut, StreamReplaced, TemporaryBan,
    /// ClientOutdated) came first, the client reconnects by itself.
    Disconnected { reason: String },
    /// The device was unlinked (from the phone, or by the server); its keys were deleted.
    LoggedOut { reason: String, on_connect: bool },
    /// Another connection with the same device took over; no automatic reconnect.
    StreamReplaced,
    /// The account is temporarily banned; `expire_secs` is how long the ban lasts.
    TemporaryBan { code: u32, expire_secs: u64 },
    /// The server rejected our web version (failure 405): update `ClientConfig::version`.
    ClientOutdated,
    /// A `failure` with a reason not handled above.
    ConnectFailure { reason: u32, message: String },
    /// A `stream:error` with a code not handled above.
    StreamError { code: String },
    /// Offline messages queued while we were away have all been delivered.
    OfflineSyncCompleted { count: u64 },
    /// A message was received and decrypted (or sent by another device of ours: `info.is_from_me`):
    /// the stanza's attributes and the decoded, unwrapped `Message` with its wrappers.
    Message { info: Box<MessageInfo>, message: Box<MessageContent> },
    /// Receipts for messages: `receipt_type` is `delivered`, `read`, `played`, `sender`,
    /// `read-self`, `played-self`, `inactive`… (the stanza's `type`, `delivered` when none).
    /// `sender` is the device that sent the receipt (none for a grouped group receipt);
    /// `sender_alt` its other identity (phone number ↔ LID) when known.
    Receipt {
        receipt_type: ReceiptType,
        ids: Vec<String>,
        chat: Jid,
        sender: Option<Jid>,
        #[serde(default)]
        sender_alt: Option<Jid>,
        is_group: bool,
        timestamp: Option<u64>,
    },
    /// A message could not be decrypted; a retry was requested from the sender (until the
    /// retries run out). `unavailable`: the server had no content for us (not a decryption
    /// failure).
    UndecryptableMessage { info: Box<MessageInfo>, reason: String, unavailable: bool },
    /// A contact's identity key changed (reinstalled, or new keys on that device): the new key
    /// is trusted and a new session built (whatsmeow `events.IdentityChange`). `jid` is the
    /// device as its session is addressed (LID when known), `jid_alt` its other identity;
    /// `implicit`: noticed on a message rather than announced.
    IdentityChange { jid: Jid, jid_alt: Option<Jid>, timestamp: u64, implicit: bool },
    /// A contact we subscribed to went online or offline; `last_seen` is unix seconds.
    Presence { from: Jid, available: bool, last_seen: Option<u64> },
    /// A chat state: `state` is `composing` or `paused`; `media` is `audio` when recording
    /// (none when the stanza names no media).
    ChatPresence { chat: Jid, sender: Jid, state: ChatState, media: Option<ChatStateMedia> },
    /// A history-sync chunk our phone sent (after linking, then now and then): downloaded,
    /// decoded, and its phone-number↔LID pairs saved. Its fields sit beside `type` in JSON.
    HistorySync(Box<HistorySync>),
    /// A group we are in changed (a `w:gp2` notification; whatsmeow `events.GroupInfo`): name,
    /// topic, settings, members joined, left, promoted or demoted. The participants cache used
    /// for sending is already updated. Its fields sit beside `type` in JSON.
    GroupInfo(Box<GroupChange>),
    /// We are in a new group: created by someone with us in it (whatsmeow
    /// `events.JoinedGroup`). Its fields sit beside `type` in JSON.
    JoinedGroup(Box<JoinedGroup>),
    /// A contact or chat setting changed (on the phone, another companion, or here): a
    /// contact, our push name, mute, pin, archive, star, read/unread, a deleted chat or
    /// message, a label… Its fields, with the change's `kind`, sit beside `type` in JSON.
    AppState(Box<AppStateChange>),
    /// A collection is synced up to `version` (after a full sync when `full_sync`).
    AppStateSyncComplete { collection: String, version: u64, full_sync: bool },
    /// A collection could not be synced; `recovery` says what the client does about it
    /// (never a logout).
    AppStateSyncError { collection: String, reason: String, recovery: AppStateRecovery },
    /// Our privacy settings changed (set here or on another device of ours; whatsmeow
    /// `events.PrivacySettings`): the settings that changed, with their new values (the
    /// others are none). Its fields sit beside `type` in JSON.
    PrivacySettings(Box<PrivacySettings>),
    /// Our blocklist changed on another device of ours (whatsmeow `events.Blocklist`): each
    /// user blocked or unblocked; `dhash` is the new list's hash.
    Blocklist { dhash: String, changes: Vec<BlocklistChange> },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_stable() {
        let cases = [
            (
                Event::Qr { code: "r,a,b,c".into(), timeout_ms: 60_000 },
                r#"{"type":"qr","code":"r,a,b,c","timeout_ms":60000}"#,
            ),
            (Event::QrTimeout, r#"{"type":"qr_timeout"}"#),
            (
                Event::PairSuccess {
                    jid: "123:4@s.whatsapp.net".parse().unwrap(),
                    lid: Some("9:4@lid".parse().unwrap()),
                    platform: "android".into(),
                    business_name: String::new(),
                },
                r#"{"type":"pair_success","jid":"123:4@s.whatsapp.net","lid":"9:4@lid","platform":"android","business_name":""}"#,
            ),
            (Event::Connected, r#"{"type":"connected"}"#),
            (
                Event::Receipt {
                    receipt_type: ReceiptType::ReadSelf,
                    ids: vec!["A".into()],
                    chat: "1@s.whatsapp.net".parse().unwrap(),
                    sender: Some("2:3@s.whatsapp.net".parse().unwrap()),
                    sender_alt: None,
                    is_group: false,
                    timestamp: Some(7),
                },
                concat!(
                    r#"{"type":"receipt","receipt_type":"read-self","ids":["A"],"#,
                    r#""chat":"1@s.whatsapp.net","sender":"2:3@s.whatsapp.net","sender_alt":null,"#,
                    r#""is_group":false,"timestamp":7}"#
                ),
            ),
            (
                Event::Receipt {
                    receipt_type: ReceiptType::Delivered,
                    ids: vec!["A".into()],
                    chat: "1@s.whatsapp.net".parse().unwrap(),
                    sender: None,
                    sender_alt: None,
                    is_group: false,
                    timestamp: None,
                },
                concat!(
                    r#"{"type":"receipt","receipt_type":"delivered","ids":["A"],"#,
                    r#""chat":"1@s.whatsapp.net","sender":null,"sender_alt":null,"#,
                    r#""is_group":false,"timestamp":null}"#
                ),
            ),
            (
                Event::ChatPresence {
                    chat: "1@s.whatsapp.net".parse().unwrap(),
                    sender: "1@s.whatsapp.net".parse().unwrap(),
                    state: ChatState::Composing,
                    media: Some(ChatStateMedia::Audio),
                },
                concat!(
                    r#"{"type":"chat_presence","chat":"1@s.whatsapp.net","#,
                    r#""sender":"1@s.whatsapp.net","state":"composing","media":"audio"}"#
                ),
            ),
            (
                Event::Presence {
                    from: "1@s.whatsapp.net".parse().unwrap(),
                    available: false,
                    last_seen: Some(9),
                },
                r#"{"type":"presence","from":"1@s.whatsapp.net","available":false,"last_seen":9}"#,
            ),
            (
                Event::LoggedOut { reason: "device_removed".into(), on_connect: false },
                r#"{"type":"logged_out","reason":"device_removed","on_connect":false}"#,
            ),
            (
                Event::TemporaryBan { code: 101, expire_secs: 3600 },
                r#"{"type":"temporary_ban","code":101,"expire_secs":3600}"#,
            ),
            (
                Event::HistorySync(Box::new(crate::types::HistorySync {
                    sync_type: "push_name".into(),
                    chunk_order: Some(1),
                    progress: Some(100),
                    conversations: vec![],
                    push_names: vec![crate::types::PushName {
                        jid: "1@s.whatsapp.net".into(),
                        name: "Ann".into(),
                    }],
                    lid_mappings: vec![],
                    proto: crate::proto::HistorySync { progress: Some(100), ..Default::default() },
                })),
                concat!(
                    r#"{"type":"history_sync","sync_type":"push_name","chunk_order":1,"#,
                    r#""progress":100,"conversations":[],"push_names":[{"jid":"1@s.whatsapp.net","#,
                    r#""name":"Ann"}],"lid_mappings":[],"raw":"MGQ="}"#
                ),
            ),
            (
                Event::GroupInfo(Box::new(crate::types::GroupChange {
                    jid: "1-2@g.us".parse().unwrap(),
                    sender: Some("3@s.whatsapp.net".parse().unwrap()),
                    notify: None,
                    timestamp: 5,
                    name: None,
                    topic: None,
                    announce: Some(true),
                    locked: None,
                    ephemeral_secs: None,
                    join: vec!["4@s.whatsapp.net".parse().unwrap()],
                    join_reason: None,
                    leave: vec![],
                    promote: vec![],
                    demote: vec![],
                    new_invite_link: None,
                    deleted: None,
                    unknown: vec![],
                })),
                concat!(
                    r#"{"type":"group_info","jid":"1-2@g.us","sender":"3@s.whatsapp.net","#,
                    r#""notify":null,"timestamp":5,"name":null,"topic":null,"announce":true,"#,
                    r#""locked":null,"ephemeral_secs":null,"join":["4@s.whatsapp.net"],"#,
                    r#""join_reason":null,"leave":[],"promote":[],"demote":[],"#,
                    r#""new_invite_link":null,"deleted":null,"unknown":[]}"#
                ),
            ),
            (
                Event::AppState(Box::new(AppStateChange {
                    collection: "regular_high".into(),
                    change: crate::appstate::Change::Mute {
                        chat: "1@s.whatsapp.net".parse().unwrap(),
                        muted: true,
                        until_ms: Some(-1),
                    },
                    timestamp_ms: Some(5),
                    full_sync: false,
                })),
                concat!(
                    r#"{"type":"app_state","collection":"regular_high","kind":"mute","#,
                    r#""chat":"1@s.whatsapp.net","muted":true,"until_ms":-1,"timestamp_ms":5,"#,
                    r#""full_sync":false}"#
                ),
            ),
            (
                Event::AppStateSyncComplete {
                    collection: "regular".into(),
                    version: 3,
                    full_sync: true,
                },
                r#"{"type":"app_state_sync_complete","collection":"regular","version":3,"full_sync":true}"#,
            ),
            (
                Event::AppStateSyncError {
                    collection: "regular_low".into(),
                    reason: "bad MAC".into(),
                    recovery: AppStateRecovery::SnapshotRefetched,
                },
                concat!(
                    r#"{"type":"app_state_sync_error","collection":"regular_low","#,
                    r#""reason":"bad MAC","recovery":"snapshot_refetched"}"#
                ),
            ),
        ];
        for (event, json) in cases {
            assert_eq!(serde_json::to_string(&event).unwrap(), json);
            assert_eq!(serde_json::from_str::<Event>(json).unwrap(), event);
        }
    }

    #[test]
    fn a_message_is_its_info_and_the_view_of_its_protobuf() {
        let info = MessageInfo {
            id: "3EB0AA".into(),
            chat: "1@s.whatsapp.net".parse().unwrap(),
            sender: "1:2@s.whatsapp.net".parse().unwrap(),
            sender_alt: None,
            recipient_alt: None,
            is_from_me: false,
            is_group: false,
            addressing_mode: None,
            push_name: Some("Ann".into()),
            timestamp: 5,
            message_type: "text".into(),
            category: None,
            edit: None,
            media_type: None,
            server_id: None,
            multicast: false,
        };
        let content = MessageContent::new(crate::message::text("hi"), Default::default());
        let event = Event::Message { info: Box::new(info), message: Box::new(content) };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"type":"message","info":{"id":"3EB0AA","chat":"1@s.whatsapp.net","#,
                r#""sender":"1:2@s.whatsapp.net","sender_alt":null,"recipient_alt":null,"#,
                r#""is_from_me":false,"is_group":false,"addressing_mode":null,"push_name":"Ann","#,
                r#""timestamp":5,"message_type":"text","category":null,"edit":null,"#,
                r#""media_type":null,"server_id":null,"multicast":false},"#,
                r#""message":{"kind":"text","text":"hi","reply_to":null,"reply_to_sender":null,"#,
                r#""mentions":[],"reaction":null,"edit":null,"revoke":null,"poll":null,"#,
                r#""poll_vote":null,"flags":{"device_sent":null,"ephemeral":false,"#,
                r#""view_once":false,"view_once_v2":false,"view_once_v2_extension":false,"#,
                r#""document_with_caption":false,"lottie_sticker":false,"edit":false},"#,
                r#""raw":"CgJoaQ=="}}"#
            )
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
    }
}
