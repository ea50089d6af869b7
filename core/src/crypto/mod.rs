//! Cryptographic building blocks: Curve25519 key pairs, libsignal's XEdDSA-style signatures,
//! thin wrappers over the chosen RustCrypto primitives, and the media cipher.

mod edwards_cache;
mod error;
mod keys;
pub mod media;
mod primitives;
mod x25519;
mod xeddsa;

pub use error::CryptoError;
pub use keys::{KeyPair, PublicKey, DJB_TYPE};
pub use media::{
    decrypt as decrypt_media, decrypt_stream as decrypt_media_stream, encrypt as encrypt_media,
    encrypt_stream as encrypt_media_stream, generate_media_key, DecryptedInfo, EncryptedMedia,
    Expected, MediaError, MediaKeys, MediaType,
};
pub use primitives::{
    aes_cbc_decrypt, aes_cbc_encrypt, aes_gcm_decrypt, aes_gcm_encrypt, hkdf_sha256,
    hkdf_sha256_into, hmac_sha256, hmac_sha256_parts, hmac_sha512_parts, sha256,
};
pub(crate) use xeddsa::sign_cached;
pub use xeddsa::{sign, verify, verify_strict_result};
