//! The contents of the handshake messages, as the Noise layer sees them. The protobuf envelope
//! (`HandshakeMessage`) is added and removed by the async handshake.

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
