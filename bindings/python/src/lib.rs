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
    let close = wrap_pyfunction!(shutdown::_close_at_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (close,))?;
    Ok(())
}
