//! Users as the API returns them (whatsmeow `types.IsOnWhatsAppResponse`, `types.UserInfo`,
//! `types.ProfilePictureInfo`).
use serde::{Deserialize, Serialize};

use crate::binary::Jid;

/// Whether a phone number has a WhatsApp account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsOnWhatsApp {
    /// The number as asked (`+` and digits).
    pub query: String,
    /// The account's phone-number JID (for an unknown number, the JID the number would have).
    pub jid: Jid,
    pub is_in: bool,
    /// The account's LID, when the server gave it.
    pub lid: Option<Jid>,
}

/// What usync tells about a user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The "about" text; empty when hidden or unset.
    pub status: String,
    /// The id of the current profile picture, when there is one (compare it with
    /// [`ProfilePicture::id`]).
    pub picture_id: Option<String>,
    /// Every device of the user (device 0 is the phone).
    pub devices: Vec<Jid>,
    pub lid: Option<Jid>,
}

/// Where to download a profile picture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePicture {
    pub url: String,
    pub id: String,
    /// `image` (full size) or `preview` (thumbnail).
    pub kind: String,
    pub direct_path: String,
}

/// The users we blocked (whatsmeow `types.Blocklist`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocklist {
    /// The server's hash of the list (changes whenever the list does).
    pub dhash: String,
    /// The blocked users, as the server names them (by LID, or by phone number).
    pub jids: Vec<Jid>,
}

/// Blocking or unblocking a user (spelled `block`, `unblock` in `api::names`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlocklistAction {
    Block,
    Unblock,
}

/// One change of the blocklist made on another device of ours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocklistChange {
    pub jid: Jid,
    pub action: BlocklistAction,
}
