//! The client (initiator) side of the XX handshake, free of I/O:
//! `-> e`, `<- e, ee, s, es (+ CertChain)`, `-> s, se (+ ClientPayload)`.
//! Order of operations from tulir/whatsmeow `handshake.go` and WhiskeySockets/Baileys
//! `noise-handler.ts` `processHandshake`; checked against vectors/noise.json.
use crate::crypto::{KeyPair, PublicKey};
use crate::socket::error::NoiseError;
use crate::socket::transport::Transport;

use super::messages::{ClientFinish, ServerHello};
use super::symmetric::SymmetricState;

pub(crate) fn key32(bytes: &[u8], what: &'static str) -> Result<PublicKey, NoiseError> {
    let key: [u8; 32] =
        bytes.try_into().map_err(|_| NoiseError::BadKeyLength { what, len: bytes.len() })?;
    Ok(PublicKey(key))
}

/// The client before the server's hello: it has sent its ephemeral key.
pub struct ClientHandshake {
    state: SymmetricState,
    ephemeral: KeyPair,
}

/// What the server proved in its hello: its static key and the decrypted certificate payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerIdentity {
    pub static_key: PublicKey,
    /// The decrypted payload: the marshalled `CertChain`.
    pub payload: Vec<u8>,
}

/// The client after the server's hello, ready to send its finish message.
pub struct ClientAwaitingFinish {
    state: SymmetricState,
    server_ephemeral: PublicKey,
}

impl ClientHandshake {
    /// MixHash(prologue), then MixHash(e.pub). The ephemeral key is injected so tests can pin it;
    /// pass a fresh [`KeyPair::generate`] otherwise. Send [`ephemeral_public`](Self::ephemeral_public)
    /// in the client hello.
    pub fn new(prologue: &[u8], ephemeral: KeyPair) -> Self {
        let mut state = SymmetricState::with_prologue(prologue);
        state.mix_hash(ephemeral.public.as_bytes());
        Self { state, ephemeral }
    }

    pub fn ephemeral_public(&self) -> PublicKey {
        self.ephemeral.public
    }

    pub fn symmetric_state(&self) -> &SymmetricState {
        &self.state
    }

    /// `<- e, ee, s, es`: decrypts the server's static key and its certificate payload.
    pub fn read_server_hello(
        mut self,
        hello: &ServerHello,
    ) -> Result<(ClientAwaitingFinish, ServerIdentity), NoiseError> {
        let server_ephemeral = key32(&hello.ephemeral, "server ephemeral key")?;
        self.state.mix_hash(server_ephemeral.as_bytes());
        self.state.mix_key(&self.ephemeral.agree(&server_ephemeral));
        let static_bytes =
            self.state.decrypt_and_hash(&hello.static_ciphertext, "server static key")?;
        let static_key = key32(&static_bytes, "server static key")?;
        self.state.mix_key(&self.ephemeral.agree(&static_key));
        let payload =
            self.state.decrypt_and_hash(&hello.payload_ciphertext, "server certificate")?;
        Ok((
            ClientAwaitingFinish { state: self.state, server_ephemeral },
            ServerIdentity { static_key, payload },
        ))
    }
}

impl ClientAwaitingFinish {
    pub fn symmetric_state(&self) -> &SymmetricState {
        &self.state
    }

    /// `-> s, se`: encrypts our static key and the marshalled `ClientPayload`, then splits.
    pub fn write_client_finish(
        mut self,
        static_key: &KeyPair,
        client_payload: &[u8],
    ) -> Result<(ClientFinish, Transport), NoiseError> {
        let static_ciphertext = self.state.encrypt_and_hash(static_key.public.as_bytes())?;
        self.state.mix_key(&static_key.agree(&self.server_ephemeral));
        let payload_ciphertext = self.state.encrypt_and_hash(client_payload)?;
        let (write, read) = self.state.split();
        let transport = Transport { write, read, handshake_hash: *self.state.handshake_hash() };
        Ok((ClientFinish { static_ciphertext, payload_ciphertext }, transport))
    }
}
