//! The phones' polls: each poll a phone sends or receives is kept in the durable state with
//! its message secret, so the phone opens the votes it receives (recorded in its inbox with
//! the options chosen) and votes itself (`POST /control/vote`), with the core's poll code.
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use wazap::binary::Jid;
use wazap::message::secret::{decrypt_poll_vote, PollRef};
use wazap::message::{message_key, option_names, poll_of, poll_sender, poll_vote, PollCreation};
use wazap::proto::{Message, PollUpdateMessage};

use super::send;
use crate::control::ControlError;
use crate::shared::Shared;

/// A poll as a phone keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhonePoll {
    pub chat: String,
    /// Who sent it (no device).
    pub sender: String,
    /// The message secret, hex.
    pub secret: String,
    pub name: String,
    pub options: Vec<String>,
    pub selectable: u32,
}

/// Keeps the poll `message` creates, if it does (sent by `sender` in `chat` as `id`).
pub fn remember(
    shared: &Shared,
    phone: &str,
    chat: &Jid,
    sender: &Jid,
    id: &str,
    message: &Message,
) {
    let Some((poll, Some(secret))) = poll_of(message) else { return };
    let kept = PhonePoll {
        chat: chat.to_non_ad().to_string(),
        sender: sender.to_non_ad().to_string(),
        secret: hex::encode(secret),
        name: poll.name,
        options: poll.options,
        selectable: poll.selectable,
    };
    let mut state = shared.state();
    state.durable.polls.entry(phone.to_owned()).or_default().entry(id.to_owned()).or_insert(kept);
    state.save();
}

fn poll(shared: &Shared, phone: &str, id: &str) -> Option<PhonePoll> {
    shared.state().durable.polls.get(phone)?.get(id).cloned()
}

/// Opens a vote `voter` cast in `chat`: the poll's id and the names of the options chosen.
pub fn open_vote(
    shared: &Shared,
    phone: &str,
    chat: &Jid,
    voter: &Jid,
    update: &PollUpdateMessage,
) -> Option<(String, Vec<String>)> {
    let key = update.poll_creation_message_key.as_ref()?;
    let kept = poll(shared, phone, key.id())?;
    let secret = hex::decode(&kept.secret).ok()?;
    let stored: Jid = kept.sender.parse().ok()?;
    let mut senders: Vec<Jid> = poll_sender(key, chat, voter).into_iter().collect();
    senders.push(stored);
    let chosen = senders.iter().find_map(|sender| {
        let reference = PollRef { id: key.id(), sender, secret: &secret };
        decrypt_poll_vote(&reference, voter, update.vote.as_ref()?).ok()
    })?;
    Some((key.id().to_owned(), option_names(&kept.options, &chosen)))
}

/// The phone of `phone` votes in poll `poll_id` for `options`; returns the vote's id.
pub fn vote(
    shared: &Shared,
    phone: &str,
    poll_id: &str,
    options: &[String],
) -> Result<String, ControlError> {
    let kept = poll(shared, phone, poll_id)
        .ok_or_else(|| ControlError::not_found(format!("{phone} knows no poll {poll_id}")))?;
    let bad = |what: &str| ControlError::internal(format!("stored poll {poll_id}: bad {what}"));
    let chat: Jid = kept.chat.parse().map_err(|_| bad("chat"))?;
    let sender: Jid = kept.sender.parse().map_err(|_| bad("sender"))?;
    let secret = hex::decode(&kept.secret).map_err(|_| bad("secret"))?;
    let own = send::own_jids(shared, phone)?;
    let voter = match (&own.lid, sender.is_lid()) {
        (Some(lid), true) => lid.to_non_ad(),
        _ => own.pn.to_non_ad(),
    };
    let key = message_key(&chat, &sender, poll_id, own.is_own_user(&sender));
    let creation =
        PollCreation { name: kept.name, options: kept.options, selectable: kept.selectable };
    let names: Vec<&str> = options.iter().map(String::as_str).collect();
    let mut iv = [0u8; 12];
    OsRng.fill_bytes(&mut iv);
    let reference = PollRef { id: poll_id, sender: &sender, secret: &secret };
    let now_ms = crate::state::unix_now() as i64 * 1000;
    let message = poll_vote(key, &reference, &creation, &voter, &names, iv, now_ms)
        .map_err(|e| ControlError::bad_request(e.to_string()))?;
    send::send_message(shared, phone, &chat, &message)
}
