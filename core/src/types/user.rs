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

/// A privacy setting (whatsmeow `types.PrivacySettingType`; spelled as on the wire, `last`,
/// `online`, `profile`, `status`, `readreceipts`, `groupadd`, `calladd`, `messages`, in
/// `api::names`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivacyCategory {
    /// Who sees when we were last online.
    LastSeen,
    /// Who sees that we are online now.
    Online,
    /// Who sees our profile picture.
    Profile,
    /// Who sees our about text.
    Status,
    /// Whether we send (and so get) read receipts.
    ReadReceipts,
    /// Who may add us to groups.
    GroupAdd,
    /// Who may call us.
    CallAdd,
    /// Who may message us.
    Messages,
}

/// A privacy setting's value (whatsmeow `types.PrivacySetting`; spelled as on the wire, e.g.
/// `all`, `contacts`, `contact_blacklist`, `none`, `match_last_seen`, `known`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrivacyValue {
    All,
    Contacts,
    ContactAllowlist,
    ContactBlacklist,
    MatchLastSeen,
    Known,
    None,
    OnStandard,
    Off,
}

impl PrivacyCategory {
    /// The values WhatsApp accepts for this setting (whatsmeow types/user.go).
    pub fn allowed(self) -> &'static [PrivacyValue] {
        use PrivacyValue::*;
        match self {
            Self::LastSeen | Self::Profile | Self::Status | Self::GroupAdd => {
                &[All, Contacts, ContactBlacklist, None]
            }
            Self::Online => &[All, MatchLastSeen],
            Self::ReadReceipts => &[All, None],
            Self::CallAdd => &[All, Known],
            Self::Messages => &[All, Contacts],
        }
    }
}

/// Our privacy settings (whatsmeow `types.PrivacySettings`): each one the server told, none
/// for one it did not. In a [`crate::types::Event::PrivacySettings`], only those that changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacySettings {
    pub last_seen: Option<PrivacyValue>,
    pub online: Option<PrivacyValue>,
    pub profile: Option<PrivacyValue>,
    pub status: Option<PrivacyValue>,
    pub read_receipts: Option<PrivacyValue>,
    pub group_add: Option<PrivacyValue>,
    pub call_add: Option<PrivacyValue>,
    pub messages: Option<PrivacyValue>,
}

impl PrivacySettings {
    /// The value of `category`.
    pub fn get(&self, category: PrivacyCategory) -> Option<PrivacyValue> {
        *self.slot(category)
    }

    /// Sets `category` to `value`.
    pub fn set(&mut self, category: PrivacyCategory, value: PrivacyValue) {
        *self.slot_mut(category) = Some(value);
    }

    fn slot(&self, category: PrivacyCategory) -> &Option<PrivacyValue> {
        match category {
            PrivacyCategory::LastSeen => &self.last_seen,
            PrivacyCategory::Online => &self.online,
            PrivacyCategory::Profile => &self.profile,
            PrivacyCategory::Status => &self.status,
            PrivacyCategory::ReadReceipts => &self.read_receipts,
            PrivacyCategory::GroupAdd => &self.group_add,
            PrivacyCategory::CallAdd => &self.call_add,
            PrivacyCategory::Messages => &self.messages,
        }
    }

    fn slot_mut(&mut self, category: PrivacyCategory) -> &mut Option<PrivacyValue> {
        match category {
            PrivacyCategory::LastSeen => &mut self.last_seen,
            PrivacyCategory::Online => &mut self.online,
            PrivacyCategory::Profile => &mut self.profile,
            PrivacyCategory::Status => &mut self.status,
            PrivacyCategory::ReadReceipts => &mut self.read_receipts,
            PrivacyCategory::GroupAdd => &mut self.group_add,
            PrivacyCategory::CallAdd => &mut self.call_add,
            PrivacyCategory::Messages => &mut self.messages,
        }
    }
}
