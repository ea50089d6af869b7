//! The keys of one app state sync key: HKDF-SHA256(key data, no salt, "WhatsApp Mutation
//! Keys", 160) cut into five (whatsmeow `expandAppStateKeys`).
use crate::crypto::hkdf_sha256_into;

/// The five keys derived from an app state sync key's 32 bytes of key data.
#[derive(Clone, PartialEq, Eq)]
pub struct MutationKeys {
    pub index: [u8; 32],
    pub value_encryption: [u8; 32],
    pub value_mac: [u8; 32],
    pub snapshot_mac: [u8; 32],
    pub patch_mac: [u8; 32],
}

impl std::fmt::Debug for MutationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MutationKeys(..)")
    }
}

impl MutationKeys {
    pub fn expand(key_data: &[u8]) -> MutationKeys {
        let mut out = [0u8; 160];
        hkdf_sha256_into(key_data, None, b"WhatsApp Mutation Keys", &mut out)
            .expect("160 bytes is a valid HKDF-SHA256 length");
        let part = |i: usize| -> [u8; 32] { out[i * 32..(i + 1) * 32].try_into().expect("32") };
        MutationKeys {
            index: part(0),
            value_encryption: part(1),
            value_mac: part(2),
            snapshot_mac: part(3),
            patch_mac: part(4),
        }
    }
}

/// Where the decoder finds the keys a record names by id.
pub trait KeySource {
    /// The expanded keys of the app state sync key `key_id`, if known.
    fn keys(&self, key_id: &[u8]) -> Option<MutationKeys>;
}

impl KeySource for std::collections::HashMap<Vec<u8>, MutationKeys> {
    fn keys(&self, key_id: &[u8]) -> Option<MutationKeys> {
        self.get(key_id).cloned()
    }
}

impl<F: Fn(&[u8]) -> Option<MutationKeys>> KeySource for F {
    fn keys(&self, key_id: &[u8]) -> Option<MutationKeys> {
        self(key_id)
    }
}
