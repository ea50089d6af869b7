//! What the indexes mean. An index is a JSON array whose first string names the action
//! (`["mute", chat]`, `["star", chat, message id, from me, sender]`…); its value is a
//! `SyncActionValue` with the matching field set. [`MutationSpec`]'s builders make the ones we
//! send (collections and schema versions from whatsmeow `appstate/encode.go` @33cfac51);
//! [`Change`] reads the ones we receive.
use serde::{Deserialize, Serialize};

use super::{Collection, Mutation, Operation};
use crate::binary::Jid;
use crate::proto;

/// The first element of the index of each action (whatsmeow `appstate/keys.go`).
pub mod index {
    pub const CONTACT: &str = "contact";
    pub const SETTING_PUSH_NAME: &str = "setting_pushName";
    pub const SETTING_LOCALE: &str = "setting_locale";
    pub const MUTE: &str = "mute";
    pub const PIN: &str = "pin_v1";
    pub const ARCHIVE: &str = "archive";
    pub const STAR: &str = "star";
    pub const MARK_CHAT_AS_READ: &str = "markChatAsRead";
    pub const DELETE_CHAT: &str = "deleteChat";
    pub const CLEAR_CHAT: &str = "clearChat";
    pub const DELETE_MESSAGE_FOR_ME: &str = "deleteMessageForMe";
    pub const SETTING_UNARCHIVE_CHATS: &str = "setting_unarchiveChats";
    pub const LABEL_EDIT: &str = "label_edit";
    pub const LABEL_CHAT: &str = "label_jid";
    pub const LABEL_MESSAGE: &str = "label_message";
}

/// A mutation to send: the collection it belongs to, the index and value, and the action's
/// schema version.
#[derive(Debug, Clone, PartialEq)]
pub struct MutationSpec {
    pub collection: Collection,
    pub operation: Operation,
    pub index: Vec<String>,
    pub value: proto::SyncActionValue,
    pub action_version: i32,
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_owned()
}

/// The sender part of a message index: "0" when the chat's user sent it (a 1:1 chat, or our
/// own message), else the sender's JID (whatsmeow `BuildStar`).
fn sender_part(chat: &Jid, sender: Option<&Jid>) -> String {
    match sender {
        Some(s) if s.user != chat.user => s.to_non_ad().to_string(),
        _ => "0".to_owned(),
    }
}

/// `lastMessageTimestamp` (seconds) and, when known, the last message's key: what archive,
/// mark-read and delete-chat name as the messages they cover.
pub fn message_range(
    last_message_timestamp: i64,
    last_message: Option<proto::MessageKey>,
) -> proto::SyncActionMessageRange {
    proto::SyncActionMessageRange {
        last_message_timestamp: Some(last_message_timestamp),
        last_system_message_timestamp: None,
        messages: last_message
            .into_iter()
            .map(|key| proto::SyncActionMessage {
                key: Some(key),
                timestamp: Some(last_message_timestamp),
            })
            .collect(),
    }
}

impl MutationSpec {
    fn set(
        collection: Collection,
        action_version: i32,
        index: Vec<String>,
        value: proto::SyncActionValue,
    ) -> MutationSpec {
        MutationSpec { collection, operation: Operation::Set, index, value, action_version }
    }

    /// Mutes a chat until `until_ms` (unix milliseconds; `None`: for ever), or unmutes it.
    pub fn mute(chat: &Jid, muted: bool, until_ms: Option<i64>) -> MutationSpec {
        let end = match (muted, until_ms) {
            (false, _) => None,
            (true, None) => Some(-1),
            (true, Some(t)) => Some(t),
        };
        let value = proto::SyncActionValue {
            mute_action: Some(proto::MuteAction {
                muted: Some(muted),
                mute_end_timestamp: end,
                auto_muted: None,
            }),
            ..Default::default()
        };
        Self::set(Collection::RegularHigh, 2, vec![index::MUTE.into(), chat.to_string()], value)
    }

    pub fn pin(chat: &Jid, pinned: bool) -> MutationSpec {
        let value = proto::SyncActionValue {
            pin_action: Some(proto::PinAction { pinned: Some(pinned) }),
            ..Default::default()
        };
        Self::set(Collection::RegularLow, 5, vec![index::PIN.into(), chat.to_string()], value)
    }

    /// Archives or unarchives a chat (WhatsApp also unpins an archived chat: the client sends
    /// [`MutationSpec::pin`] `false` beside it, as whatsmeow does).
    pub fn archive(
        chat: &Jid,
        archived: bool,
        range: proto::SyncActionMessageRange,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            archive_chat_action: Some(proto::ArchiveChatAction {
                archived: Some(archived),
                message_range: Some(range),
            }),
            ..Default::default()
        };
        Self::set(Collection::RegularLow, 3, vec![index::ARCHIVE.into(), chat.to_string()], value)
    }

    /// Marks a chat read, or unread (`read: false`).
    pub fn mark_chat_as_read(
        chat: &Jid,
        read: bool,
        range: proto::SyncActionMessageRange,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            mark_chat_as_read_action: Some(proto::MarkChatAsReadAction {
                read: Some(read),
                message_range: Some(range),
            }),
            ..Default::default()
        };
        let index = vec![index::MARK_CHAT_AS_READ.into(), chat.to_string()];
        Self::set(Collection::RegularLow, 3, index, value)
    }

    /// Stars or unstars a message; `sender` is who sent it in a group (None in 1:1 chats).
    pub fn star(
        chat: &Jid,
        sender: Option<&Jid>,
        message_id: &str,
        from_me: bool,
        starred: bool,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            star_action: Some(proto::StarAction { starred: Some(starred) }),
            ..Default::default()
        };
        let index = vec![
            index::STAR.into(),
            chat.to_string(),
            message_id.to_owned(),
            flag(from_me),
            sender_part(chat, sender),
        ];
        Self::set(Collection::RegularHigh, 2, index, value)
    }

    /// Deletes a chat on every device.
    pub fn delete_chat(
        chat: &Jid,
        delete_media: bool,
        range: proto::SyncActionMessageRange,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            delete_chat_action: Some(proto::DeleteChatAction { message_range: Some(range) }),
            ..Default::default()
        };
        let index = vec![index::DELETE_CHAT.into(), chat.to_string(), flag(delete_media)];
        Self::set(Collection::RegularHigh, 6, index, value)
    }

    /// Deletes one message on our devices only ("delete for me").
    pub fn delete_message_for_me(
        chat: &Jid,
        sender: Option<&Jid>,
        message_id: &str,
        from_me: bool,
        delete_media: bool,
        message_timestamp: i64,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            delete_message_for_me_action: Some(proto::DeleteMessageForMeAction {
                delete_media: Some(delete_media),
                message_timestamp: Some(message_timestamp),
            }),
            ..Default::default()
        };
        let index = vec![
            index::DELETE_MESSAGE_FOR_ME.into(),
            chat.to_string(),
            message_id.to_owned(),
            flag(from_me),
            sender_part(chat, sender),
        ];
        Self::set(Collection::RegularHigh, 3, index, value)
    }

    /// Adds or renames a contact in the address book every device sees.
    pub fn contact(jid: &Jid, full_name: &str, first_name: Option<&str>) -> MutationSpec {
        let value = proto::SyncActionValue {
            contact_action: Some(proto::ContactAction {
                full_name: Some(full_name.to_owned()),
                first_name: first_name.map(str::to_owned),
                save_on_primary_addressbook: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let index = vec![index::CONTACT.into(), jid.to_non_ad().to_string()];
        Self::set(Collection::CriticalUnblockLow, 2, index, value)
    }

    /// Our push name, as the other devices show it.
    pub fn push_name(name: &str) -> MutationSpec {
        let value = proto::SyncActionValue {
            push_name_setting: Some(proto::PushNameSetting { name: Some(name.to_owned()) }),
            ..Default::default()
        };
        Self::set(Collection::CriticalBlock, 1, vec![index::SETTING_PUSH_NAME.into()], value)
    }

    /// Creates, renames or (with `deleted`) deletes a label.
    pub fn label_edit(label_id: &str, name: &str, color: i32, deleted: bool) -> MutationSpec {
        let value = proto::SyncActionValue {
            label_edit_action: Some(proto::LabelEditAction {
                name: Some(name.to_owned()),
                color: Some(color),
                deleted: Some(deleted),
                ..Default::default()
            }),
            ..Default::default()
        };
        let index = vec![index::LABEL_EDIT.into(), label_id.to_owned()];
        Self::set(Collection::Regular, 3, index, value)
    }

    /// Puts a label on a chat, or takes it off.
    pub fn label_chat(label_id: &str, chat: &Jid, labeled: bool) -> MutationSpec {
        let value = proto::SyncActionValue {
            label_association_action: Some(proto::LabelAssociationAction {
                labeled: Some(labeled),
            }),
            ..Default::default()
        };
        let index = vec![index::LABEL_CHAT.into(), label_id.to_owned(), chat.to_string()];
        Self::set(Collection::Regular, 3, index, value)
    }

    /// Puts a label on a message, or takes it off.
    pub fn label_message(
        label_id: &str,
        chat: &Jid,
        message_id: &str,
        labeled: bool,
    ) -> MutationSpec {
        let value = proto::SyncActionValue {
            label_association_action: Some(proto::LabelAssociationAction {
                labeled: Some(labeled),
            }),
            ..Default::default()
        };
        let index = vec![
            index::LABEL_MESSAGE.into(),
            label_id.to_owned(),
            chat.to_string(),
            message_id.to_owned(),
            "0".into(),
            "0".into(),
        ];
        Self::set(Collection::Regular, 3, index, value)
    }
}

/// A received change, typed. Only SETs become changes (whatsmeow dispatches no event for a
/// REMOVE; the index simply stops being live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    Contact {
        jid: Jid,
        full_name: Option<String>,
        first_name: Option<String>,
        lid: Option<Jid>,
    },
    PushName {
        name: String,
    },
    Locale {
        locale: String,
    },
    Mute {
        chat: Jid,
        muted: bool,
        /// Unix milliseconds; -1 is for ever; none when unmuted.
        until_ms: Option<i64>,
    },
    Pin {
        chat: Jid,
        pinned: bool,
    },
    Archive {
        chat: Jid,
        archived: bool,
    },
    Star {
        chat: Jid,
        sender: Option<Jid>,
        message_id: String,
        from_me: bool,
        starred: bool,
    },
    MarkChatAsRead {
        chat: Jid,
        read: bool,
    },
    DeleteChat {
        chat: Jid,
        delete_media: bool,
    },
    ClearChat {
        chat: Jid,
    },
    DeleteMessageForMe {
        chat: Jid,
        sender: Option<Jid>,
        message_id: String,
        from_me: bool,
        delete_media: bool,
    },
    UnarchiveChatsSetting {
        unarchive_chats: bool,
    },
    LabelEdit {
        label_id: String,
        name: String,
        color: i32,
        deleted: bool,
    },
    LabelChat {
        label_id: String,
        chat: Jid,
        labeled: bool,
    },
    LabelMessage {
        label_id: String,
        chat: Jid,
        message_id: String,
        labeled: bool,
    },
    /// An action this library does not interpret (kept so nothing is silently dropped).
    Other {
        index: Vec<String>,
    },
}

impl Change {
    /// The change a SET mutation makes; `None` for a REMOVE.
    pub fn from_mutation(m: &Mutation) -> Option<Change> {
        if m.operation != Operation::Set {
            return None;
        }
        let other = || Change::Other { index: m.index.clone() };
        Some(Self::typed(&m.index, &m.value).unwrap_or_else(other))
    }

    /// The change one of our own mutations makes (what the other devices will decode).
    pub fn from_spec(spec: &MutationSpec) -> Option<Change> {
        if spec.operation != Operation::Set {
            return None;
        }
        let other = || Change::Other { index: spec.index.clone() };
        Some(Self::typed(&spec.index, &spec.value).unwrap_or_else(other))
    }

    fn typed(ix: &[String], v: &proto::SyncActionValue) -> Option<Change> {
        let jid = |i: usize| ix.get(i).and_then(|s| s.parse::<Jid>().ok());
        let text = |i: usize| ix.get(i).cloned();
        let sender = |i: usize| match ix.get(i).map(String::as_str) {
            None | Some("0") => None,
            Some(s) => s.parse::<Jid>().ok(),
        };
        let yes = |i: usize| ix.get(i).map(String::as_str) == Some("1");
        Some(match ix.first()?.as_str() {
            index::CONTACT => {
                let a = v.contact_action.as_ref()?;
                Change::Contact {
                    jid: jid(1)?,
                    full_name: a.full_name.clone(),
                    first_name: a.first_name.clone(),
                    lid: a.lid_jid.as_deref().and_then(|l| l.parse().ok()),
                }
            }
            index::SETTING_PUSH_NAME => {
                Change::PushName { name: v.push_name_setting.as_ref()?.name().to_owned() }
            }
            index::SETTING_LOCALE => {
                Change::Locale { locale: v.locale_setting.as_ref()?.locale().to_owned() }
            }
            index::MUTE => {
                let a = v.mute_action.as_ref()?;
                Change::Mute {
                    chat: jid(1)?,
                    muted: a.muted(),
                    until_ms: a.muted().then(|| a.mute_end_timestamp.unwrap_or(-1)),
                }
            }
            index::PIN => Change::Pin { chat: jid(1)?, pinned: v.pin_action.as_ref()?.pinned() },
            index::ARCHIVE => Change::Archive {
                chat: jid(1)?,
                archived: v.archive_chat_action.as_ref()?.archived(),
            },
            index::STAR => Change::Star {
                chat: jid(1)?,
                message_id: text(2)?,
                from_me: yes(3),
                sender: sender(4),
                starred: v.star_action.as_ref()?.starred(),
            },
            index::MARK_CHAT_AS_READ => Change::MarkChatAsRead {
                chat: jid(1)?,
                read: v.mark_chat_as_read_action.as_ref()?.read(),
            },
            index::DELETE_CHAT => Change::DeleteChat { chat: jid(1)?, delete_media: yes(2) },
            index::CLEAR_CHAT => Change::ClearChat { chat: jid(1)? },
            index::DELETE_MESSAGE_FOR_ME => Change::DeleteMessageForMe {
                chat: jid(1)?,
                message_id: text(2)?,
                from_me: yes(3),
                sender: sender(4),
                delete_media: v
                    .delete_message_for_me_action
                    .as_ref()
                    .map(|a| a.delete_media())
                    .unwrap_or_default(),
            },
            index::SETTING_UNARCHIVE_CHATS => Change::UnarchiveChatsSetting {
                unarchive_chats: v.unarchive_chats_setting.as_ref()?.unarchive_chats(),
            },
            index::LABEL_EDIT => {
                let a = v.label_edit_action.as_ref()?;
                Change::LabelEdit {
                    label_id: text(1)?,
                    name: a.name().to_owned(),
                    color: a.color(),
                    deleted: a.deleted(),
                }
            }
            index::LABEL_CHAT => Change::LabelChat {
                label_id: text(1)?,
                chat: jid(2)?,
                labeled: v.label_association_action.as_ref()?.labeled(),
            },
            index::LABEL_MESSAGE => Change::LabelMessage {
                label_id: text(1)?,
                chat: jid(2)?,
                message_id: text(3)?,
                labeled: v.label_association_action.as_ref()?.labeled(),
            },
            _ => return None,
        })
    }
}
