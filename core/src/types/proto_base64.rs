//! A protobuf message as the standard base64 of its encoding in JSON
//! (`#[serde(with = "proto_base64")]`): the typed value in Rust, bytes any binding can decode
//! with the schemas in `proto/` on the wire.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<M: prost::Message, S: Serializer>(message: &M, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(message.encode_to_vec()))
}

pub fn deserialize<'de, M, D>(d: D) -> Result<M, D::Error>
where
    M: prost::Message + Default,
    D: Deserializer<'de>,
{
    let text = String::deserialize(d)?;
    let bytes = STANDARD.decode(text).map_err(serde::de::Error::custom)?;
    M::decode(bytes.as_slice()).map_err(serde::de::Error::custom)
}
