//! The messaging methods of [`Client`]: sending (text, replies, reactions, any `Message`),
//! read receipts and presence. Each runs on the core runtime.
use std::future::Future;

use super::presence::{ChatState, ChatStateMedia, Presence};
use super::send::{unix_now_ms, SendResult};
use super::{Client, ClientError};
use crate::binary::Jid;
use crate::media::{MediaKind, MediaRef};
use crate::message::{message_key, reaction, text};
use crate::proto;
use crate::types::ReceiptType;

impl Client {
    /// Sends `message` to `to` (a user by phone number or LID, or a group) and every device of
    /// ours; returns once the server acked it, with the id and the server's timestamp.
    pub fn send_message(
        &self,
        to: Jid,
        message: proto::Message,
    ) -> impl Future<Output = Result<SendResult, ClientError>> + Send + 'static {
        self.send_message_with_id(to, message, None)
    }

    /// [`Client::send_message`] with a caller-supplied id (`None`: a new `3EB0…` id). The
    /// message's place in the send order is taken when this is called, so messages leave in
    /// call order even when their futures run concurrently.
    pub fn send_message_with_id(
        &self,
        to: Jid,
        message: proto::Message,
        id: Option<String>,
    ) -> impl Future<Output = Result<SendResult, ClientError>> + Send + 'static {
        let inner = self.inner.clone();
        let ticket = inner.messaging.order.ticket();
        super::hop(async move { inner.send_message(to, message, id, ticket).await })
    }

    /// Sends a plain text message. Replies, quotes and mentions: build the message with
    /// [`crate::message::reply`] and use [`Client::send_message`].
    pub fn send_text(
        &self,
        to: Jid,
        body: &str,
    ) -> impl Future<Output = Result<SendResult, ClientError>> + Send + 'static {
        self.send_message(to, text(body))
    }

    /// Uploads `data` and sends it as a media message of `kind` (`mimetype`: `None` takes the
    /// kind's usual one). The message takes its place in the send order once the upload is
    /// done; to order it among other sends, upload first with [`Client::upload`].
    pub async fn send_media(
        &self,
        to: Jid,
        data: Vec<u8>,
        mimetype: Option<&str>,
        kind: MediaKind,
        id: Option<String>,
    ) -> Result<SendResult, ClientError> {
        let mimetype = mimetype.unwrap_or(kind.default_mimetype()).to_owned();
        let uploaded = self.upload(data, kind.media_type()).await?;
        self.send_message_with_id(to, uploaded.message(&kind, &mimetype), id).await
    }

    /// Downloads and decrypts the file of a received image, video, audio, document or sticker
    /// message.
    pub async fn download_message(&self, message: &proto::Message) -> Result<Vec<u8>, ClientError> {
        let media = MediaRef::from_message(message)?;
        self.download(&media).await
    }

    /// Reacts to message `id` in `chat`, sent by `sender` (`from_me`: sent by us); an empty
    /// `emoji` removes our reaction.
    pub async fn send_reaction(
        &self,
        chat: Jid,
        sender: Jid,
        id: &str,
        from_me: bool,
        emoji: &str,
    ) -> Result<SendResult, ClientError> {
        let key = message_key(&chat, &sender, id, from_me);
        self.send_message(chat, reaction(key, emoji, unix_now_ms())).await
    }

    /// Marks messages of `sender` in `chat` as read (`sender` is needed in groups).
    pub async fn mark_read(
        &self,
        ids: &[String],
        chat: Jid,
        sender: Option<Jid>,
    ) -> Result<(), ClientError> {
        self.send_receipt(ids, chat, sender, ReceiptType::Read).await
    }

    /// Sends a receipt of another type (`Played` for voice notes…).
    pub async fn send_receipt(
        &self,
        ids: &[String],
        chat: Jid,
        sender: Option<Jid>,
        receipt_type: ReceiptType,
    ) -> Result<(), ClientError> {
        let ids = ids.to_vec();
        self.on_runtime(|inner| async move {
            inner.mark_read(&ids, &chat, sender.as_ref(), receipt_type).await
        })
        .await
    }

    /// Sends active delivery receipts even while not available (whatsmeow
    /// `SetForceActiveDeliveryReceipts`); by default they are `inactive` until
    /// [`Client::send_presence`] with [`Presence::Available`], as the real client does.
    pub fn set_force_active_delivery_receipts(&self, on: bool) {
        self.inner.messaging.receipts.force(on);
    }

    /// The LID user of a phone-number user, when known (from usync, stanzas or the store).
    pub fn lid_for_pn(&self, pn: &Jid) -> Option<Jid> {
        self.inner.messaging.lid_of(&pn.to_non_ad()).map(Jid::lid)
    }

    /// The phone-number user of a LID user, when known.
    pub fn pn_for_lid(&self, lid: &Jid) -> Option<Jid> {
        self.inner.messaging.pn_of(&lid.to_non_ad()).map(Jid::pn)
    }

    /// Tells our contacts whether we are online. `Available` also turns delivery receipts
    /// active, `Unavailable` back to `inactive`.
    pub async fn send_presence(&self, presence: Presence) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { inner.send_presence(presence).await }).await
    }

    /// Typing (or recording audio) in `chat`, or stopped.
    pub async fn send_chat_presence(
        &self,
        chat: Jid,
        state: ChatState,
        media: ChatStateMedia,
    ) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { inner.send_chat_presence(&chat, state, media).await })
            .await
    }

    /// Asks for `jid`'s presence updates (`Presence` events).
    pub async fn subscribe_presence(&self, jid: Jid) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { inner.subscribe_presence(&jid).await }).await
    }

    /// Forgets the cached device lists of `user` (they are fetched again on the next send).
    pub fn invalidate_devices(&self, user: &Jid) {
        self.inner.messaging.forget_devices(&user.to_non_ad());
    }
}
