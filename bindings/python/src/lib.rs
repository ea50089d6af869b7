//! `wazap._native`: the PyO3 glue between the Rust core and the typed Python package
//! (`bindings/python/python/wazap`). It stays thin: blocking calls release the GIL while the
//! core's runtime does the work ([`bridge::block`]), async calls complete a Python callback
//! ([`bridge::spawn`]), events cross as the core's JSON (the wrapper turns them into
//! dataclasses), and core errors become the `wazap.Error` classes by their kind ([`errors`]).
//!
//! Every call goes through one native method, `request` (the core's requests by name, with
//! JSON arguments): a new core request needs nothing here, only its typed wrapper method in
//! `wazap/_client.py` and its stub lines.
use pyo3::prelude::*;

mod bridge;
mod client;
mod config;
mod errors;
mod shutdown;
mod subscription;

/// The pairing QR code `text` (a `QrEvent.code`) drawn with Unicode half blocks, to print in
/// a terminal for the phone to scan (light modules are the drawn blocks, for the usual light on
/// dark terminal); lines end with a newline. Raises `wazap.InvalidArgument` for a text too long
/// for a QR code. (The core's `api::qr_terminal`, shared with the other hosts.)
#[pyfunction]
fn qr_terminal(py: Python<'_>, text: &str) -> PyResult<String> {
    wazap::api::qr_terminal(text).map_err(|e| errors::BindingError::from(e).into_pyerr(py))
}

/// The extension module, installed as `wazap._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::NativeClient>()?;
    m.add_class::<subscription::EventSubscription>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // What the wrapper's exception table and tests check themselves against.
    let kinds: Vec<&str> = wazap::api::ErrorKind::ALL.iter().map(|k| k.code()).collect();
    m.add("ERROR_KINDS", kinds)?;
    m.add("REQUESTS", wazap::api::REQUESTS.to_vec())?;
    m.add_function(wrap_pyfunction!(qr_terminal, m)?)?;
    let close = wrap_pyfunction!(shutdown::_close_at_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (close,))?;
    Ok(())
}
