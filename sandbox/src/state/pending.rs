//! Pairings in progress, in memory only: each unpaired connection's registration (its keys and
//! QR refs), the pair-success awaiting the companion's signature, and pairing-code exchanges.
use std::collections::HashMap;
use std::time::Instant;

use tokio::sync::oneshot;
use wazap::crypto::PublicKey;
use wazap::pair::PrimaryCodePairing;

use crate::conn::ConnHandle;
use crate::control::ControlError;

/// A pair-success sent to a companion, waiting for its `pair-device-sign`.
#[derive(Debug, Clone)]
pub struct AwaitingSign {
    pub iq_id: String,
    pub phone: String,
    pub device: u16,
    pub key_index: u32,
    pub timestamp: u64,
}

/// The companion asked to pair by code (`companion_hello`).
pub struct CodeRequest {
    pub phone: String,
    pub pairing_ref: String,
    /// `link_code_pairing_wrapped_companion_ephemeral_pub` (salt ‖ iv ‖ encrypted key).
    pub wrapped_ephemeral: Vec<u8>,
    pub created: Instant,
    /// Set once the phone entered the code: the primary side of the exchange and who waits for
    /// the outcome (the control request).
    pub primary: Option<(PrimaryCodePairing, oneshot::Sender<Result<String, ControlError>>)>,
}

/// An unpaired connection.
pub struct Registration {
    pub conn: ConnHandle,
    /// The Noise static key of the handshake (the QR code repeats it).
    pub noise_key: PublicKey,
    pub identity: PublicKey,
    pub registration_id: u32,
    pub signed_prekey_id: u32,
    pub signed_prekey: PublicKey,
    pub signed_prekey_signature: Vec<u8>,
    /// `DeviceProps.os`.
    pub name: String,
    /// QR refs and when each stops being valid (tokio's clock, so tests can advance it).
    pub refs: Vec<(String, tokio::time::Instant)>,
    pub awaiting: Option<AwaitingSign>,
    pub code: Option<CodeRequest>,
}

#[derive(Default)]
pub struct Pending {
    /// By connection id.
    pub registrations: HashMap<u64, Registration>,
    /// QR ref → connection id.
    pub refs: HashMap<String, u64>,
}

impl Pending {
    pub fn add(&mut self, registration: Registration) {
        let id = registration.conn.id;
        for (r, _) in &registration.refs {
            self.refs.insert(r.clone(), id);
        }
        self.registrations.insert(id, registration);
    }

    /// Forgets a connection's registration (it closed or paired).
    pub fn remove(&mut self, conn_id: u64) -> Option<Registration> {
        let registration = self.registrations.remove(&conn_id)?;
        for (r, _) in &registration.refs {
            self.refs.remove(r);
        }
        Some(registration)
    }

    /// The newest connection with a pairing-code request for `phone` that the phone has not
    /// answered yet.
    pub fn code_request_for(&mut self, phone: &str) -> Option<&mut Registration> {
        self.registrations
            .values_mut()
            .filter(|r| r.code.as_ref().is_some_and(|c| c.phone == phone && c.primary.is_none()))
            .max_by_key(|r| r.code.as_ref().map(|c| c.created))
    }
}
