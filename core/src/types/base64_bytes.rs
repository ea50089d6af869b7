//! Bytes as standard base64 strings in JSON (`#[serde(serialize_with = "base64_bytes::serialize")]`): protobuf
//! payloads that every binding can decode with the schemas in `proto/`.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serializer;

pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}
