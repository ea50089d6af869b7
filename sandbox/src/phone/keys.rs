//! The phone's long-lived Signal keys, private parts included (the phone decrypts what it
//! receives with them).
use std::collections::BTreeMap;

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use wazap::crypto::KeyPair;
use wazap::signal::{generate_pre_keys, generate_registration_id, SignedPreKeyRecord};

use crate::state::codec::{HexBytes, Key32};
use crate::state::prekeys::{DeviceKeys, SignedPrekey};

/// How many one-time prekeys a new phone publishes.
pub const INITIAL_PREKEYS: u32 = 30;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PhoneKeys {
    /// Private identity key (the account's ADV key: it signs companions).
    pub identity: Key32,
    pub registration_id: u32,
    pub signed_prekey_id: u32,
    /// Private signed prekey.
    pub signed_prekey: Key32,
    pub signed_prekey_signature: HexBytes,
    /// Private one-time prekeys by id (kept after they are handed out: a peer's first message
    /// names the one it used).
    pub prekeys: BTreeMap<u32, Key32>,
}

impl PhoneKeys {
    pub fn generate() -> Self {
        let identity = KeyPair::generate(&mut OsRng);
        let signed = SignedPreKeyRecord::generate(&identity, 1, &mut OsRng);
        let prekeys = generate_pre_keys(1, INITIAL_PREKEYS, &mut OsRng)
            .into_iter()
            .map(|p| (p.id, Key32(*p.key_pair.private_bytes())))
            .collect();
        Self {
            identity: Key32(*identity.private_bytes()),
            registration_id: generate_registration_id(&mut OsRng),
            signed_prekey_id: signed.id,
            signed_prekey: Key32(*signed.key_pair.private_bytes()),
            signed_prekey_signature: HexBytes(signed.signature.to_vec()),
            prekeys,
        }
    }

    pub fn identity_pair(&self) -> KeyPair {
        KeyPair::from_private(self.identity.0)
    }

    /// What the server publishes for device 0.
    pub fn public_keys(&self) -> DeviceKeys {
        let mut keys = DeviceKeys::new(
            self.registration_id,
            self.identity_pair().public.into(),
            SignedPrekey {
                id: self.signed_prekey_id,
                public: KeyPair::from_private(self.signed_prekey.0).public.into(),
                signature: self.signed_prekey_signature.clone(),
            },
        );
        keys.one_time = self
            .prekeys
            .iter()
            .map(|(id, private)| (*id, KeyPair::from_private(private.0).public.into()))
            .collect();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wazap::signal::verify_signed_pre_key;

    #[test]
    fn published_keys_are_signed_by_the_identity() {
        let phone = PhoneKeys::generate();
        let public = phone.public_keys();
        verify_signed_pre_key(
            &public.identity.public(),
            &public.signed.public.public(),
            &public.signed.signature.0,
        )
        .expect("signed prekey verifies");
        assert_eq!(public.one_time.len(), INITIAL_PREKEYS as usize);
    }
}
