//! [`ErrorKind`]: the stable classes of failure every binding exposes, and [`Error`], what a
//! call of the surface fails with. C maps a kind onto its result codes (and reports the kind's
//! number), Python onto its exception classes (`wazap.Error.kind` is the code), Node onto
//! `error.code` (`ERR_` + the code in capitals).
use std::fmt;

use crate::client::ClientError;
use crate::runtime::{BlockingError, TaskLost};
use crate::store::StoreError;

/// Why a call failed, as a stable code. Codes and numbers are never renumbered or reused;
/// a kind added later gets the next number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u32)]
pub enum ErrorKind {
    /// An argument is malformed or out of range (a bad JID, an unknown name, empty data…).
    InvalidArgument = 1,
    /// The connection, TLS or the handshake failed (a refused certificate chain included).
    Connection = 2,
    /// The proxy refused or could not be reached.
    Proxy = 3,
    /// The device store failed (or holds something this build cannot use).
    Store = 4,
    /// A stanza could not be encoded.
    Encode = 5,
    /// The call needs a connection: connect first.
    NotConnected = 6,
    /// `connect` on a client that is connected.
    AlreadyConnected = 7,
    /// The connection ended while waiting for the answer.
    Disconnected = 8,
    /// The server did not answer in time.
    Timeout = 9,
    /// The server answered with an error code ([`Error::server_code`]).
    Server = 10,
    /// The server's answer lacks what the protocol requires.
    BadResponse = 11,
    /// No device is loaded: connect first (the device is loaded by connect).
    NoDevice = 12,
    /// Pairing was asked of a device that is already paired.
    AlreadyPaired = 13,
    /// The device is not paired (or was logged out).
    NotPaired = 14,
    /// Pairing failed a check (the phone's signatures, the pairing code's crypto).
    Pairing = 15,
    /// A message could not be built or read (no session, a bad stanza…).
    Message = 16,
    /// A media file does not verify or decode.
    Media = 17,
    /// A media file could not be fetched or stored (no host, an HTTP error, the network).
    MediaUnreachable = 18,
    /// wazap panicked; the call was abandoned (a bug: please report the message).
    Panic = 19,
    /// A blocking call was made from a thread that drives an async runtime.
    WrongThread = 20,
    /// The runtime lost the task (shutdown), or another internal failure.
    Internal = 21,
}

impl ErrorKind {
    /// Every kind, in number order.
    pub const ALL: [ErrorKind; 21] = [
        Self::InvalidArgument,
        Self::Connection,
        Self::Proxy,
        Self::Store,
        Self::Encode,
        Self::NotConnected,
        Self::AlreadyConnected,
        Self::Disconnected,
        Self::Timeout,
        Self::Server,
        Self::BadResponse,
        Self::NoDevice,
        Self::AlreadyPaired,
        Self::NotPaired,
        Self::Pairing,
        Self::Message,
        Self::Media,
        Self::MediaUnreachable,
        Self::Panic,
        Self::WrongThread,
        Self::Internal,
    ];

    /// The stable code (`"not_connected"`).
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_arg",
            Self::Connection => "connection",
            Self::Proxy => "proxy",
            Self::Store => "store",
            Self::Encode => "encode",
            Self::NotConnected => "not_connected",
            Self::AlreadyConnected => "already_connected",
            Self::Disconnected => "disconnected",
            Self::Timeout => "timeout",
            Self::Server => "server",
            Self::BadResponse => "bad_response",
            Self::NoDevice => "no_device",
            Self::AlreadyPaired => "already_paired",
            Self::NotPaired => "not_paired",
            Self::Pairing => "pairing",
            Self::Message => "message",
            Self::Media => "media",
            Self::MediaUnreachable => "media_unreachable",
            Self::Panic => "panic",
            Self::WrongThread => "wrong_thread",
            Self::Internal => "internal",
        }
    }

    /// The stable number (C).
    pub fn number(self) -> u32 {
        self as u32
    }

    /// The kind with this number.
    pub fn from_number(number: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.number() == number)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl ClientError {
    /// The stable class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::Socket(_) => ErrorKind::Connection,
            ClientError::Proxy(_) => ErrorKind::Proxy,
            ClientError::Store(_) | ClientError::InvalidDeviceJid(_) => ErrorKind::Store,
            ClientError::Encode(_) => ErrorKind::Encode,
            ClientError::NotConnected => ErrorKind::NotConnected,
            ClientError::AlreadyConnected => ErrorKind::AlreadyConnected,
            ClientError::Disconnected => ErrorKind::Disconnected,
            ClientError::IqTimeout => ErrorKind::Timeout,
            ClientError::ServerError { .. } => ErrorKind::Server,
            ClientError::AppState(crate::appstate::AppStateError::NoKeys) => ErrorKind::NotPaired,
            ClientError::AppState(crate::appstate::AppStateError::Malformed(_)) => {
                ErrorKind::InvalidArgument
            }
            ClientError::BadResponse(_)
            | ClientError::Group(_)
            | ClientError::User(_)
            | ClientError::AppState(_) => ErrorKind::BadResponse,
            ClientError::NoDevice => ErrorKind::NoDevice,
            ClientError::AlreadyPaired => ErrorKind::AlreadyPaired,
            ClientError::NotPaired => ErrorKind::NotPaired,
            ClientError::InvalidPhone(_)
            | ClientError::InvalidArgument(_)
            | ClientError::Poll(_) => ErrorKind::InvalidArgument,
            ClientError::Adv(_) | ClientError::CodePairing(_) => ErrorKind::Pairing,
            ClientError::Message(_) => ErrorKind::Message,
            ClientError::Media(e) if e.is_network() => ErrorKind::MediaUnreachable,
            ClientError::Media(_) => ErrorKind::Media,
            ClientError::Panicked(_) => ErrorKind::Panic,
            ClientError::RuntimeGone => ErrorKind::Internal,
        }
    }
}

/// A failed call of the surface: its kind, a message with the chain of causes, and what the
/// server said when it refused. (Boxed: results stay one pointer wide.)
#[derive(Debug)]
pub struct Error(Box<Details>);

#[derive(Debug)]
struct Details {
    kind: ErrorKind,
    message: String,
    server_code: Option<u16>,
    client: Option<ClientError>,
}

/// A call's outcome.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The message of `error` followed by its causes (those not already in it).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Details { kind, message: message.into(), server_code: None, client: None }))
    }

    /// A malformed or out-of-range argument.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// What went wrong, with its causes.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The server's error code, for [`ErrorKind::Server`].
    pub fn server_code(&self) -> Option<u16> {
        self.0.server_code
    }

    /// The client's error, when the failure came from the client.
    pub fn client_error(&self) -> Option<&ClientError> {
        self.0.client.as_ref()
    }

    /// The same error with `context` in front of its message.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.0.message = format!("{context}: {}", self.0.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.client.as_ref().map(|e| e as _)
    }
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Self {
        let server_code = match &error {
            ClientError::ServerError { code, .. } => Some(*code),
            _ => None,
        };
        let (kind, message) = (error.kind(), with_causes(&error));
        Self(Box::new(Details { kind, message, server_code, client: Some(error) }))
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        Self::new(ErrorKind::Store, with_causes(&error))
    }
}

impl From<TaskLost> for Error {
    fn from(error: TaskLost) -> Self {
        ClientError::from(error).into()
    }
}

impl From<BlockingError> for Error {
    fn from(error: BlockingError) -> Self {
        match error {
            BlockingError::InsideRuntime => Self::new(ErrorKind::WrongThread, error.to_string()),
            BlockingError::Lost(lost) => lost.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_numbers_are_stable_and_distinct() {
        let codes: std::collections::BTreeSet<_> =
            ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.number(), i as u32 + 1);
            assert_eq!(ErrorKind::from_number(kind.number()), Some(*kind));
        }
        assert_eq!(ErrorKind::NotConnected.code(), "not_connected");
        assert_eq!(ErrorKind::Internal.number(), 21);
        assert_eq!(ErrorKind::from_number(0), None);
    }

    #[test]
    fn client_errors_keep_their_kind_and_server_code() {
        let refused = Error::from(ClientError::ServerError { code: 403, text: "forbidden".into() });
        assert_eq!((refused.kind(), refused.server_code()), (ErrorKind::Server, Some(403)));
        assert!(refused.message().contains("403"), "{refused}");
        let panic = Error::from(TaskLost::Panicked("boom".into()));
        assert_eq!(panic.kind(), ErrorKind::Panic);
        assert!(panic.message().contains("boom"));
        assert_eq!(Error::from(BlockingError::InsideRuntime).kind(), ErrorKind::WrongThread);
    }
}
