//! Reading the attributes of a received `<message>`.
use crate::binary::{Jid, Node, Server};
use crate::types::{MessageInfo, OwnJids};

use super::MessageError;

/// Parses who sent a `<message>`, in which chat, and when (whatsmeow `parseMessageInfo`).
/// `own` decides `is_from_me` and the chat of our own messages.
pub fn parse_message_info(node: &Node, own: &OwnJids) -> Result<MessageInfo, MessageError> {
    if node.tag != "message" {
        return Err(MessageError::UnexpectedTag { expected: "message", got: node.tag.to_string() });
    }
    let id = node.req_str("id")?.to_owned();
    let from = node.req_jid("from")?;
    let addressing_mode = node.attr_text("addressing_mode").map(|s| s.into_owned());
    let mut recipient_alt = None;
    let (chat, sender, mut sender_alt, is_group, is_from_me);
    if from.is_group() || from.server == Server::Broadcast {
        is_group = true;
        sender = node.req_jid("participant")?;
        sender_alt = if addressing_mode.as_deref() == Some("lid") {
            node.opt_jid("participant_pn")?
        } else {
            node.opt_jid("participant_lid")?
        };
        is_from_me = own.is_own_user(&sender);
        chat = from;
    } else {
        is_group = false;
        let from = unhosted(from);
        is_from_me = own.is_own_user(&from);
        if is_from_me {
            // Our own message, sent from another device: the chat is the recipient.
            chat = match node.opt_jid("recipient")? {
                Some(recipient) => recipient.to_non_ad(),
                None => from.to_non_ad(),
            };
            recipient_alt = if chat.is_lid() {
                node.opt_jid("peer_recipient_pn")?
            } else {
                node.opt_jid("peer_recipient_lid")?
            };
            sender_alt = None;
        } else {
            chat = from.to_non_ad();
            sender_alt = if from.is_lid() {
                node.opt_jid("sender_pn")?
            } else {
                node.opt_jid("sender_lid")?
            };
        }
        sender = from;
    }
    if let Some(alt) = sender_alt.as_mut() {
        if alt.device == 0 {
            alt.device = sender.device;
        }
    }
    let media_type = node
        .get_children()
        .iter()
        .find_map(|child| child.attr_text("mediatype").map(|s| s.into_owned()));
    Ok(MessageInfo {
        id,
        chat,
        sender,
        sender_alt,
        recipient_alt,
        is_from_me,
        is_group,
        addressing_mode,
        push_name: node.attr_text("notify").map(|s| s.into_owned()),
        timestamp: node.req_u64("t")?,
        message_type: node.attr_text("type").map(|s| s.into_owned()).unwrap_or_default(),
        category: node.attr_text("category").map(|s| s.into_owned()),
        edit: node.attr_text("edit").map(|s| s.into_owned()).filter(|s| !s.is_empty()),
        media_type,
        server_id: node.opt_u64("server_id")?,
        multicast: node.child_by_tag("multicast").is_some(),
    })
}

/// Hosted (Cloud API) devices are the same users as their plain counterparts.
fn unhosted(mut jid: Jid) -> Jid {
    jid.server = match jid.server {
        Server::Hosted => Server::Pn,
        Server::HostedLid => Server::Lid,
        other => other,
    };
    jid
}

/// The JID whose Signal address holds the sender's session: its LID when the stanza names
/// both (WhatsApp moved 1:1 sessions to LIDs), else the sender as addressed.
pub fn sender_encryption_jid(info: &MessageInfo) -> Jid {
    match &info.sender_alt {
        Some(alt) if info.sender.is_pn() && alt.is_lid() => alt.clone(),
        _ => info.sender.clone(),
    }
}
