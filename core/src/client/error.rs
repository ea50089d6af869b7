use thiserror::Error;

use crate::binary::EncodeError;
use crate::pair::{AdvError, CodePairingError};
use crate::socket::SocketError;
use crate::store::StoreError;

/// Why a client operation failed. [`ClientError::kind`] is its stable class.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The connection or the handshake failed (a refused certificate chain is
    /// `Socket(SocketError::Cert(..))`).
    #[error("connection failed: {0}")]
    Socket(#[from] SocketError),
    #[error("proxy: {0}")]
    Proxy(#[from] crate::socket::ProxyError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot encode the stanza: {0}")]
    Encode(#[from] EncodeError),
    #[error("not connected")]
    NotConnected,
    #[error("already connected")]
    AlreadyConnected,
    /// The connection ended before the answer came.
    #[error("disconnected while waiting for the answer")]
    Disconnected,
    #[error("the server did not answer in time")]
    IqTimeout,
    /// The server answered `<iq type="error">`.
    #[error("server error {code}: {text}")]
    ServerError { code: u16, text: String },
    /// The server's answer lacks what the protocol requires.
    #[error("unexpected answer from the server: {0}")]
    BadResponse(String),
    #[error("no device loaded: connect first")]
    NoDevice,
    #[error("this device is already paired")]
    AlreadyPaired,
    #[error("this device is not paired")]
    NotPaired,
    /// The stored JID is not a phone-number JID (cannot build the login payload).
    #[error("the stored device JID {0:?} has no numeric user")]
    InvalidDeviceJid(String),
    #[error("invalid phone number: {0}")]
    InvalidPhone(&'static str),
    /// An argument WhatsApp would refuse (a privacy value a setting does not take…), caught
    /// before anything is sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("pairing: {0}")]
    Adv(#[from] AdvError),
    #[error("code pairing: {0}")]
    CodePairing(#[from] CodePairingError),
    /// Building or reading a message stanza failed (no session, bad input…).
    #[error("message: {0}")]
    Message(#[from] crate::message::MessageError),
    /// A poll or a vote the arguments describe cannot be sent (see the poll rules), or the
    /// poll voted in is not known to this device.
    #[error("poll: {0}")]
    Poll(#[from] crate::message::PollError),
    /// A media upload or download failed (no host answered, the file is gone or does not
    /// verify…).
    #[error("media: {0}")]
    Media(#[from] crate::media::TransferError),
    /// A group answer or notification is malformed.
    #[error("group: {0}")]
    Group(#[from] crate::group::GroupError),
    /// A user answer (usync, profile picture) is malformed.
    #[error("user: {0}")]
    User(#[from] crate::user::UserError),
    /// App state (contacts, chat settings) could not be read or sent.
    #[error("app state: {0}")]
    AppState(#[from] crate::appstate::AppStateError),
    /// The task panicked on the shared runtime (a bug: the message is the panic's).
    #[error("wazap panicked: {0}")]
    Panicked(String),
    /// The shared runtime dropped the task (it is shutting down).
    #[error("the wazap runtime dropped the task")]
    RuntimeGone,
}

impl From<crate::runtime::TaskLost> for ClientError {
    fn from(lost: crate::runtime::TaskLost) -> Self {
        match lost {
            crate::runtime::TaskLost::Panicked(message) => ClientError::Panicked(message),
            crate::runtime::TaskLost::Dropped => ClientError::RuntimeGone,
        }
    }
}
