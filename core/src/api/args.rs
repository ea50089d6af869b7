//! How request arguments are written: JIDs as strings (a JID, or a bare phone number: see
//! [`Jid::parse_address`]), bytes and protobufs as standard base64. Used as
//! `#[serde(deserialize_with = …)]` by the requests, and by bindings that take typed
//! arguments (C) to read the same strings the same way.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Deserializer};

use super::Error;
use crate::binary::Jid;
use crate::proto;

/// A JID argument; `what` names it in the error.
pub fn address(text: &str, what: &str) -> Result<Jid, Error> {
    Jid::parse_address(text).map_err(|e| Error::invalid(format!("{what}: {e}")))
}

/// Bytes in standard base64; `what` names them in the error.
pub fn base64(text: &str, what: &str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(text.trim()).map_err(|e| Error::invalid(format!("{what} is not base64: {e}")))
}

/// A `Message` protobuf from its bytes; `what` names it in the error.
pub fn message(bytes: &[u8], what: &str) -> Result<proto::Message, Error> {
    prost::Message::decode(bytes)
        .map_err(|e| Error::invalid(format!("{what} is not a Message protobuf: {e}")))
}

pub(crate) fn jid<'de, D: Deserializer<'de>>(d: D) -> Result<Jid, D::Error> {
    let text = String::deserialize(d)?;
    Jid::parse_address(&text).map_err(serde::de::Error::custom)
}

pub(crate) fn opt_jid<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Jid>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => Jid::parse_address(&text).map(Some).map_err(serde::de::Error::custom),
    }
}

pub(crate) fn jids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Jid>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    texts.iter().map(|t| Jid::parse_address(t).map_err(serde::de::Error::custom)).collect()
}

pub(crate) fn opt_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => STANDARD
            .decode(text.trim())
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("not base64: {e}"))),
    }
}
