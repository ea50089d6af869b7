//! Decrypting a received `<message>`: pkmsg, msg and skmsg, the sender key a 1:1 part may
//! carry, padding, protobuf and wrappers. Nothing is written: the caller commits `changes`.
use prost::Message as _;

use crate::binary::{Jid, Node};
use crate::proto;
use crate::signal::{
    decrypt_message as signal_decrypt, decrypt_pre_key_message, group_decrypt,
    process_sender_key_distribution, unpad_message, RandomKeys, SenderKeyDistributionMessage,
};
use crate::store::{SignalStore, StoreChanges};
use crate::types::{MessageInfo, OwnJids};

use super::address::{protocol_address, sender_key_name};
use super::info::{parse_message_info, sender_encryption_jid};
use super::overlay::Overlay;
use super::unwrap::{unwrap_message, MessageFlags};
use super::MessageError;

/// A decrypted message. Commit `changes` (with [`SignalStore::commit`] or together with the
/// caller's own writes), then ack; until then the same stanza decrypts again.
#[must_use = "commit `changes`, or the sessions do not advance"]
#[derive(Debug)]
pub struct DecryptedMessage {
    pub info: MessageInfo,
    /// The content, with deviceSent/ephemeral/viewOnce/edited wrappers removed. It may hold
    /// nothing but a sender key (see [`DecryptedMessage::is_key_distribution_only`]).
    pub message: proto::Message,
    /// The message as decrypted, before unwrapping.
    pub raw: proto::Message,
    /// Which wrappers there were.
    pub flags: MessageFlags,
    /// A sender key distribution was processed (the 1:1 part carried one).
    pub received_sender_key: bool,
    /// The `count` of a re-sent message (an answer to our retry receipt).
    pub retry_count: Option<u64>,
    pub changes: StoreChanges,
}

impl DecryptedMessage {
    /// Whether the message only hands over a sender key (nothing to show): a group member's
    /// key sent on its own, ahead of or apart from its skmsg.
    pub fn is_key_distribution_only(&self) -> bool {
        let mut rest = self.message.clone();
        let had_key = rest.sender_key_distribution_message.take().is_some()
            | rest.fast_ratchet_key_sender_key_distribution_message.take().is_some();
        rest.message_context_info = None;
        had_key && rest == proto::Message::default()
    }
}

/// Parses and decrypts a `<message>` stanza, using the sender's LID session when the stanza
/// names one (see [`sender_encryption_jid`]).
pub fn decrypt_message<S: SignalStore + ?Sized>(
    store: &S,
    own: &OwnJids,
    node: &Node,
) -> Result<DecryptedMessage, MessageError> {
    let info = parse_message_info(node, own)?;
    let encryption_jid = sender_encryption_jid(&info);
    decrypt_with_info(store, info, node, &encryption_jid)
}

struct Part<'a> {
    kind: &'a str,
    node: &'a Node,
}

/// Decrypts a `<message>` whose info the caller parsed, with the sender's session under
/// `encryption_jid` (the caller may know a LID mapping the stanza does not carry).
pub fn decrypt_with_info<S: SignalStore + ?Sized>(
    store: &S,
    info: MessageInfo,
    node: &Node,
    encryption_jid: &Jid,
) -> Result<DecryptedMessage, MessageError> {
    let mut parts = Vec::new();
    let mut unknown = None;
    for child in node.children_by_tag("enc") {
        let kind = child.req_str("type")?;
        match kind {
            "pkmsg" | "msg" | "skmsg" => {
                let version = child.req_str("v")?;
                if version != "2" {
                    return Err(MessageError::UnsupportedEncVersion(version.to_owned()));
                }
                parts.push(Part { kind, node: child });
            }
            other => unknown = unknown.or(Some(other.to_owned())),
        }
    }
    if parts.is_empty() {
        if let Some(unavailable) = node.child_by_tag("unavailable") {
            let kind = unavailable.attr_text("type").map(|s| s.into_owned());
            return Err(MessageError::Unavailable(kind.unwrap_or_default()));
        }
        return Err(match unknown {
            Some(kind) => MessageError::UnknownEncType(kind),
            None => MessageError::NoEncryptedContent,
        });
    }
    // The 1:1 part first: it may carry the sender key the skmsg needs.
    parts.sort_by_key(|p| p.kind == "skmsg");

    let overlay = Overlay::new(store);
    let address = protocol_address(encryption_jid);
    let mut content = None;
    let mut received_sender_key = false;
    let mut retry_count = None;
    for part in &parts {
        let ciphertext = part.node.req_bytes()?;
        retry_count = retry_count.or(part.node.opt_u64("count")?);
        let decrypted = match part.kind {
            "pkmsg" => decrypt_pre_key_message(&overlay, &address, ciphertext, &mut RandomKeys),
            "msg" => signal_decrypt(&overlay, &address, ciphertext, &mut RandomKeys),
            _ => {
                if !info.is_group {
                    return Err(MessageError::SkmsgOutsideGroup);
                }
                let name = sender_key_name(&info.chat, encryption_jid);
                group_decrypt(&overlay, &name, ciphertext)
            }
        }
        .map_err(MessageError::from_decrypt)?;
        overlay.stage(decrypted.changes)?;
        let plaintext = unpad_message(&decrypted.plaintext).map_err(MessageError::from_decrypt)?;
        let message = proto::Message::decode(plaintext)?;
        if part.kind != "skmsg" && info.is_group {
            received_sender_key |= take_sender_key(&overlay, &info, encryption_jid, &message)?;
        }
        content = Some(message);
    }
    let raw = content.ok_or(MessageError::NoEncryptedContent)?;
    let (message, flags) = unwrap_message(raw.clone());
    Ok(DecryptedMessage {
        info,
        message,
        raw,
        flags,
        received_sender_key,
        retry_count,
        changes: overlay.into_changes()?,
    })
}

/// Installs the sender key a 1:1 message carries (also inside a deviceSentMessage).
fn take_sender_key<S: SignalStore + ?Sized>(
    overlay: &Overlay<'_, S>,
    info: &MessageInfo,
    encryption_jid: &Jid,
    message: &proto::Message,
) -> Result<bool, MessageError> {
    let skdm = message.sender_key_distribution_message.as_ref().or_else(|| {
        message
            .device_sent_message
            .as_ref()
            .and_then(|d| d.message.as_ref())
            .and_then(|m| m.sender_key_distribution_message.as_ref())
    });
    let Some(bytes) = skdm.and_then(|s| s.axolotl_sender_key_distribution_message.as_deref())
    else {
        return Ok(false);
    };
    let skdm = SenderKeyDistributionMessage::parse(bytes).map_err(MessageError::DecryptFailed)?;
    let name = sender_key_name(&info.chat, encryption_jid);
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(overlay, &name, &skdm, &mut changes)
        .map_err(MessageError::from_decrypt)?;
    overlay.stage(changes)?;
    Ok(true)
}
