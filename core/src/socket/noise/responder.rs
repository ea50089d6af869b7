//! The server (responder) side of the XX handshake, free of I/O, for the sandbox and for tests.
use crate::crypto::{KeyPair, PublicKey};
use crate::socket::error::NoiseError;
use crate::socket::transport::Transport;

use super::initiator::key32;
use super::messages::{ClientFinish, ServerHello};
use super::symmetric::SymmetricState;

/// The server after the client's hello.
pub struct ServerHandshake {
    state: SymmetricState,
    client_ephemeral: PublicKey,
}

/// The server after sending its hello, waiting for the client's finish.
pub struct ServerAwaitingFinish {
    state: SymmetricState,
    ephemeral: KeyPair,
}

/// What the client proved in its finish message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The client's long-lived Noise static key.
    pub static_key: PublicKey,
    /// The decrypted payload: the marshalled `ClientPayload`.
    pub payload: Vec<u8>,
}

impl ServerHandshake {
    /// MixHash(prologue), then MixHash(client e). The prologue is the client's `WA 06 xx` header.
    pub fn read_client_hello(prologue: &[u8], client_ephemeral: &[u8]) -> Result<Self, NoiseError> {
        let client_ephemeral = key32(client_ephemeral, "client ephemeral key")?;
        let mut state = SymmetricState::with_prologue(prologue);
        state.mix_hash(client_ephemeral.as_bytes());
        Ok(Self { state, client_ephemeral })
    }

    pub fn symmetric_state(&self) -> &SymmetricState {
        &self.state
    }

    /// `-> e, ee, s, es`: our ephemeral (injected so tests can pin it), our static key encrypted,
    /// then the certificate chain payload encrypted.
    pub fn write_server_hello(
        mut self,
        ephemeral: KeyPair,
        static_key: &KeyPair,
        cert_payload: &[u8],
    ) -> Result<(ServerAwaitingFinish, ServerHello), NoiseError> {
        self.state.mix_hash(ephemeral.public.as_bytes());
        self.state.mix_key(&ephemeral.agree(&self.client_ephemeral));
        let static_ciphertext = self.state.encrypt_and_hash(static_key.public.as_bytes())?;
        self.state.mix_key(&static_key.agree(&self.client_ephemeral));
        let payload_ciphertext = self.state.encrypt_and_hash(cert_payload)?;
        let hello = ServerHello {
            ephemeral: ephemeral.public.as_bytes().to_vec(),
            static_ciphertext,
            payload_ciphertext,
        };
        Ok((ServerAwaitingFinish { state: self.state, ephemeral }, hello))
    }
}

impl ServerAwaitingFinish {
    pub fn symmetric_state(&self) -> &SymmetricState {
        &self.state
    }

    /// `<- s, se`: decrypts the client's static key and payload, then splits.
    pub fn read_client_finish(
        mut self,
        finish: &ClientFinish,
    ) -> Result<(ClientIdentity, Transport), NoiseError> {
        let static_bytes =
            self.state.decrypt_and_hash(&finish.static_ciphertext, "client static key")?;
        let static_key = key32(&static_bytes, "client static key")?;
        self.state.mix_key(&self.ephemeral.agree(&static_key));
        let payload = self.state.decrypt_and_hash(&finish.payload_ciphertext, "client payload")?;
        let (client_to_server, server_to_client) = self.state.split();
        let transport = Transport {
            write: server_to_client,
            read: client_to_server,
            handshake_hash: *self.state.handshake_hash(),
        };
        Ok((ClientIdentity { static_key, payload }, transport))
    }
}
