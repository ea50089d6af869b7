use serde::{Deserialize, Serialize};

use crate::binary::Jid;

/// Who we are: our device JID by phone number and, when known, by LID. Decides `is_from_me`
/// and which device a fan-out skips.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnJids {
    /// Our device on the phone-number server, e.g. `15550001111:3@s.whatsapp.net`.
    pub pn: Jid,
    /// Our device on the LID server, e.g. `12345678:3@lid`.
    pub lid: Option<Jid>,
}

impl OwnJids {
    pub fn new(pn: Jid, lid: Option<Jid>) -> Self {
        Self { pn, lid }
    }

    /// Whether `jid` is one of our accounts' identities (any device).
    pub fn is_own_user(&self, jid: &Jid) -> bool {
        let same = |own: &Jid| own.user == jid.user && !jid.user.is_empty();
        same(&self.pn) || self.lid.as_ref().is_some_and(same)
    }

    /// Whether `jid` is this very device (by phone number or LID).
    pub fn is_this_device(&self, jid: &Jid) -> bool {
        let same = |own: &Jid| own.user == jid.user && own.device == jid.device;
        (same(&self.pn) && !jid.is_lid())
            || self.lid.as_ref().is_some_and(|l| same(l) && jid.is_lid())
    }
}

/// What the attributes of a received `<message>` say about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageInfo {
    pub id: String,
    /// The conversation: the group, or the other user (without device) in a 1:1 chat.
    pub chat: Jid,
    /// The sending device.
    pub sender: Jid,
    /// The sender's other identity (LID when `sender` is a phone number, and vice versa), from
    /// `sender_lid`/`sender_pn`/`participant_lid`/`participant_pn`, with the sender's device.
    pub sender_alt: Option<Jid>,
    /// For our own messages in a 1:1 chat: the chat's other identity (`peer_recipient_pn/lid`).
    pub recipient_alt: Option<Jid>,
    pub is_from_me: bool,
    pub is_group: bool,
    /// `addressing_mode` of group messages (`lid` or `pn`).
    pub addressing_mode: Option<String>,
    /// The sender's push name (`notify`).
    pub push_name: Option<String>,
    /// Server time, unix seconds (`t`).
    pub timestamp: u64,
    /// `type`: text, media, reaction, poll…
    pub message_type: String,
    /// `category` (`peer` for messages between our own devices).
    pub category: Option<String>,
    /// `edit`: 1 edit, 2 pin, 7 sender revoke, 8 admin revoke.
    pub edit: Option<String>,
    /// `mediatype` of the `<enc>` children, when given.
    pub media_type: Option<String>,
    pub server_id: Option<u64>,
    /// A broadcast-list message delivered as `<multicast/>`.
    pub multicast: bool,
}
