use thiserror::Error;

use crate::binary::NodeError;

/// A user answer (usync, profile picture) that does not have the shape the protocol gives it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UserError {
    /// A required attribute, child or content is missing or malformed.
    #[error("malformed user answer: {0}")]
    Malformed(#[from] NodeError),
    /// A usync `<user>` with neither `jid` nor `pn_jid`.
    #[error("usync <user> without a JID")]
    UserWithoutJid,
    /// A JID that should name a user (phone number or LID) names something else.
    #[error("{0:?} is not a user JID")]
    NotAUser(String),
}
