use thiserror::Error;

/// Errors from the cryptographic building blocks.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    #[error("invalid key length: expected {expected} bytes, got {got}")]
    InvalidKeyLength { expected: usize, got: usize },
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    #[error("signature verification failed")]
    BadSignature,
    #[error("AES-GCM authentication failed")]
    AeadFailed,
    #[error("AES-CBC ciphertext is not a whole number of blocks or its padding is wrong")]
    BadPadding,
    #[error("HKDF output length {0} is too long")]
    HkdfLength(usize),
}
