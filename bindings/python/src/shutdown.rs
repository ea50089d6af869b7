//! Interpreter exit. Once finalisation has begun, any thread other than the finalising one
//! that takes the GIL is ended by `pthread_exit`, whose forced unwind through Rust frames aborts
//! the process ("FATAL: exception not rethrown"). An `atexit` hook, which runs before
//! finalisation (and after the wrapper's own hook has stopped the event dispatchers), closes
//! the door: from then on, threads coming back from Rust park instead of taking the GIL, and
//! the hook lets those already on their way in pass first.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::OnceLock;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// How long the hook lets threads already taking the GIL finish.
const DRAIN: Duration = Duration::from_secs(2);

static CLOSED: AtomicBool = AtomicBool::new(false);
static ENTERING: AtomicUsize = AtomicUsize::new(0);
static EXITING_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Held by a thread from just before it takes the GIL until it has it (and is done with it).
pub(crate) struct Pass(());

impl Drop for Pass {
    fn drop(&mut self) {
        ENTERING.fetch_sub(1, SeqCst);
    }
}

/// Called without the GIL, right before taking it. After the exit hook has run, a thread other
/// than the exiting one never returns from here: the process is about to end anyway.
pub(crate) fn enter() -> Pass {
    ENTERING.fetch_add(1, SeqCst);
    if CLOSED.load(SeqCst) && EXITING_THREAD.get() != Some(&thread::current().id()) {
        ENTERING.fetch_sub(1, SeqCst);
        loop {
            thread::park();
        }
    }
    Pass(())
}

/// `py.allow_threads(f)`, taking the GIL back only through [`enter`].
pub(crate) fn allow_threads<T, F>(py: Python<'_>, f: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    let (value, _pass) = py.allow_threads(move || {
        let value = f();
        (value, enter())
    });
    value
}

/// `Python::with_gil(f)` for threads the core owns, through [`enter`].
pub(crate) fn with_gil<T>(f: impl for<'py> FnOnce(Python<'py>) -> T) -> T {
    let _pass = enter();
    Python::with_gil(f)
}

/// Registered with `atexit` when the module loads (so it runs after the wrapper's hooks).
#[pyfunction]
pub(crate) fn _close_at_exit(py: Python<'_>) {
    let _ = EXITING_THREAD.set(thread::current().id());
    CLOSED.store(true, SeqCst);
    py.allow_threads(|| {
        let deadline = Instant::now() + DRAIN;
        while ENTERING.load(SeqCst) > 0 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
    });
}
