//! Errors of the binary codec. Positions are byte offsets into the (inflated) node bytes.

use thiserror::Error;

/// Why bytes are not a binary node.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("input ends at byte {position}, {needed} more bytes needed")]
    UnexpectedEof { position: usize, needed: usize },
    #[error("byte {tag:#04x} at {position} is not a tag of the format")]
    InvalidTag { tag: u8, position: usize },
    #[error("tag {tag:#04x} at {position} where {expected} was expected")]
    UnexpectedTag { tag: u8, position: usize, expected: &'static str },
    #[error("invalid nibble {nibble:#x} in packed digits at {position}")]
    InvalidNibble { nibble: u8, position: usize },
    #[error("packed string at {position} has an odd length but no byte")]
    InvalidPackedLength { position: usize },
    #[error("string at {position} is not valid UTF-8")]
    Utf8 { position: usize },
    #[error("node at {position} has an empty header or tag")]
    EmptyNode { position: usize },
    #[error("invalid JID at {position}: {reason}")]
    InvalidJid { position: usize, reason: &'static str },
    #[error("nodes nested deeper than {limit}")]
    TooDeep { limit: usize },
    #[error("inflated frame exceeds {limit} bytes")]
    TooLarge { limit: usize },
    #[error("zlib data is corrupt: {0}")]
    Zlib(String),
    #[error("{count} bytes left after the node")]
    TrailingBytes { count: usize },
}

/// Why a node cannot be written: the format has no way to express it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    #[error("a node tag is empty")]
    EmptyTag,
    #[error("<{tag}> has {count} children, more than LIST_16 can count")]
    TooManyChildren { tag: String, count: usize },
    #[error("<{tag}> has {count} attributes, more than LIST_16 can count")]
    TooManyAttrs { tag: String, count: usize },
    #[error("{len} bytes do not fit BINARY_32")]
    TooLong { len: usize },
    #[error("JID {jid} has device {device}, AD_JID holds one byte")]
    DeviceOutOfRange { jid: String, device: u16 },
}
