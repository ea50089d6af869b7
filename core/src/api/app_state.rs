//! The app state requests: contacts, chat settings and labels as the store knows them, and
//! the chat settings and contacts changed on every device of the account (mute, pin,
//! archive, star, read/unread, delete, contact, labels). Registered in `requests!`.
use serde::{Deserialize, Serialize};

use super::args::{jid, opt_jid};
use super::requests::Request;
use super::Result;
use crate::binary::Jid;
use crate::store::{ChatSettings, Contact, Label};
use crate::Client;

fn yes() -> bool {
    true
}

/// A request with no arguments.
macro_rules! no_args {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {}
    };
}

no_args!(
    /// `contacts`: every known contact (address book names and push names), sorted by JID.
    Contacts
);

impl Request for Contacts {
    const NAME: &'static str = "contacts";
    type Answer = Vec<Contact>;
    async fn start(self, client: Client) -> Result<Vec<Contact>> {
        Ok(client.contacts().await?)
    }
}

/// `chat_settings`: one chat's settings (`chat` given), or every chat that has any.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSettingsRequest {
    #[serde(default, deserialize_with = "opt_jid")]
    pub chat: Option<Jid>,
}

impl Request for ChatSettingsRequest {
    const NAME: &'static str = "chat_settings";
    type Answer = Vec<ChatSettings>;
    async fn start(self, client: Client) -> Result<Vec<ChatSettings>> {
        Ok(match self.chat {
            Some(chat) => vec![client.chat_setting(&chat).await?],
            None => client.chat_settings().await?,
        })
    }
}

no_args!(
    /// `labels`: every label, sorted by id.
    Labels
);

impl Request for Labels {
    const NAME: &'static str = "labels";
    type Answer = Vec<Label>;
    async fn start(self, client: Client) -> Result<Vec<Label>> {
        Ok(client.labels().await?)
    }
}

no_args!(
    /// `sync_app_state`: fetches what changed in every collection now.
    SyncAppState
);

impl Request for SyncAppState {
    const NAME: &'static str = "sync_app_state";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.sync_app_state().await?)
    }
}

/// `mute_chat`: mutes `chat` until `until_ms` (unix ms; none: for ever), or unmutes it
/// (`muted: false`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MuteChat {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(default = "yes")]
    pub muted: bool,
    #[serde(default)]
    pub until_ms: Option<i64>,
}

impl Request for MuteChat {
    const NAME: &'static str = "mute_chat";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.mute_chat(&self.chat, self.muted, self.until_ms).await?)
    }
}

/// A chat and a flag (pin, archive, read), true by default.
macro_rules! chat_flag {
    ($(#[$doc:meta])* $name:ident, $wire:literal, $flag:ident, $method:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[serde(deserialize_with = "jid")]
            pub chat: Jid,
            #[serde(default = "yes")]
            pub $flag: bool,
        }

        impl Request for $name {
            const NAME: &'static str = $wire;
            type Answer = ();
            async fn start(self, client: Client) -> Result<()> {
                Ok(client.$method(&self.chat, self.$flag).await?)
            }
        }
    };
}

chat_flag!(
    /// `pin_chat`: pins `chat` (or unpins it, `pinned: false`).
    PinChat, "pin_chat", pinned, pin_chat
);
chat_flag!(
    /// `archive_chat`: archives (and unpins) `chat`, or unarchives it (`archived: false`).
    ArchiveChat, "archive_chat", archived, archive_chat
);
chat_flag!(
    /// `mark_chat_read`: marks `chat` read, or unread (`read: false`), on every device.
    MarkChatRead, "mark_chat_read", read, mark_chat_read
);

/// `delete_chat`: deletes `chat` on every device of the account.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteChat {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(default)]
    pub delete_media: bool,
}

impl Request for DeleteChat {
    const NAME: &'static str = "delete_chat";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.delete_chat(&self.chat, self.delete_media).await?)
    }
}

/// `star_message`: stars (or unstars) message `id` of `chat`; `sender` who sent it in a group.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StarMessage {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    pub id: String,
    #[serde(default, deserialize_with = "opt_jid")]
    pub sender: Option<Jid>,
    #[serde(default)]
    pub from_me: bool,
    #[serde(default = "yes")]
    pub starred: bool,
}

impl Request for StarMessage {
    const NAME: &'static str = "star_message";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        let sender = self.sender.as_ref();
        Ok(client.star_message(&self.chat, sender, &self.id, self.from_me, self.starred).await?)
    }
}

/// `set_contact`: adds or renames a contact in the account's address book.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetContact {
    #[serde(deserialize_with = "jid")]
    pub jid: Jid,
    pub full_name: String,
    #[serde(default)]
    pub first_name: Option<String>,
}

impl Request for SetContact {
    const NAME: &'static str = "set_contact";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        if self.full_name.trim().is_empty() {
            return Err(super::Error::invalid("set_contact: full_name is empty"));
        }
        Ok(client.set_contact(&self.jid, &self.full_name, self.first_name.as_deref()).await?)
    }
}

/// `edit_label`: creates, renames or (with `deleted`) deletes label `id`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EditLabel {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub color: i32,
    #[serde(default)]
    pub deleted: bool,
}

impl Request for EditLabel {
    const NAME: &'static str = "edit_label";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.edit_label(&self.id, &self.name, self.color, self.deleted).await?)
    }
}

/// `label_chat`: puts label `label` on `chat`, or takes it off (`labeled: false`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabelChat {
    pub label: String,
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(default = "yes")]
    pub labeled: bool,
}

impl Request for LabelChat {
    const NAME: &'static str = "label_chat";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.label_chat(&self.label, &self.chat, self.labeled).await?)
    }
}
