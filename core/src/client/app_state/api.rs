//! The public app state methods: what the store knows (contacts, chat settings, labels), and
//! the chat settings and contacts we change on every device of the account.
use super::super::{blocking, Client, ClientError};
use super::{patch, sync};
use crate::appstate::action::message_range;
use crate::appstate::{Collection, MutationSpec};
use crate::binary::Jid;
use crate::store::{AppStateStore, ChatSettings, Contact, Label, StoreError};

impl Client {
    async fn read_app_state<T, F>(&self, f: F) -> Result<T, ClientError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn AppStateStore) -> Result<T, StoreError> + Send + 'static,
    {
        self.on_runtime(|inner| async move {
            inner.ensure_device().await?;
            let store = inner.app_state_store().await?;
            blocking(move || f(&*store)).await?.map_err(ClientError::from)
        })
        .await
    }

    async fn send_app_state(&self, specs: Vec<MutationSpec>) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { patch::send(&inner, specs).await }).await
    }

    /// Every contact the account's app state and push names know, sorted by JID.
    pub async fn contacts(&self) -> Result<Vec<Contact>, ClientError> {
        self.read_app_state(|s| s.contacts()).await
    }

    /// One contact, if known.
    pub async fn contact(&self, jid: &Jid) -> Result<Option<Contact>, ClientError> {
        let jid = jid.clone();
        self.read_app_state(move |s| s.contact(&jid)).await
    }

    /// The settings of every chat that has any (muted, pinned, archived, unread, labels).
    pub async fn chat_settings(&self) -> Result<Vec<ChatSettings>, ClientError> {
        self.read_app_state(|s| s.chat_settings()).await
    }

    /// One chat's settings (the defaults when it has none).
    pub async fn chat_setting(&self, chat: &Jid) -> Result<ChatSettings, ClientError> {
        let chat = chat.clone();
        self.read_app_state(move |s| Ok(s.chat(&chat)?.unwrap_or_else(|| ChatSettings::new(chat))))
            .await
    }

    /// Every label, sorted by id.
    pub async fn labels(&self) -> Result<Vec<Label>, ClientError> {
        self.read_app_state(|s| s.labels()).await
    }

    /// Fetches what changed in every collection now (the client also does it by itself, on
    /// `server_sync` notifications and after each login).
    pub async fn sync_app_state(&self) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move {
            sync::sync(&inner, &Collection::ALL).await;
            Ok(())
        })
        .await
    }

    /// Mutes `chat` until `until_ms` (unix milliseconds; `None`: for ever), or unmutes it.
    pub async fn mute_chat(
        &self,
        chat: &Jid,
        muted: bool,
        until_ms: Option<i64>,
    ) -> Result<(), ClientError> {
        self.send_app_state(vec![MutationSpec::mute(chat, muted, until_ms)]).await
    }

    pub async fn pin_chat(&self, chat: &Jid, pinned: bool) -> Result<(), ClientError> {
        self.send_app_state(vec![MutationSpec::pin(chat, pinned)]).await
    }

    /// Archives (and unpins, as WhatsApp does) or unarchives `chat`.
    pub async fn archive_chat(&self, chat: &Jid, archived: bool) -> Result<(), ClientError> {
        let range = message_range(self.server_now(), None);
        let mut specs = vec![MutationSpec::archive(chat, archived, range)];
        if archived {
            specs.push(MutationSpec::pin(chat, false));
        }
        self.send_app_state(specs).await
    }

    /// Stars or unstars message `message_id` of `chat`; `sender` is who sent it in a group.
    pub async fn star_message(
        &self,
        chat: &Jid,
        sender: Option<&Jid>,
        message_id: &str,
        from_me: bool,
        starred: bool,
    ) -> Result<(), ClientError> {
        let spec = MutationSpec::star(chat, sender, message_id, from_me, starred);
        self.send_app_state(vec![spec]).await
    }

    /// Marks `chat` read, or unread (`read: false`), on every device.
    pub async fn mark_chat_read(&self, chat: &Jid, read: bool) -> Result<(), ClientError> {
        let range = message_range(self.server_now(), None);
        self.send_app_state(vec![MutationSpec::mark_chat_as_read(chat, read, range)]).await
    }

    /// Deletes `chat` on every device of the account.
    pub async fn delete_chat(&self, chat: &Jid, delete_media: bool) -> Result<(), ClientError> {
        let range = message_range(self.server_now(), None);
        self.send_app_state(vec![MutationSpec::delete_chat(chat, delete_media, range)]).await
    }

    /// Adds or renames a contact in the account's address book.
    pub async fn set_contact(
        &self,
        jid: &Jid,
        full_name: &str,
        first_name: Option<&str>,
    ) -> Result<(), ClientError> {
        self.send_app_state(vec![MutationSpec::contact(jid, full_name, first_name)]).await
    }

    /// Creates, renames or (with `deleted`) deletes label `label_id`.
    pub async fn edit_label(
        &self,
        label_id: &str,
        name: &str,
        color: i32,
        deleted: bool,
    ) -> Result<(), ClientError> {
        self.send_app_state(vec![MutationSpec::label_edit(label_id, name, color, deleted)]).await
    }

    /// Puts label `label_id` on `chat`, or takes it off.
    pub async fn label_chat(
        &self,
        label_id: &str,
        chat: &Jid,
        labeled: bool,
    ) -> Result<(), ClientError> {
        self.send_app_state(vec![MutationSpec::label_chat(label_id, chat, labeled)]).await
    }

    /// Now on the server's clock, unix seconds.
    fn server_now(&self) -> i64 {
        super::super::send::unix_now() as i64 + self.server_time_offset()
    }
}
