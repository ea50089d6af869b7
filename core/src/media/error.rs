use thiserror::Error;

use crate::crypto::media::MediaError;

/// Why a media upload or download failed.
#[derive(Debug, Error)]
pub enum TransferError {
    /// The message or notification lacks what a download needs (or has it malformed).
    #[error("the media reference has no valid {0}")]
    MissingField(&'static str),
    /// The media host answered with an HTTP error (403, 404 and 410 mean the file is gone or
    /// not ours to fetch; the phone can be asked to upload it again).
    #[error("the media host answered HTTP {status}")]
    Status { status: u16 },
    /// The host could not be reached, or the transfer broke off.
    #[error("media transfer failed: {0}")]
    Transfer(String),
    /// The host sent more bytes than the file can have.
    #[error("the media host sent more than the expected {limit} bytes")]
    TooLarge { limit: u64 },
    /// The server listed no media host.
    #[error("the server gave no media host")]
    NoHost,
    /// The bytes do not decrypt, or their hashes or MAC do not match.
    #[error("media: {0}")]
    Media(#[from] MediaError),
    /// The decrypted file is not the announced length.
    #[error("the file is {got} bytes, the message says {expected}")]
    LengthMismatch { expected: u64, got: u64 },
    /// A history-sync blob that does not zlib-inflate (or inflates past the limit).
    #[error("the history sync blob does not inflate: {0}")]
    Inflate(String),
    /// A history-sync blob that inflates but is not a `HistorySync` protobuf.
    #[error("the history sync blob is not a HistorySync: {0}")]
    Decode(#[from] prost::DecodeError),
}

impl TransferError {
    /// A failure to fetch the file (host unreachable, HTTP error, no host), as opposed to a
    /// file that was fetched but does not verify or decode.
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            TransferError::Transfer(_) | TransferError::Status { .. } | TransferError::NoHost
        )
    }

    /// Worth trying again (on this host or the next): the network, the host's own trouble.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            TransferError::Transfer(_) => true,
            TransferError::Status { status } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
