//! The core's own tokio runtime: one multi-thread runtime, started on first use and shared by
//! every client of the process. Public async methods hand their work to it and await the
//! answer on a channel, so they can be called from any executor (or none, through
//! [`block_on`]).
//!
//! Fork safety: a forked child inherits the parent's memory but not its threads, so the
//! parent's runtime is unusable there. The runtime is keyed by process id; a child builds its
//! own, and the inherited one is leaked (dropping it would wait for threads that do not exist).
use std::future::Future;
use std::sync::Mutex;

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

/// Runs `future` on the shared runtime and awaits its output through a channel, from any
/// executor. `None` when the task panicked or the runtime is shutting down.
pub async fn run<F>(future: F) -> Option<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    spawn(async move {
        let _ = tx.send(future.await);
    });
    rx.await.ok()
}

/// Why [`block_on`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlockingError {
    /// Called from a thread that drives a tokio runtime, which blocking would stall.
    #[error("a blocking wazap call was made from inside an async runtime; use the async method")]
    InsideRuntime,
    /// The task panicked or the runtime shut down.
    #[error("the wazap runtime dropped the task")]
    TaskLost,
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
    spawn(async move {
        let _ = tx.send(future.await);
    });
    rx.recv().map_err(|_| BlockingError::TaskLost)
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
        assert_eq!(run(async { 2 }).await, Some(2));
    }
}
