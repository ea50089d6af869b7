//! Serde forms of keys and byte strings for the JSON state file: lowercase hex.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wazap::crypto::PublicKey;

/// 32 bytes (a key), as 64 hex characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key32(pub [u8; 32]);

impl Key32 {
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0)
    }
}

impl From<PublicKey> for Key32 {
    fn from(key: PublicKey) -> Self {
        Key32(key.0)
    }
}

impl Serialize for Key32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Key32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
        let key: [u8; 32] =
            bytes.try_into().map_err(|_| serde::de::Error::custom("expected 32 bytes of hex"))?;
        Ok(Key32(key))
    }
}

/// Any byte string, as hex.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

impl Serialize for HexBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(&text).map(HexBytes).map_err(serde::de::Error::custom)
    }
}
