//! The contents of the handshake messages as the Noise layer sees them, and their protobuf
//! envelope `HandshakeMessage{clientHello 2, serverHello 3, clientFinish 4}`.
use prost::Message;

use crate::proto::handshake_message::{
    ClientFinish as ProtoClientFinish, ClientHello as ProtoClientHello,
    ServerHello as ProtoServerHello,
};
use crate::proto::HandshakeMessage;
use crate::socket::error::NoiseError;

/// `serverHello{ephemeral, static, payload}`: the static key and payload are encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    pub ephemeral: Vec<u8>,
    pub static_ciphertext: Vec<u8>,
    pub payload_ciphertext: Vec<u8>,
}

/// `clientFinish{static, payload}`: both encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFinish {
    pub static_ciphertext: Vec<u8>,
    pub payload_ciphertext: Vec<u8>,
}

/// Marshals `HandshakeMessage{clientHello{ephemeral}}`.
pub fn encode_client_hello(ephemeral: &[u8]) -> Vec<u8> {
    HandshakeMessage {
        client_hello: Some(ProtoClientHello {
            ephemeral: Some(ephemeral.to_vec()),
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

/// The client's ephemeral key from a marshalled client hello.
pub fn decode_client_hello(bytes: &[u8]) -> Result<Vec<u8>, NoiseError> {
    let hello = HandshakeMessage::decode(bytes)?
        .client_hello
        .ok_or(NoiseError::UnexpectedMessage { expected: "clientHello" })?;
    hello.ephemeral.ok_or(NoiseError::MissingField("clientHello.ephemeral"))
}

impl ServerHello {
    pub fn encode(&self) -> Vec<u8> {
        HandshakeMessage {
            server_hello: Some(ProtoServerHello {
                ephemeral: Some(self.ephemeral.clone()),
                r#static: Some(self.static_ciphertext.clone()),
                payload: Some(self.payload_ciphertext.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }
        .encode_to_vec()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, NoiseError> {
        let hello = HandshakeMessage::decode(bytes)?
            .server_hello
            .ok_or(NoiseError::UnexpectedMessage { expected: "serverHello" })?;
        Ok(Self {
            ephemeral: hello.ephemeral.ok_or(NoiseError::MissingField("serverHello.ephemeral"))?,
            static_ciphertext: hello
                .r#static
                .ok_or(NoiseError::MissingField("serverHello.static"))?,
            payload_ciphertext: hello
                .payload
                .ok_or(NoiseError::MissingField("serverHello.payload"))?,
        })
    }
}

impl ClientFinish {
    pub fn encode(&self) -> Vec<u8> {
        HandshakeMessage {
            client_finish: Some(ProtoClientFinish {
                r#static: Some(self.static_ciphertext.clone()),
                payload: Some(self.payload_ciphertext.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }
        .encode_to_vec()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, NoiseError> {
        let finish = HandshakeMessage::decode(bytes)?
            .client_finish
            .ok_or(NoiseError::UnexpectedMessage { expected: "clientFinish" })?;
        Ok(Self {
            static_ciphertext: finish
                .r#static
                .ok_or(NoiseError::MissingField("clientFinish.static"))?,
            payload_ciphertext: finish
                .payload
                .ok_or(NoiseError::MissingField("clientFinish.payload"))?,
        })
    }
}
