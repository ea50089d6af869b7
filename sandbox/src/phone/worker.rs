//! One task processes the phones' queues: routing wakes it with the phone number whenever
//! something is queued for a device 0.
use std::sync::Arc;

use tokio::sync::mpsc;

use super::receive;
use crate::shared::Shared;

pub async fn run(shared: Arc<Shared>, mut wake: mpsc::UnboundedReceiver<String>) {
    while let Some(phone) = wake.recv().await {
        // SQLite calls may touch the disk: off the async threads.
        let shared = shared.clone();
        let done = tokio::task::spawn_blocking(move || receive::process(&shared, &phone)).await;
        if let Err(e) = done {
            tracing::error!(error = %e, "the phone worker failed");
        }
    }
}
