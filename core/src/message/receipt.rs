//! Receipts and acks: what a receiver sends back, and reading what arrives.
use crate::binary::{Jid, Node, Server};
use crate::types::{MessageInfo, Receipt, ReceiptParticipant, ReceiptType};

use super::MessageError;

/// `<receipt id to [participant] [recipient] [type]>` answering a received `<message>`:
/// `to`, `participant` and `recipient` are copied from it (whatsmeow `buildBaseReceipt`).
pub fn build_receipt(message: &Node, receipt_type: &ReceiptType) -> Result<Node, MessageError> {
    let id = message.req_str("id")?;
    let from = message.req_jid("from")?;
    let mut receipt = Node::new("receipt").attr("id", id.to_owned()).attr("to", from);
    for key in ["recipient", "participant"] {
        if let Some(jid) = message.opt_jid(key)? {
            receipt = receipt.attr(key, jid);
        }
    }
    Ok(receipt.opt_attr("type", receipt_type.as_attr().map(str::to_owned)))
}

/// The delivery receipt for a decrypted message: type `sender` for our own messages
/// (`peer_msg` for peer messages), `inactive` when we are not in the foreground, none
/// otherwise (whatsmeow `sendMessageReceipt`).
pub fn build_message_receipt(
    message: &Node,
    info: &MessageInfo,
    active: bool,
) -> Result<Node, MessageError> {
    let receipt_type = if info.is_from_me {
        if info.message_type == "peer_msg" {
            ReceiptType::PeerMsg
        } else {
            ReceiptType::Sender
        }
    } else if active {
        ReceiptType::Delivered
    } else {
        ReceiptType::Inactive
    };
    build_receipt(message, &receipt_type)
}

/// A read (or played, read-self…) receipt for messages of one sender in `chat`:
/// `<receipt id=first type to [participant] t>[<list><item id/>…</list>]` (whatsmeow
/// `MarkRead`). `sender` is needed in groups.
pub fn build_read_receipt(
    ids: &[String],
    chat: &Jid,
    sender: Option<&Jid>,
    timestamp: u64,
    receipt_type: &ReceiptType,
) -> Result<Node, MessageError> {
    let (first, rest) = ids.split_first().ok_or(MessageError::NoMessageIds)?;
    let mut node = Node::new("receipt")
        .attr("id", first.clone())
        .opt_attr("type", receipt_type.as_attr().map(str::to_owned))
        .attr("to", chat.clone())
        .attr("t", timestamp.to_string());
    let one_to_one = matches!(chat.server, Server::Pn | Server::Lid | Server::Messenger);
    if let (Some(sender), false) = (sender, one_to_one) {
        node = node.attr("participant", sender.to_non_ad());
    }
    if !rest.is_empty() {
        let items = rest.iter().map(|id| Node::new("item").attr("id", id.clone()));
        node = node.child(Node::new("list").children(items));
    }
    Ok(node)
}

/// Reads a `<receipt>`: type, ids (the `id` and any `<list><item id/>`), who sent it and in
/// which chat. A grouped group receipt (`<participants key><user jid t/>…`) lists its readers
/// in `participants`.
pub fn parse_receipt(node: &Node) -> Result<Receipt, MessageError> {
    if node.tag != "receipt" {
        return Err(MessageError::UnexpectedTag { expected: "receipt", got: node.tag.to_string() });
    }
    let from = node.req_jid("from")?;
    let participant = node.opt_jid("participant")?;
    let recipient = node.opt_jid("recipient")?;
    let is_group = from.is_group() || from.server == Server::Broadcast;
    let receipt_type = ReceiptType::from_attr(node.attr_text("type").as_deref());
    let timestamp = node.opt_u64("t")?;
    let (chat, sender) = if is_group {
        (from.clone(), participant.clone())
    } else {
        let chat = match &recipient {
            Some(recipient) => recipient.to_non_ad(),
            None => from.to_non_ad(),
        };
        (chat, Some(from.clone()))
    };
    let mut ids = Vec::new();
    let mut participants = Vec::new();
    if is_group && sender.is_none() {
        let grouped = node.req_child("participants")?;
        ids.push(grouped.req_str("key")?.to_owned());
        for user in grouped.children_by_tag("user") {
            participants.push(ReceiptParticipant {
                jid: user.req_jid("jid")?,
                timestamp: user.opt_u64("t")?,
            });
        }
    } else {
        ids.push(node.req_str("id")?.to_owned());
        if let Some(list) = node.child_by_tag("list") {
            for item in list.children_by_tag("item") {
                ids.push(item.req_str("id")?.to_owned());
            }
        }
    }
    Ok(Receipt {
        receipt_type,
        ids,
        from,
        participant,
        recipient,
        chat,
        sender,
        is_group,
        timestamp,
        participants,
    })
}
