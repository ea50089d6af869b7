//! Groups: subject, description, settings, invite code and members with their roles.
use std::collections::BTreeMap;

use rand::rngs::OsRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Admin,
    /// The creator.
    Superadmin,
}

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Superadmin)
    }

    /// The `type` attribute of `<participant>` (absent for plain members).
    pub fn attr(self) -> Option<&'static str> {
        match self {
            Role::Member => None,
            Role::Admin => Some("admin"),
            Role::Superadmin => Some("superadmin"),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Description {
    pub id: String,
    pub body: String,
    pub set_by: String,
    pub set_at: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    /// The user part of `<id>@g.us`.
    pub id: String,
    pub creator: String,
    pub creation: u64,
    pub subject: String,
    pub subject_by: String,
    pub subject_at: u64,
    pub description: Option<Description>,
    /// Phone → role.
    pub members: BTreeMap<String, Role>,
    /// Only admins may send.
    pub announce: bool,
    /// Only admins may edit the group info.
    pub locked: bool,
    /// Disappearing-message timer in seconds (0 = off).
    pub ephemeral: u32,
    pub invite_code: String,
}

/// A fresh group id like the real ones (`120363` and 12 more digits).
pub fn new_group_id() -> String {
    format!("120363{:012}", OsRng.gen_range(0..1_000_000_000_000u64))
}

/// A fresh invite code (22 URL-safe characters, as in `chat.whatsapp.com/<code>`).
pub fn new_invite_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..22).map(|_| ALPHABET[OsRng.gen_range(0..ALPHABET.len())] as char).collect()
}
