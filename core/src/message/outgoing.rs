//! Building the `<message>` stanzas we send: 1:1 (with a copy to our own devices) and group.
use prost::Message as _;

use crate::binary::{Jid, Node};
use crate::proto;
use crate::signal::{create_sender_key_distribution, group_encrypt, pad_message};
use crate::store::SignalStore;
use crate::types::OwnJids;

use super::address::sender_key_name;
use super::content::{edit_attribute, media_type, message_type};
use super::encrypt::{
    encrypt_for_device, encrypt_for_devices, EncryptedParticipants, OutgoingDevice,
};
use super::phash::participant_hash;
use super::MessageError;

/// A 1:1 message to send.
#[derive(Clone, Copy, Debug)]
pub struct DirectMessage<'a> {
    pub id: &'a str,
    /// The chat: the other user's JID (phone number or LID), without device.
    pub to: &'a Jid,
    pub message: &'a proto::Message,
    /// Every device of the recipient, as usync lists them.
    pub recipient_devices: &'a [OutgoingDevice],
    /// Every device of our own account, as usync lists them; this device is skipped. They get
    /// the message wrapped in a `deviceSentMessage` naming the chat.
    pub own_devices: &'a [OutgoingDevice],
    /// Our `ADVSignedDeviceIdentity` (encoded), sent along when a pkmsg goes out.
    pub device_identity: Option<&'a [u8]>,
}

/// A group message to send.
#[derive(Clone, Copy, Debug)]
pub struct GroupMessage<'a> {
    pub id: &'a str,
    pub group: &'a Jid,
    pub message: &'a proto::Message,
    /// This device as the group knows it (phone-number or LID device JID): the sender key is
    /// stored under its address, and receivers look it up under the `participant` they see.
    pub sender: &'a Jid,
    /// Every device of every participant, ours included (this device is skipped).
    pub devices: &'a [OutgoingDevice],
    /// Devices known to hold our current sender key; the others get it in a pkmsg/msg. Ignored
    /// when the key is new (then every device gets it).
    pub devices_with_sender_key: &'a [Jid],
    pub device_identity: Option<&'a [u8]>,
}

/// A stanza ready to send, and what the caller must remember about it.
#[derive(Debug)]
pub struct OutgoingMessage {
    /// The `<message>` node. Callers may add attributes (`addressing_mode`,
    /// `peer_recipient_pn`…) or children before sending.
    pub node: Node,
    /// The participant hash written in the stanza; compare it with the server ack's.
    pub phash: String,
    /// Devices that got a `<to>` node.
    pub encrypted_for: Vec<Jid>,
    /// Devices that could not be encrypted for, and why.
    pub failed: Vec<(Jid, MessageError)>,
    /// Group only: devices that got our sender key in this stanza (record them).
    pub sender_key_recipients: Vec<Jid>,
    /// Group only: our sender key was created by this call (forget who had the old one).
    pub new_sender_key: bool,
}

fn is_this_device(own: &OwnJids, device: &OutgoingDevice) -> bool {
    own.is_this_device(&device.jid) || own.is_this_device(&device.encryption_jid)
}

fn message_node(id: &str, to: &Jid, message: &proto::Message, phash: &str) -> Node {
    Node::new("message")
        .attr("id", id.to_owned())
        .attr("to", to.clone())
        .attr("type", message_type(message))
        .opt_attr("edit", edit_attribute(message))
        .attr("phash", phash.to_owned())
}

pub(crate) fn enc_attrs(
    message: &proto::Message,
    with_media_type: bool,
) -> Vec<(&'static str, &'static str)> {
    let mut attrs = Vec::new();
    if with_media_type {
        if let Some(media) = media_type(message) {
            attrs.push(("mediatype", media));
        }
    }
    // Receivers that fail to decrypt these should not show a placeholder (whatsmeow
    // DecryptFailHide).
    if edit_attribute(message).is_some()
        || message_type(message) == "reaction"
        || message.poll_update_message.is_some()
    {
        attrs.push(("decrypt-fail", "hide"));
    }
    attrs
}

fn finish(
    mut node: Node,
    participants: EncryptedParticipants,
    trailer: Option<Node>,
    device_identity: Option<&[u8]>,
) -> (Node, Vec<Jid>, Vec<(Jid, MessageError)>) {
    let include_identity = participants.include_identity;
    if !participants.nodes.is_empty() {
        node.push_child(Node::new("participants").children(participants.nodes));
    }
    if let Some(trailer) = trailer {
        node.push_child(trailer);
    }
    if include_identity {
        if let Some(identity) = device_identity {
            node.push_child(Node::new("device-identity").bytes(identity.to_vec()));
        }
    }
    (node, participants.encrypted_for, participants.failed)
}

/// The `phash` of a message we send: over every device of the conversation and this sending
/// device too, as WhatsApp Web computes it (`phashV2([].concat(devices, [sender]))`) and as
/// whatsmeow does (its usync device lists include the sending device), so the server, which
/// answers a differing hash in its ack, finds ours equal.
fn send_phash<'a>(devices: impl Iterator<Item = &'a Jid>, this_device: &'a Jid) -> String {
    let mut all: Vec<&Jid> = devices.chain(std::iter::once(this_device)).collect();
    all.sort();
    all.dedup();
    participant_hash(all)
}

/// Encrypts a 1:1 message for every device of the recipient and for our other devices, and
/// builds `<message id to type [edit] phash><participants>…</participants>[<device-identity>]`.
/// Devices without a session end up in `failed` with [`MessageError::NoSession`]: call
/// [`super::devices_needing_sessions`] and [`super::start_session`] first.
pub fn build_direct_message<S: SignalStore + ?Sized>(
    store: &S,
    own: &OwnJids,
    msg: &DirectMessage<'_>,
) -> Result<OutgoingMessage, MessageError> {
    let plaintext = msg.message.encode_to_vec();
    let device_sent = proto::Message {
        device_sent_message: Some(Box::new(proto::DeviceSentMessage {
            destination_jid: Some(msg.to.to_string()),
            message: Some(Box::new(msg.message.clone())),
            phash: None,
        })),
        message_context_info: msg.message.message_context_info.clone(),
        ..Default::default()
    }
    .encode_to_vec();
    let attrs = enc_attrs(msg.message, true);
    let recipients: Vec<OutgoingDevice> =
        msg.recipient_devices.iter().filter(|d| !is_this_device(own, d)).cloned().collect();
    let own_devices: Vec<OutgoingDevice> =
        msg.own_devices.iter().filter(|d| !is_this_device(own, d)).cloned().collect();
    let mut participants = encrypt_for_devices(store, &recipients, &plaintext, &attrs)?;
    participants.absorb(encrypt_for_devices(store, &own_devices, &device_sent, &attrs)?);
    let this_device = match (&own.lid, msg.to.is_lid()) {
        (Some(lid), true) => lid,
        _ => &own.pn,
    };
    let phash = send_phash(
        msg.recipient_devices.iter().chain(msg.own_devices).map(|d| &d.jid),
        this_device,
    );
    let node = message_node(msg.id, msg.to, msg.message, &phash);
    let (node, encrypted_for, failed) = finish(node, participants, None, msg.device_identity);
    Ok(OutgoingMessage {
        node,
        phash,
        encrypted_for,
        failed,
        sender_key_recipients: Vec::new(),
        new_sender_key: false,
    })
}

/// Whether our sender key for `group` (as `sender`) exists.
pub fn has_own_sender_key<S: SignalStore + ?Sized>(
    store: &S,
    group: &Jid,
    sender: &Jid,
) -> Result<bool, MessageError> {
    Ok(store.load_sender_key(&sender_key_name(group, sender))?.is_some_and(|r| !r.is_empty()))
}

/// The devices that will get our sender key with this message: all but this device when we
/// have no key yet, else those not in `devices_with_sender_key`. They need sessions.
pub fn sender_key_targets<S: SignalStore + ?Sized>(
    store: &S,
    own: &OwnJids,
    msg: &GroupMessage<'_>,
) -> Result<Vec<OutgoingDevice>, MessageError> {
    let fresh = !has_own_sender_key(store, msg.group, msg.sender)?;
    Ok(msg
        .devices
        .iter()
        .filter(|d| !is_this_device(own, d))
        .filter(|d| fresh || !msg.devices_with_sender_key.contains(&d.jid))
        .cloned()
        .collect())
}

/// Our sender key for `group` as a `senderKeyDistributionMessage` (creating the key if
/// needed).
pub fn sender_key_distribution<S: SignalStore + ?Sized>(
    store: &S,
    group: &Jid,
    sender: &Jid,
) -> Result<proto::SenderKeyDistributionMessage, MessageError> {
    let name = sender_key_name(group, sender);
    let skdm = create_sender_key_distribution(store, &name, &mut rand::thread_rng())
        .map_err(MessageError::EncryptFailed)?;
    Ok(proto::SenderKeyDistributionMessage {
        group_id: Some(group.to_string()),
        axolotl_sender_key_distribution_message: Some(skdm.serialize()),
    })
}

/// The encoded `Message{senderKeyDistributionMessage}` that hands our sender key to a device.
pub fn sender_key_distribution_plaintext<S: SignalStore + ?Sized>(
    store: &S,
    group: &Jid,
    sender: &Jid,
) -> Result<Vec<u8>, MessageError> {
    Ok(proto::Message {
        sender_key_distribution_message: Some(sender_key_distribution(store, group, sender)?),
        ..Default::default()
    }
    .encode_to_vec())
}

/// Encrypts a group message once with our sender key (`<enc type="skmsg">`, created on first
/// use) and hands the key to the devices that lack it, each in a 1:1 pkmsg/msg:
/// `<message id to=group type [edit] phash>[<participants>…]<enc skmsg/>[<device-identity>]`.
pub fn build_group_message<S: SignalStore + ?Sized>(
    store: &S,
    own: &OwnJids,
    msg: &GroupMessage<'_>,
) -> Result<OutgoingMessage, MessageError> {
    let new_sender_key = !has_own_sender_key(store, msg.group, msg.sender)?;
    let targets = sender_key_targets(store, own, msg)?;
    let skdm_plaintext = sender_key_distribution_plaintext(store, msg.group, msg.sender)?;
    let padded = pad_message(&msg.message.encode_to_vec(), &mut rand::thread_rng());
    let skmsg = group_encrypt(store, &sender_key_name(msg.group, msg.sender), &padded)
        .map_err(MessageError::EncryptFailed)?;
    let mut sk_enc = Node::new("enc").attr("v", "2").attr("type", "skmsg");
    for (key, value) in enc_attrs(msg.message, true) {
        sk_enc = sk_enc.attr(key, value);
    }
    let participants =
        encrypt_for_devices(store, &targets, &skdm_plaintext, &enc_attrs(msg.message, false))?;
    let phash = send_phash(msg.devices.iter().map(|d| &d.jid), msg.sender);
    let node = message_node(msg.id, msg.group, msg.message, &phash);
    let (node, encrypted_for, failed) =
        finish(node, participants, Some(sk_enc.bytes(skmsg)), msg.device_identity);
    Ok(OutgoingMessage {
        node,
        phash,
        sender_key_recipients: encrypted_for.clone(),
        encrypted_for,
        failed,
        new_sender_key,
    })
}

/// A message to one of our own devices (`category="peer"`: app state key shares and
/// requests, history sync notifications): `<message id to=device type="text"
/// category="peer"><meta appdata="default"/><enc/>[<device-identity>]</message>` (whatsmeow
/// `preparePeerMessageNode`). The device needs a session.
pub fn build_peer_message<S: SignalStore + ?Sized>(
    store: &S,
    device: &OutgoingDevice,
    id: &str,
    message: &proto::Message,
    device_identity: Option<&[u8]>,
) -> Result<Node, MessageError> {
    let (enc, is_pre_key) = encrypt_for_device(store, device, &message.encode_to_vec(), &[])?;
    let mut node = Node::new("message")
        .attr("id", id.to_owned())
        .attr("type", "text")
        .attr("category", "peer")
        .attr("to", device.jid.clone())
        .children([Node::new("meta").attr("appdata", "default"), enc]);
    if is_pre_key {
        if let Some(identity) = device_identity {
            node.push_child(Node::new("device-identity").bytes(identity.to_vec()));
        }
    }
    Ok(node)
}
