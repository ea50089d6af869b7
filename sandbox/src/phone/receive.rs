//! The phone processes what waited for it: decrypts messages (1:1 `pkmsg`/`msg`, group `skmsg`
//! after the sender-key distribution), records them in its inbox, answers with a delivery
//! receipt, and echoes texts back when the account has `echo` set. Receipts are recorded too.
use prost::Message as _;
use wazap::binary::{Node, Server};
use wazap::message::{edit_of, poll_of, revoke_of, unwrap_message};
use wazap::proto::Message;
use wazap::signal::{
    decrypt_message, decrypt_pre_key_message, group_decrypt, process_sender_key_distribution,
    unpad_message, RandomKeys, SenderKeyDistributionMessage, SenderKeyName, SignalError,
};
use wazap::store::{SignalStore, StoreChanges};

use super::inbox::InboxEntry;
use super::send;
use super::sessions::session_address;
use crate::handlers::receipt;
use crate::shared::Shared;
use crate::state::unix_now;

/// Processes everything queued for the phone of `phone`.
pub fn process(shared: &Shared, phone: &str) {
    let queued = {
        let mut state = shared.state();
        let queued = state.durable.queues.take(phone, 0);
        if !queued.is_empty() {
            state.save();
        }
        queued
    };
    for node in queued {
        match node.tag.as_ref() {
            "message" => message(shared, phone, &node),
            "receipt" => {
                if node.attr_str("type") == Some("retry") {
                    super::retry::answer(shared, phone, &node);
                }
                let entry = InboxEntry {
                    id: node.attr_str("id").unwrap_or_default().to_owned(),
                    chat: node
                        .opt_jid("from")
                        .ok()
                        .flatten()
                        .map(|j| j.to_non_ad().to_string())
                        .unwrap_or_default(),
                    sender: node.attr_text("from").map(|s| s.into_owned()).unwrap_or_default(),
                    text: node.attr_str("type").unwrap_or("delivery").to_owned(),
                    timestamp: node.opt_u64("t").ok().flatten().unwrap_or_else(unix_now),
                    kind: "receipt".into(),
                    target: None,
                    options: Vec::new(),
                };
                shared.record(phone, entry);
            }
            _ => {}
        }
    }
}

/// What the inbox records of a message: its text, kind, the message it is about, options.
struct Seen {
    text: String,
    kind: &'static str,
    target: Option<String>,
    options: Vec<String>,
}

impl Seen {
    fn new(text: impl Into<String>, kind: &'static str) -> Self {
        Self { text: text.into(), kind, target: None, options: Vec::new() }
    }
}

/// What an (unwrapped) decrypted message says; votes are opened by the caller.
fn content(message: &Message) -> Option<Seen> {
    if let Some(edit) = edit_of(message) {
        let text = content(edit.message).map(|s| s.text).unwrap_or_default();
        return Some(Seen { target: edit.key.id.clone(), ..Seen::new(text, "edit") });
    }
    if let Some(key) = revoke_of(message) {
        return Some(Seen { target: key.id.clone(), ..Seen::new("", "revoke") });
    }
    if let Some((poll, _)) = poll_of(message) {
        return Some(Seen { options: poll.options, ..Seen::new(poll.name, "poll") });
    }
    if let Some(text) = &message.conversation {
        return Some(Seen::new(text.clone(), "text"));
    }
    if let Some(m) = &message.extended_text_message {
        return Some(Seen::new(m.text.clone().unwrap_or_default(), "text"));
    }
    if let Some(m) = &message.image_message {
        return Some(Seen::new(m.caption.clone().unwrap_or_default(), "image"));
    }
    if let Some(m) = &message.video_message {
        return Some(Seen::new(m.caption.clone().unwrap_or_default(), "video"));
    }
    if message.audio_message.is_some() {
        return Some(Seen::new("", "audio"));
    }
    if let Some(m) = &message.document_message {
        return Some(Seen::new(m.file_name.clone().unwrap_or_default(), "document"));
    }
    if message.sticker_message.is_some() {
        return Some(Seen::new("", "sticker"));
    }
    if let Some(m) = &message.reaction_message {
        let target = m.key.as_ref().and_then(|k| k.id.clone());
        return Some(Seen { target, ..Seen::new(m.text.clone().unwrap_or_default(), "reaction") });
    }
    None
}

/// The key ids a companion asks its phone for (`APP_STATE_SYNC_KEY_REQUEST`).
fn app_state_key_request(message: &Message) -> Option<Vec<Vec<u8>>> {
    let protocol = message.protocol_message.as_deref()?;
    let request = protocol.app_state_sync_key_request.as_ref()?;
    Some(request.key_ids.iter().map(|k| k.key_id().to_vec()).collect())
}

fn message(shared: &Shared, phone: &str, node: &Node) {
    let Ok(from) = node.req_jid("from") else { return };
    let id = node.attr_str("id").unwrap_or_default().to_owned();
    let (chat, sender) = if from.server == Server::Group {
        match node.opt_jid("participant") {
            Ok(Some(p)) => (from.clone(), p),
            _ => return,
        }
    } else {
        let chat = node.opt_jid("recipient").ok().flatten().unwrap_or_else(|| from.to_non_ad());
        (chat, from.clone())
    };
    let Some(store) = shared.phone_store(phone) else { return };
    let sender_address = session_address(shared, &sender);
    let mut decrypted: Vec<Message> = Vec::new();
    let mut changes = StoreChanges::default();
    let mut failed = false;
    let lock = shared.phone_crypto_lock(phone);
    let crypto = lock.lock().unwrap_or_else(|p| p.into_inner());
    for enc in node.children_by_tag("enc") {
        let Some(bytes) = enc.content_bytes() else { continue };
        let result = match enc.attr_str("type") {
            Some("pkmsg") => {
                decrypt_pre_key_message(&*store, &sender_address, bytes, &mut RandomKeys)
            }
            Some("msg") => decrypt_message(&*store, &sender_address, bytes, &mut RandomKeys),
            Some("skmsg") => {
                // A distribution in this very stanza must be in the store first.
                if let Err(e) = store.commit(std::mem::take(&mut changes)) {
                    tracing::warn!(error = %e, "phone store commit failed");
                }
                let name = SenderKeyName::new(chat.to_string(), sender_address.clone());
                group_decrypt(&*store, &name, bytes)
            }
            _ => continue,
        };
        let plain = match result {
            Ok(d) => {
                changes.merge(d.changes);
                d.plaintext
            }
            // Delivered before (a copy written twice, or sent again after a lost ack): the
            // phone had it; no retry.
            Err(SignalError::DuplicateMessage { .. }) => continue,
            Err(e) => {
                tracing::warn!(%phone, %sender, error = %e, "the phone cannot decrypt a message");
                failed = true;
                continue;
            }
        };
        let Ok(unpadded) = unpad_message(&plain) else { continue };
        let Ok(message) = Message::decode(unpadded) else { continue };
        if let Some(skdm) = &message.sender_key_distribution_message {
            let parsed = skdm
                .axolotl_sender_key_distribution_message
                .as_deref()
                .map(SenderKeyDistributionMessage::parse);
            if let Some(Ok(skdm)) = parsed {
                let name = SenderKeyName::new(chat.to_string(), sender_address.clone());
                if let Err(e) = process_sender_key_distribution(&*store, &name, &skdm, &mut changes)
                {
                    tracing::warn!(error = %e, "bad sender key distribution");
                }
            }
        }
        decrypted.push(message);
    }
    if let Err(e) = store.commit(changes) {
        tracing::warn!(error = %e, "phone store commit failed");
    }
    drop(crypto);
    if failed {
        super::retry::ask_again(shared, phone, &store, node);
    }
    let timestamp = node.opt_u64("t").ok().flatten().unwrap_or_else(unix_now);
    let own = {
        let state = shared.state();
        state.phone_of(&sender).as_deref() == Some(phone)
    };
    if own {
        for request in decrypted.iter().filter_map(app_state_key_request) {
            super::app_state::answer_key_request(shared, phone, sender.device, &request);
        }
    }
    let mut echo = None;
    for message in &decrypted {
        let (message, _) = unwrap_message(message.clone());
        super::polls::remember(shared, phone, &chat, &sender, &id, &message);
        let seen = match &message.poll_update_message {
            Some(update) => {
                let opened = super::polls::open_vote(shared, phone, &chat, &sender, update);
                let target = update.poll_creation_message_key.as_ref().and_then(|k| k.id.clone());
                match opened {
                    Some((_, options)) => Seen { target, options, ..Seen::new("", "poll_vote") },
                    None => Seen { target, ..Seen::new("unopened", "poll_vote") },
                }
            }
            None => match content(&message) {
                Some(seen) => seen,
                None => continue,
            },
        };
        if seen.kind == "text" {
            echo = Some(seen.text.clone());
        }
        shared.record(
            phone,
            InboxEntry {
                id: id.clone(),
                chat: chat.to_string(),
                sender: sender.to_string(),
                text: seen.text,
                timestamp,
                kind: seen.kind.into(),
                target: seen.target,
                options: seen.options,
            },
        );
    }
    if decrypted.is_empty() {
        return;
    }
    // Delivered: the receipt goes to the sender's devices.
    let mut delivered = Node::new("receipt").attr("id", id).attr("to", chat.clone());
    if chat.server == Server::Group {
        delivered.set_attr("participant", sender.clone());
    }
    receipt::relay(shared, phone, 0, &delivered);

    let echoing = shared.state().account(phone).is_some_and(|a| a.echo);
    if let (true, false, Some(text)) = (echoing, own, echo) {
        if chat.server != Server::Group {
            if let Err(e) = send::send_text(shared, phone, &chat, &text) {
                tracing::warn!(error = %e, "echo failed");
            }
        }
    }
}
