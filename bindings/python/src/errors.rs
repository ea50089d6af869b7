//! Core errors as Python exceptions. The classes are defined in `wazap/_errors.py` (plain
//! Python, so each can inherit from both `wazap.Error` and the matching builtin, e.g.
//! `wazap.Timeout` is also a `TimeoutError`); here every core error is given the name of its
//! class. A [`BindingError`] is `Send`, so it can leave a GIL-free section before it becomes a
//! `PyErr`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use wazap::runtime::BlockingError;
use wazap::ClientError;

/// A failure on its way to Python: the `wazap._errors` class name and the message.
#[derive(Debug)]
pub(crate) struct BindingError {
    class: &'static str,
    message: String,
    /// The server's error code (`wazap.ServerError.code`).
    code: Option<u16>,
}

impl BindingError {
    pub(crate) fn new(class: &'static str, message: impl Into<String>) -> Self {
        Self { class, message: message.into(), code: None }
    }

    /// Bad input from Python that the type system let through (a malformed key, a negative
    /// timeout...): `wazap.InvalidArgument`, a `ValueError`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidArgument", message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new("InternalError", message)
    }

    /// The Python exception (falls back to `RuntimeError` if the package is unusable).
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let raised = (|| -> PyResult<PyErr> {
            let class = py.import("wazap._errors")?.getattr(self.class)?;
            let value = class.call1((PyString::new(py, &self.message),))?;
            if let Some(code) = self.code {
                value.setattr("code", code)?;
            }
            Ok(PyErr::from_value(value))
        })();
        raised.unwrap_or_else(|_| PyRuntimeError::new_err(self.message))
    }
}

/// The message with the chain of causes, so nothing the core knew is lost.
fn message_with_causes(error: &dyn std::error::Error) -> String {
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

impl From<ClientError> for BindingError {
    fn from(error: ClientError) -> Self {
        // Exhaustive on purpose: a new core error must be given its Python class here.
        let class = match &error {
            ClientError::Socket(_) | ClientError::Proxy(_) | ClientError::Disconnected => {
                "ConnectionError"
            }
            // The media host could not be reached, or answered with an HTTP error.
            ClientError::Media(e) if e.is_network() => "ConnectionError",
            // The file does not verify or decode.
            ClientError::Media(_) => "ProtocolError",
            // NoDevice: "connect first" (the device is loaded by connect()).
            ClientError::NotConnected | ClientError::NoDevice => "NotConnected",
            ClientError::AlreadyConnected => "AlreadyConnected",
            ClientError::IqTimeout => "Timeout",
            ClientError::ServerError { .. } => "ServerError",
            ClientError::BadResponse(_)
            | ClientError::Encode(_)
            | ClientError::Adv(_)
            | ClientError::CodePairing(_)
            | ClientError::Message(_)
            | ClientError::Group(_)
            | ClientError::User(_) => "ProtocolError",
            ClientError::Store(_) | ClientError::InvalidDeviceJid(_) => "StoreError",
            ClientError::NotPaired => "NotLoggedIn",
            ClientError::AlreadyPaired => "AlreadyPaired",
            ClientError::InvalidPhone(_) => "InvalidArgument",
            ClientError::RuntimeGone => "InternalError",
        };
        let code = match &error {
            ClientError::ServerError { code, .. } => Some(*code),
            _ => None,
        };
        Self { class, message: message_with_causes(&error), code }
    }
}

impl From<wazap::client::RequestError> for BindingError {
    fn from(error: wazap::client::RequestError) -> Self {
        use wazap::client::RequestError;
        match error {
            RequestError::Client(e) => e.into(),
            other => Self::invalid(other.to_string()),
        }
    }
}

impl From<wazap::store::StoreError> for BindingError {
    fn from(error: wazap::store::StoreError) -> Self {
        Self::new("StoreError", message_with_causes(&error))
    }
}

impl From<BlockingError> for BindingError {
    fn from(error: BlockingError) -> Self {
        Self::internal(error.to_string())
    }
}
