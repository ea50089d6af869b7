//! What the server keeps of a device's Signal keys: the public prekey bundle others fetch.
//! One-time prekeys are handed out once and then forgotten, as on the real server.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codec::{HexBytes, Key32};

/// A signed prekey as uploaded: id, public key, the identity key's signature over `05 ‖ key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPrekey {
    pub id: u32,
    pub public: Key32,
    pub signature: HexBytes,
}

/// A device's published keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeys {
    pub registration_id: u32,
    pub identity: Key32,
    pub signed: SignedPrekey,
    /// Unused one-time prekeys by id.
    pub one_time: BTreeMap<u32, Key32>,
}

/// One device's bundle as served to a fetch: the one-time prekey, if any was left, is removed
/// from the store by [`DeviceKeys::take_bundle`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub registration_id: u32,
    pub identity: Key32,
    pub signed: SignedPrekey,
    pub one_time: Option<(u32, Key32)>,
}

impl DeviceKeys {
    pub fn new(registration_id: u32, identity: Key32, signed: SignedPrekey) -> Self {
        Self { registration_id, identity, signed, one_time: BTreeMap::new() }
    }

    /// The bundle for one fetch; the lowest-numbered one-time prekey goes with it, once.
    pub fn take_bundle(&mut self) -> Bundle {
        let one_time = self.one_time.pop_first();
        Bundle {
            registration_id: self.registration_id,
            identity: self.identity,
            signed: self.signed.clone(),
            one_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_prekeys_are_handed_out_once() {
        let signed =
            SignedPrekey { id: 1, public: Key32([2; 32]), signature: HexBytes(vec![3; 64]) };
        let mut keys = DeviceKeys::new(7, Key32([1; 32]), signed);
        keys.one_time.insert(5, Key32([5; 32]));
        keys.one_time.insert(4, Key32([4; 32]));
        assert_eq!(keys.take_bundle().one_time, Some((4, Key32([4; 32]))));
        assert_eq!(keys.take_bundle().one_time, Some((5, Key32([5; 32]))));
        let last = keys.take_bundle();
        assert_eq!(last.one_time, None);
        assert_eq!(last.signed.id, 1);
    }
}
