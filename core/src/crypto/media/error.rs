use std::io;

use thiserror::Error;

/// Why encrypted media could not be decrypted. The variants are checked in this order: length,
/// `fileEncSha256`, MAC, padding, `fileSha256`.
#[derive(Debug, Error)]
pub enum MediaError {
    /// The input is not a non-empty whole number of AES blocks followed by the 10-byte MAC.
    #[error("encrypted media of {len} bytes is not whole AES blocks plus a 10-byte MAC")]
    InvalidLength { len: u64 },
    #[error("SHA-256 of the encrypted media does not match fileEncSha256")]
    EncHashMismatch,
    #[error("media MAC does not match")]
    MacMismatch,
    #[error("decrypted media has invalid PKCS7 padding")]
    BadPadding,
    #[error("SHA-256 of the decrypted media does not match fileSha256")]
    PlainHashMismatch,
    #[error("media I/O failed: {0}")]
    Io(#[from] io::Error),
}
