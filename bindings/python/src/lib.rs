//! `wazap._native`: the PyO3 glue between the Rust core and the typed Python package
//! (`bindings/python/python/wazap`). It stays thin: blocking calls release the GIL while the
//! core's runtime does the work ([`bridge::block`]), async calls complete a Python callback
//! ([`bridge::spawn`]), events cross as the core's JSON (the wrapper turns them into
//! dataclasses), and core errors become the `wazap.Error` classes ([`errors`]).
//!
//! Adding a core method takes three small steps: an `*_op` future in `client.rs`, its two thin
//! `#[pymethods]` (blocking and `_async`), and the typed wrapper method in `wazap/_client.py`
//! with its stub lines.
use pyo3::prelude::*;

mod bridge;
mod client;
mod config;
mod errors;
mod media;
mod messaging;
mod shutdown;
mod subscription;

/// The extension module, installed as `wazap._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::NativeClient>()?;
    m.add_class::<subscription::EventSubscription>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let close = wrap_pyfunction!(shutdown::_close_at_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (close,))?;
    Ok(())
}
