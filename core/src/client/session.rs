//! [`Session`]: what the dispatcher keeps for one connection (the connection, whether it is
//! logged in, the QR rotation it runs).
use tokio::task::AbortHandle;

use super::connection::Conn;

/// Per-connection state of the dispatcher.
pub(crate) struct Session {
    pub(crate) conn: Conn,
    pub(crate) logged_in: bool,
    /// The QR rotation of this connection, if one is running.
    pub(crate) qr_task: Option<AbortHandle>,
}

impl Session {
    pub(crate) fn new(conn: Conn) -> Self {
        Self { conn, logged_in: false, qr_task: None }
    }

    pub(crate) fn stop_qr(&mut self) {
        if let Some(task) = self.qr_task.take() {
            task.abort();
        }
    }

    /// Ends per-connection tasks.
    pub(crate) fn finish(mut self) {
        self.stop_qr();
    }
}
