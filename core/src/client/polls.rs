//! Polls: the secret of each poll sent or received is kept in the account's messaging store
//! (before our poll leaves, and before a received one is acked), so that votes — ours and
//! everyone's — open; each vote received or cast is kept as its voter's current choice, and
//! [`Client::poll_results`] counts them.
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::send::{unix_now_ms, SendResult};
use super::{Client, ClientError, Inner};
use crate::binary::Jid;
use crate::message::secret::{decrypt_poll_vote, PollRef};
use crate::message::{
    option_names, poll_creation, poll_of, poll_sender, poll_vote, tally, OptionVotes, PollCreation,
    PollError,
};
use crate::proto;
use crate::store::{PollRecord, PollVoteRecord};
use crate::types::{MessageContent, MessageInfo};

/// The current count of a poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    pub id: String,
    pub chat: Jid,
    pub sender: Jid,
    pub name: String,
    pub selectable: u32,
    /// Each option in the poll's order with who chose it; a last entry named `""` holds the
    /// voters of options the poll does not list.
    pub options: Vec<OptionVotes>,
}

impl Inner {
    /// Keeps the poll `message` creates (if it does and carries a secret), sent by `sender` in
    /// `chat` as message `id`.
    pub(crate) fn remember_poll(
        &self,
        chat: &Jid,
        sender: &Jid,
        id: &str,
        message: &proto::Message,
    ) {
        let Some((poll, Some(secret))) = poll_of(message) else { return };
        let record = PollRecord {
            id: id.to_owned(),
            chat: chat.to_non_ad(),
            sender: sender.to_non_ad(),
            secret: secret.to_vec(),
            name: poll.name,
            options: poll.options,
            selectable: poll.selectable,
        };
        self.messaging.put_poll(&record);
    }

    /// A received message: a poll is kept; a vote is opened with its poll's secret, recorded
    /// and its choice attached to the content.
    pub(crate) fn on_poll_message(
        &self,
        info: &MessageInfo,
        content: MessageContent,
    ) -> MessageContent {
        self.remember_poll(&info.chat, &info.sender, &info.id, &content.proto);
        let Some(update) = &content.proto.poll_update_message else { return content };
        let (Some(key), Some(vote)) = (&update.poll_creation_message_key, &update.vote) else {
            return content;
        };
        let Some(poll) = self.messaging.poll(key.id()) else {
            tracing::debug!(poll = key.id(), "a vote in a poll not known here");
            return content;
        };
        // The key's sender first, then the one the poll was kept under (phone number and LID
        // may differ between the two), as whatsmeow tries both.
        let mut senders: Vec<Jid> =
            poll_sender(key, &info.chat, &info.sender).into_iter().collect();
        if !senders.contains(&poll.sender) {
            senders.push(poll.sender.clone());
        }
        let opened = senders.iter().find_map(|sender| {
            let reference = PollRef { id: &poll.id, sender, secret: &poll.secret };
            decrypt_poll_vote(&reference, &info.sender, vote).ok()
        });
        let Some(selected) = opened else {
            tracing::warn!(poll = %poll.id, voter = %info.sender, "a vote does not open");
            return content;
        };
        let record = PollVoteRecord {
            voter: info.sender.to_non_ad(),
            timestamp_ms: update.sender_timestamp_ms.unwrap_or(info.timestamp as i64 * 1000),
            selected: selected.clone(),
        };
        self.messaging.put_poll_vote(&poll.id, &record);
        content.with_poll_selection(option_names(&poll.options, &selected))
    }
}

impl Client {
    /// Sends a poll to `chat`: `selectable` is how many options a voter may choose (1: single
    /// choice; 0: any number). Its secret is kept so that the votes open.
    pub async fn send_poll(
        &self,
        chat: Jid,
        poll: &PollCreation,
        id: Option<String>,
    ) -> Result<SendResult, ClientError> {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let message = poll_creation(poll, secret)?;
        self.send_message_with_id(chat, message, id).await
    }

    /// Votes in poll `poll_id` (one we sent or received) for `options` (names; none withdraws
    /// our vote).
    pub async fn vote_poll(
        &self,
        poll_id: &str,
        options: &[String],
    ) -> Result<SendResult, ClientError> {
        let inner = self.inner.clone();
        let poll = inner
            .messaging
            .poll(poll_id)
            .ok_or_else(|| PollError::UnknownPoll(poll_id.to_owned()))?;
        let own = inner.own_jids()?;
        // We vote as the identity the poll was sent under (whatsmeow `EncryptPollVote`).
        let voter = match (&own.lid, poll.sender.is_lid()) {
            (Some(lid), true) => lid.to_non_ad(),
            _ => own.pn.to_non_ad(),
        };
        let from_me = own.is_own_user(&poll.sender);
        let key = crate::message::message_key(&poll.chat, &poll.sender, &poll.id, from_me);
        let creation = PollCreation {
            name: poll.name.clone(),
            options: poll.options.clone(),
            selectable: poll.selectable,
        };
        let names: Vec<&str> = options.iter().map(String::as_str).collect();
        let mut iv = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut iv);
        let reference = PollRef { id: &poll.id, sender: &poll.sender, secret: &poll.secret };
        let now = unix_now_ms();
        let message = poll_vote(key, &reference, &creation, &voter, &names, iv, now)?;
        let sent = self.send_message(poll.chat.clone(), message).await?;
        let selected = names.iter().map(|n| crate::message::secret::poll_option_hash(n)).collect();
        inner
            .messaging
            .put_poll_vote(&poll.id, &PollVoteRecord { voter, selected, timestamp_ms: now });
        Ok(sent)
    }

    /// The current count of poll `poll_id`: each voter's latest choice, per option.
    pub fn poll_results(&self, poll_id: &str) -> Result<PollResults, ClientError> {
        let messaging = &self.inner.messaging;
        let poll =
            messaging.poll(poll_id).ok_or_else(|| PollError::UnknownPoll(poll_id.to_owned()))?;
        let votes: Vec<(Jid, Vec<[u8; 32]>)> =
            messaging.poll_votes(poll_id).into_iter().map(|v| (v.voter, v.selected)).collect();
        Ok(PollResults {
            options: tally(&poll.options, &votes),
            id: poll.id,
            chat: poll.chat,
            sender: poll.sender,
            name: poll.name,
            selectable: poll.selectable,
        })
    }
}
