//! Who is on the other end of a connection, and what the handlers get to work with.
use std::sync::Arc;

use super::handle::ConnHandle;
use crate::shared::Shared;

/// The connection's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// An unpaired companion (registration payload): it may pair, nothing else.
    Registering,
    /// A paired device that logged in.
    LoggedIn { phone: String, device: u16 },
}

/// One connection as its stanza handlers see it.
pub struct ConnCtx {
    pub shared: Arc<Shared>,
    pub handle: ConnHandle,
    pub session: Session,
    /// Set by `<iq xmlns="passive"><active/>`: the client wants live traffic.
    pub active: bool,
}

impl ConnCtx {
    /// The logged-in device, if any.
    pub fn device(&self) -> Option<(&str, u16)> {
        match &self.session {
            Session::LoggedIn { phone, device } => Some((phone, *device)),
            Session::Registering => None,
        }
    }

    /// Forgets what the server kept for this connection (it is closing).
    pub fn end(&self) {
        match &self.session {
            Session::Registering => {
                self.shared.state().pending.remove(self.handle.id);
            }
            Session::LoggedIn { phone, device } => {
                // A replaced connection leaves presence to the one that replaced it.
                if self.shared.conn_of(phone, *device).is_some_and(|c| c.id == self.handle.id) {
                    crate::handlers::presence::disconnected(&self.shared, phone, *device);
                }
                self.shared.unregister_conn(phone, *device, self.handle.id);
                crate::handlers::routing::redeliver_unacked(
                    &self.shared,
                    phone,
                    *device,
                    self.handle.id,
                );
            }
        }
    }
}
