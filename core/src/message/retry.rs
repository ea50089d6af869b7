//! Retry receipts: asking a sender to encrypt a message again, and answering such a request
//! (whatsmeow retry.go).
use prost::Message as _;

use crate::binary::{Jid, Node, NodeError};
use crate::crypto::PublicKey;
use crate::proto;
use crate::signal::{PreKeyBundle, PreKeyRecord, SignedPreKeyRecord};
use crate::store::SignalStore;
use crate::types::{OwnJids, Receipt, ReceiptType};

use super::encrypt::{encrypt_for_device, start_session, OutgoingDevice};
use super::outgoing::{enc_attrs, sender_key_distribution};
use super::prekeys::{key_node, parse_bundle, KEY_TYPE_DJB};
use super::receipt::{build_receipt, parse_receipt};
use super::{edit_attribute, message_type, MessageError};

/// Retry receipts stop after this many attempts for one message (whatsmeow stops at 5).
pub const MAX_RETRIES: u32 = 5;

/// Fresh keys sent with a retry receipt so the sender can start a new session: whatsmeow
/// includes them from the second retry on (`count >= 2`).
#[derive(Clone, Copy, Debug)]
pub struct RetryKeys<'a> {
    pub identity: PublicKey,
    /// A new one-time prekey (already saved in our store).
    pub pre_key: &'a PreKeyRecord,
    pub signed_pre_key: &'a SignedPreKeyRecord,
    /// Our encoded `ADVSignedDeviceIdentity`.
    pub device_identity: &'a [u8],
}

/// `<receipt id to [participant] [recipient] type="retry"><retry count id t v="1"/>
/// <registration>u32 BE</registration>[<keys>…</keys>]</receipt>` for a `<message>` we could
/// not decrypt. `count` starts at 1.
pub fn build_retry_receipt(
    message: &Node,
    count: u32,
    registration_id: u32,
    keys: Option<&RetryKeys<'_>>,
) -> Result<Node, MessageError> {
    let mut receipt = build_receipt(message, &ReceiptType::Retry)?;
    let id = message.req_str("id")?.to_owned();
    let t = message.attr_text("t").map(|t| t.into_owned());
    receipt.push_child(
        Node::new("retry")
            .attr("count", count.to_string())
            .attr("id", id)
            .opt_attr("t", t)
            .attr("v", "1"),
    );
    receipt.push_child(Node::new("registration").bytes(registration_id.to_be_bytes().to_vec()));
    if let Some(keys) = keys {
        receipt.push_child(Node::new("keys").children([
            Node::new("type").bytes(vec![KEY_TYPE_DJB]),
            Node::new("identity").bytes(keys.identity.0.to_vec()),
            key_node("key", keys.pre_key.id, &keys.pre_key.key_pair.public, None),
            key_node(
                "skey",
                keys.signed_pre_key.id,
                &keys.signed_pre_key.key_pair.public,
                Some(&keys.signed_pre_key.signature),
            ),
            Node::new("device-identity").bytes(keys.device_identity.to_vec()),
        ]));
    }
    Ok(receipt)
}

/// A received retry receipt.
#[derive(Clone, Debug)]
pub struct RetryRequest {
    pub receipt: Receipt,
    /// The message to send again.
    pub message_id: String,
    pub count: u32,
    /// The original message's timestamp (`t` of `<retry>`).
    pub timestamp: Option<u64>,
    pub registration_id: Option<u32>,
    /// Fresh keys of the requesting device: start a new session with them.
    pub bundle: Option<PreKeyBundle>,
    pub device_identity: Option<Vec<u8>>,
}

impl RetryRequest {
    /// The device asking.
    pub fn requester(&self) -> Result<&Jid, MessageError> {
        self.receipt.sender.as_ref().ok_or_else(|| {
            MessageError::MissingAttribute(NodeError::MissingAttr {
                tag: "receipt".into(),
                key: "participant".into(),
            })
        })
    }
}

/// Reads a retry receipt.
pub fn parse_retry_receipt(node: &Node) -> Result<RetryRequest, MessageError> {
    let receipt = parse_receipt(node)?;
    if receipt.receipt_type != ReceiptType::Retry {
        return Err(MessageError::NotRetryReceipt);
    }
    let retry = node.req_child("retry")?;
    let registration_id = match node.child_by_tag("registration") {
        Some(reg) => Some(u32::from_be_bytes(
            reg.req_bytes()?.try_into().map_err(|_| MessageError::BadKey("registration"))?,
        )),
        None => None,
    };
    let keys = node.child_by_tag("keys");
    let bundle = match (keys, &receipt.sender) {
        (Some(_), Some(sender)) => Some(parse_bundle(u32::from(sender.device), node)?),
        _ => None,
    };
    let device_identity = keys
        .and_then(|k| k.child_by_tag("device-identity"))
        .and_then(|d| d.content_bytes())
        .map(<[u8]>::to_vec);
    Ok(RetryRequest {
        message_id: retry.req_str("id")?.to_owned(),
        count: retry.req_parse("count", "a retry count")?,
        timestamp: retry.opt_u64("t")?,
        registration_id,
        bundle,
        device_identity,
        receipt,
    })
}

/// Encrypts `message` again for the device that asked, starting a new session from its keys
/// when the receipt has them: `<message to id type t [participant] [recipient] [edit]
/// [device_fanout="false"]><enc count/>[<device-identity>]</message>`. In a group the message
/// carries our sender key (`group_sender`: this device as the group knows us); to our own
/// devices it goes as a deviceSentMessage. `encryption_jid` overrides the session identity.
pub fn build_retry_message<S: SignalStore + ?Sized>(
    store: &S,
    own: &OwnJids,
    request: &RetryRequest,
    message: &proto::Message,
    group_sender: Option<&Jid>,
    encryption_jid: Option<&Jid>,
    device_identity: Option<&[u8]>,
) -> Result<Node, MessageError> {
    let requester = request.requester()?;
    let receipt = &request.receipt;
    let mut content = message.clone();
    if receipt.is_group {
        if let Some(sender) = group_sender {
            content.sender_key_distribution_message =
                Some(sender_key_distribution(store, &receipt.chat, sender)?);
        }
    } else if own.is_own_user(requester) {
        content = proto::Message {
            device_sent_message: Some(Box::new(proto::DeviceSentMessage {
                destination_jid: Some(receipt.chat.to_string()),
                message: Some(Box::new(content)),
                phash: None,
            })),
            ..Default::default()
        };
    }
    let mut device = OutgoingDevice::new(requester.clone());
    if let Some(jid) = encryption_jid {
        device = device.with_encryption_jid(jid.clone());
    }
    if let Some(bundle) = &request.bundle {
        start_session(store, &device, bundle)?;
    }
    let (mut enc, is_pre_key) =
        encrypt_for_device(store, &device, &content.encode_to_vec(), &enc_attrs(message, true))?;
    enc.set_attr("count", request.count.to_string());
    let mut node = Node::new("message")
        .attr("to", receipt.from.clone())
        .attr("type", message_type(message))
        .attr("id", request.message_id.clone())
        .opt_attr("t", request.timestamp.map(|t| t.to_string()));
    if !receipt.is_group {
        node = node.attr("device_fanout", "false");
    }
    if let Some(participant) = &receipt.participant {
        node = node.attr("participant", participant.clone());
    }
    if let Some(recipient) = &receipt.recipient {
        node = node.attr("recipient", recipient.clone());
    }
    node = node.opt_attr("edit", edit_attribute(message)).child(enc);
    if is_pre_key {
        if let Some(identity) = device_identity {
            node.push_child(Node::new("device-identity").bytes(identity.to_vec()));
        }
    }
    Ok(node)
}
