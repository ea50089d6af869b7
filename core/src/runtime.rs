//! The core's own tokio runtime: one multi-thread runtime, started on first use and shared by
//! every client of the process. Public async methods hand their work to it and await the
//! answer on a channel, so they can be called from any executor (or none, through
//! [`block_on`]).
//!
//! Fork safety: a forked child inherits the parent's memory but not its threads, so the
//! parent's runtime is unusable there. The runtime is keyed by process id; a child builds its
//! own, and the inherited one is leaked (dropping it would wait for threads that do not exist).
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;

use futures_util::FutureExt as _;

use tokio::runtime::{Handle, Runtime};
use tokio::sync::oneshot;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// A handle to the shared runtime, starting it if needed.
pub fn handle() -> Handle {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, runtime)) = *slot {
        if owner == pid {
            return runtime.handle().clone();
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("wazap")
        .build()
        .expect("the OS refused to start the wazap runtime threads");
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *slot = Some((pid, runtime));
    runtime.handle().clone()
}

/// Runs `future` on the shared runtime.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle().spawn(future)
}

/// Why the shared runtime did not hand back a task's output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskLost {
    /// The task panicked; the message is the panic's.
    #[error("wazap panicked: {0}")]
    Panicked(String),
    /// The runtime dropped the task (it is shutting down).
    #[error("the wazap runtime dropped the task")]
    Dropped,
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// Spawns `future` on the shared runtime; `deliver` receives its output, or the panic that
/// ended it.
fn spawn_reporting<F, D>(future: F, deliver: D)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    D: FnOnce(Result<F::Output, TaskLost>) + Send + 'static,
{
    spawn(async move {
        let outcome = AssertUnwindSafe(future).catch_unwind().await;
        deliver(outcome.map_err(|payload| TaskLost::Panicked(panic_message(&*payload))));
    });
}

/// Runs `future` on the shared runtime and awaits its output through a channel, from any
/// executor. A panic in the task is reported as [`TaskLost::Panicked`].
pub async fn run<F>(future: F) -> Result<F::Output, TaskLost>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    spawn_reporting(future, move |outcome| {
        let _ = tx.send(outcome);
    });
    rx.await.unwrap_or(Err(TaskLost::Dropped))
}

/// Why [`block_on`] returned no output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockingError {
    /// Called from a thread that drives a tokio runtime, which blocking would stall.
    #[error("a blocking wazap call was made from inside an async runtime; use the async method")]
    InsideRuntime,
    /// The task panicked or the runtime shut down.
    #[error(transparent)]
    Lost(#[from] TaskLost),
}

/// Runs `future` on the shared runtime and blocks the calling thread until it finishes: the
/// blocking wrappers of the bindings use this. Refuses to run on a runtime thread.
pub fn block_on<F>(future: F) -> Result<F::Output, BlockingError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if Handle::try_current().is_ok() {
        return Err(BlockingError::InsideRuntime);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    spawn_reporting(future, move |outcome| {
        let _ = tx.send(outcome);
    });
    Ok(rx.recv().unwrap_or(Err(TaskLost::Dropped))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_runs_on_the_shared_runtime() {
        let name = block_on(async { std::thread::current().name().map(str::to_owned) }).unwrap();
        assert_eq!(name.as_deref(), Some("wazap"));
    }

    #[tokio::test]
    async fn block_on_refuses_inside_a_runtime_and_run_works_from_any_executor() {
        assert_eq!(block_on(async { 1 }), Err(BlockingError::InsideRuntime));
        assert_eq!(run(async { 2 }).await, Ok(2));
    }

    #[tokio::test]
    async fn a_panic_is_reported_as_a_panic() {
        let lost: Result<(), TaskLost> = run(async { panic!("boom") }).await;
        assert_eq!(lost, Err(TaskLost::Panicked("boom".into())));
        let blocked = std::thread::spawn(|| -> Result<(), BlockingError> {
            block_on(async { panic!("bang {}", 1) })
        });
        let outcome = blocked.join().unwrap();
        assert_eq!(outcome, Err(BlockingError::Lost(TaskLost::Panicked("bang 1".into()))));
    }
}
