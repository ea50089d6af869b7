//! Expansion of a 32-byte media key into the IV and the cipher, MAC and reference keys.
use std::fmt;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroize;

use super::MediaType;

/// The four values HKDF derives from a media key: `HKDF-SHA256(media_key, no salt,
/// media_type.hkdf_info(), 112)` split as iv `[0..16]`, cipher key `[16..48]`, MAC key
/// `[48..80]` and ref key `[80..112]`. Zeroed on drop; `Debug` does not print them.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaKeys {
    pub iv: [u8; 16],
    pub cipher_key: [u8; 32],
    pub mac_key: [u8; 32],
    pub ref_key: [u8; 32],
}

impl MediaKeys {
    pub fn derive(media_key: &[u8; 32], media_type: MediaType) -> MediaKeys {
        let mut okm = [0u8; 112];
        Hkdf::<Sha256>::new(None, media_key)
            .expand(media_type.hkdf_info().as_bytes(), &mut okm)
            .expect("112 bytes is within HKDF-SHA256's 8160-byte limit");
        let mut keys =
            MediaKeys { iv: [0; 16], cipher_key: [0; 32], mac_key: [0; 32], ref_key: [0; 32] };
        keys.iv.copy_from_slice(&okm[..16]);
        keys.cipher_key.copy_from_slice(&okm[16..48]);
        keys.mac_key.copy_from_slice(&okm[48..80]);
        keys.ref_key.copy_from_slice(&okm[80..]);
        okm.zeroize();
        keys
    }
}

impl Drop for MediaKeys {
    fn drop(&mut self) {
        self.iv.zeroize();
        self.cipher_key.zeroize();
        self.mac_key.zeroize();
        self.ref_key.zeroize();
    }
}

impl fmt::Debug for MediaKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MediaKeys { .. }")
    }
}
