use thiserror::Error;

use crate::binary::NodeError;

/// A group answer or notification that does not have the shape the protocol gives it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GroupError {
    /// A required attribute, child or content is missing or malformed.
    #[error("malformed group stanza: {0}")]
    Malformed(#[from] NodeError),
    /// An id or JID that should name a group names something else.
    #[error("{0:?} is not a group JID")]
    NotAGroup(String),
    /// A number too large for its field (an ephemeral timer, a member count).
    #[error("<{tag}> {key}={value} is out of range")]
    OutOfRange { tag: String, key: &'static str, value: u64 },
}
