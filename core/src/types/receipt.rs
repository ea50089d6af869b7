use serde::{Deserialize, Serialize};

use crate::binary::Jid;

/// The `type` of a `<receipt>` (whatsmeow `types.ReceiptType`). Spelled as the stanza's `type`
/// (`delivered` for none) in `Display`, `FromStr` and JSON (`api::names`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReceiptType {
    /// No type: delivered to a device of the recipient.
    Delivered,
    /// Delivered to another device of ours (`sender`).
    Sender,
    /// The recipient could not decrypt and asks for the message again.
    Retry,
    Read,
    /// Read by us on another device, with read receipts off.
    ReadSelf,
    Played,
    PlayedSelf,
    /// Delivered to a device that is not in the foreground.
    Inactive,
    /// Delivered to another device of ours, for a peer message.
    PeerMsg,
    /// A history sync blob was downloaded.
    HistorySync,
    ServerError,
    /// Anything else, verbatim.
    Other(String),
}

impl ReceiptType {
    /// The `type` attribute value (`None` for a delivery receipt, which has no type).
    pub fn as_attr(&self) -> Option<&str> {
        Some(match self {
            Self::Delivered => return None,
            Self::Sender => "sender",
            Self::Retry => "retry",
            Self::Read => "read",
            Self::ReadSelf => "read-self",
            Self::Played => "played",
            Self::PlayedSelf => "played-self",
            Self::Inactive => "inactive",
            Self::PeerMsg => "peer_msg",
            Self::HistorySync => "hist_sync",
            Self::ServerError => "server-error",
            Self::Other(s) => s,
        })
    }

    /// From the `type` attribute (`None` or empty is a delivery receipt).
    pub fn from_attr(value: Option<&str>) -> Self {
        match value.unwrap_or("") {
            "" => Self::Delivered,
            "sender" => Self::Sender,
            "retry" => Self::Retry,
            "read" => Self::Read,
            "read-self" => Self::ReadSelf,
            "played" => Self::Played,
            "played-self" => Self::PlayedSelf,
            "inactive" => Self::Inactive,
            "peer_msg" => Self::PeerMsg,
            "hist_sync" => Self::HistorySync,
            "server-error" => Self::ServerError,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One reader in a grouped group receipt (`<participants key><user jid t/>…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptParticipant {
    pub jid: Jid,
    pub timestamp: Option<u64>,
}

/// A received `<receipt>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt_type: ReceiptType,
    /// The message ids: the `id` attribute, then any `<list><item id/>` entries.
    pub ids: Vec<String>,
    /// `from`: the device that sent the receipt, or the group.
    pub from: Jid,
    /// `participant`: the device in a group that sent it.
    pub participant: Option<Jid>,
    /// `recipient`: the chat, on receipts about our own messages from our other devices.
    pub recipient: Option<Jid>,
    /// The conversation the messages belong to.
    pub chat: Jid,
    /// The device the receipt comes from (`participant` in groups, else `from`); `None` for a
    /// grouped receipt, whose readers are in `participants`.
    pub sender: Option<Jid>,
    pub is_group: bool,
    /// `t`, unix seconds.
    pub timestamp: Option<u64>,
    /// Readers of a grouped group receipt.
    pub participants: Vec<ReceiptParticipant>,
}
