//! Core errors as Python exceptions. The classes are defined in `wazap/_errors.py` (plain
//! Python, so each can inherit from both `wazap.Error` and the matching builtin, e.g.
//! `wazap.Timeout` is also a `TimeoutError`), which picks the class by the core's error kind;
//! here an error carries its kind, message and server code there. A [`BindingError`] is
//! `Send`, so it can leave a GIL-free section before it becomes a `PyErr`.
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use wazap::api::{self, ErrorKind};

/// A failure on its way to Python.
#[derive(Debug)]
pub(crate) struct BindingError(api::Error);

impl BindingError {
    /// Bad input from Python that the type system let through (a malformed key, a negative
    /// timeout...): `wazap.InvalidArgument`, a `ValueError`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self(api::Error::invalid(message))
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self(api::Error::new(ErrorKind::Internal, message))
    }

    /// The Python exception (falls back to `RuntimeError` if the package is unusable).
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let error = &self.0;
        let raised = (|| -> PyResult<PyErr> {
            let make = py.import("wazap._errors")?.getattr("_from_native")?;
            let value = make.call1((error.kind().code(), error.message(), error.server_code()))?;
            Ok(PyErr::from_value(value))
        })();
        raised.unwrap_or_else(|_| PyRuntimeError::new_err(error.message().to_owned()))
    }
}

impl<E: Into<api::Error>> From<E> for BindingError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}
