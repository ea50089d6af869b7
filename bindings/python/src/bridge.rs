//! Running core futures for Python. Blocking calls release the GIL and wait on the core's
//! shared runtime; async calls spawn there and, when done, call a Python `done(error, value)`
//! callback (the wrapper resolves an asyncio future from it with `call_soon_threadsafe`).
//! Nothing here ever holds the GIL while waiting for the core, and the core never needs the
//! GIL, so a Python handler may call back into the client without deadlock.
use std::future::Future;

use pyo3::prelude::*;

use crate::errors::BindingError;
use crate::shutdown;

/// Results that cross into Python.
pub(crate) trait ToPython: Send + 'static {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject>;
}

impl ToPython for () {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(py.None())
    }
}

impl ToPython for String {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(self.into_pyobject(py)?.into_any().unbind())
    }
}

impl ToPython for Option<String> {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(self.into_pyobject(py)?.unbind())
    }
}

/// Runs `future` on the core's runtime with the GIL released, and returns its output.
pub(crate) fn block<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = Result<T, BindingError>> + Send + 'static,
    T: Send + 'static,
{
    let outcome = shutdown::allow_threads(py, move || wazap::runtime::block_on(future));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.into_pyerr(py)),
        Err(lost) => Err(BindingError::from(lost).into_pyerr(py)),
    }
}

/// Runs `future` on the core's runtime; its outcome is passed to `done(error, value)` on a
/// blocking-pool thread holding the GIL (exactly one call, even if the future panics).
pub(crate) fn spawn<T, F>(future: F, done: PyObject)
where
    F: Future<Output = Result<T, BindingError>> + Send + 'static,
    T: ToPython,
{
    let runtime = wazap::runtime::handle();
    let pool = runtime.clone();
    runtime.spawn(async move {
        // A panic in the task is reported as one (wazap.InternalError with its message).
        let outcome = wazap::runtime::run(future).await.unwrap_or_else(|lost| Err(lost.into()));
        // Taking the GIL may wait for Python: do it off the async worker threads.
        let settled =
            pool.spawn_blocking(move || shutdown::with_gil(|py| settle(py, &done, outcome)));
        let _ = settled.await;
    });
}

fn settle<T: ToPython>(py: Python<'_>, done: &PyObject, outcome: Result<T, BindingError>) {
    let call = match outcome.map(|value| value.to_python(py)) {
        Ok(Ok(value)) => done.call1(py, (py.None(), value)),
        Ok(Err(conversion)) => done.call1(py, (conversion.into_value(py), py.None())),
        Err(error) => done.call1(py, (error.into_pyerr(py).into_value(py), py.None())),
    };
    if let Err(error) = call {
        error.write_unraisable(py, Some(done.bind(py)));
    }
}
