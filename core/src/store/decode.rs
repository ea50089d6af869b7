//! Decoding stored columns, shared by the SQLite and PostgreSQL backends: a value that does
//! not decode is [`StoreError::Corrupt`], naming what it was.
use crate::crypto::KeyPair;
use crate::store::StoreError;

/// A 32-byte key or MAC.
pub(crate) fn key32(bytes: Vec<u8>, what: &'static str) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(what))
}

/// A key pair stored as public and private halves, which must match.
pub(crate) fn key_pair(public: Vec<u8>, private: Vec<u8>) -> Result<KeyPair, StoreError> {
    let pair = KeyPair::from_private(key32(private, "private key")?);
    if pair.public.0 != key32(public, "public key")? {
        return Err(StoreError::Corrupt("key pair does not match"));
    }
    Ok(pair)
}

/// A JID stored as text (only the PostgreSQL backend decodes them here).
#[cfg(feature = "postgres")]
pub(crate) fn parse_jid(text: &str, what: &'static str) -> Result<crate::binary::Jid, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

/// A poll vote's chosen option hashes, stored concatenated.
pub(crate) fn option_hashes(selected: Vec<u8>) -> Result<Vec<[u8; 32]>, StoreError> {
    if selected.len() % 32 != 0 {
        return Err(StoreError::Corrupt("poll vote"));
    }
    Ok(selected
        .chunks_exact(32)
        .map(|c| <[u8; 32]>::try_from(c).expect("32-byte chunks"))
        .collect())
}
