use thiserror::Error;

use crate::binary::NodeError;
use crate::signal::{ProtocolAddress, SignalError};
use crate::store::StoreError;

/// What can go wrong turning stanzas into messages and back. Each variant is a case a caller
/// handles differently: `Duplicate` is acked without an event, `NoSession`/`NoSenderKey` and
/// `DecryptFailed` ask for a retry, `BadProto`/`UnknownEncType` are nacked.
#[derive(Debug, Error)]
pub enum MessageError {
    /// The node is not the expected stanza (`<message>`, `<receipt>`, `<iq>`…).
    #[error("expected <{expected}>, got <{got}>")]
    UnexpectedTag { expected: &'static str, got: String },
    /// A required attribute or child is missing or malformed.
    #[error("malformed stanza: {0}")]
    MissingAttribute(#[from] NodeError),
    /// A `<message>` without any `<enc>` child.
    #[error("message has no <enc> child")]
    NoEncryptedContent,
    /// The server could not deliver the content (`<unavailable type>`, e.g. a view-once
    /// message to a companion); the phone may resend it.
    #[error("message content unavailable ({0})")]
    Unavailable(String),
    /// An `<enc>` whose type we cannot decrypt (not pkmsg, msg or skmsg).
    #[error("unknown <enc> type {0:?}")]
    UnknownEncType(String),
    /// An `<enc>` with a version other than 2 (v=3 is the Armadillo format we do not speak).
    #[error("unsupported <enc> version {0:?}")]
    UnsupportedEncVersion(String),
    /// An `skmsg` outside a group or broadcast chat.
    #[error("sender key message outside a group")]
    SkmsgOutsideGroup,
    /// No 1:1 session with the sender's device: ask for a retry.
    #[error("no session with {0}")]
    NoSession(ProtocolAddress),
    /// No sender key from this group member yet: ask for a retry (the sender includes it).
    #[error("no sender key from {sender} in {group}")]
    NoSenderKey { group: String, sender: ProtocolAddress },
    /// The message was decrypted before (the server redelivered it): ack it, emit nothing.
    #[error("message was already decrypted (redelivery)")]
    Duplicate,
    /// Signal decryption failed (bad MAC, bad signature, identity change…).
    #[error("decryption failed: {0}")]
    DecryptFailed(SignalError),
    /// The plaintext's WhatsApp padding is wrong.
    #[error("plaintext padding is invalid")]
    BadPadding,
    /// The plaintext is not a `Message` protobuf.
    #[error("plaintext is not a Message protobuf: {0}")]
    BadProto(#[from] prost::DecodeError),
    /// A prekey, identity or signature in a bundle has the wrong size.
    #[error("invalid key material in <{0}>")]
    BadKey(&'static str),
    /// A bundle answer carried `<error>` for this device.
    #[error("server refused keys for {jid}: {code}")]
    KeyFetchRefused { jid: String, code: String },
    /// Encrypting failed for a reason other than a missing session.
    #[error("encryption failed: {0}")]
    EncryptFailed(SignalError),
    /// A read receipt needs at least one message id.
    #[error("no message ids given")]
    NoMessageIds,
    /// A `<receipt>` that is not a retry receipt was given where one is expected.
    #[error("not a retry receipt")]
    NotRetryReceipt,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MessageError {
    /// Sorts a Signal error from decryption into the variant callers act on.
    pub(crate) fn from_decrypt(error: SignalError) -> MessageError {
        match error {
            SignalError::NoSession(address) => MessageError::NoSession(address),
            SignalError::DuplicateMessage { .. } => MessageError::Duplicate,
            SignalError::NoSenderKey(name) | SignalError::NoSenderKeyState { name, .. } => {
                MessageError::NoSenderKey { group: name.group_id, sender: name.sender }
            }
            SignalError::BadPadding => MessageError::BadPadding,
            SignalError::Store(e) => MessageError::Store(e),
            other => MessageError::DecryptFailed(other),
        }
    }

    /// Whether the receiver should send a retry receipt for this failure (as opposed to
    /// acking a duplicate or nacking a malformed stanza).
    pub fn wants_retry(&self) -> bool {
        matches!(
            self,
            MessageError::NoSession(_)
                | MessageError::NoSenderKey { .. }
                | MessageError::DecryptFailed(_)
                | MessageError::BadPadding
        )
    }
}
