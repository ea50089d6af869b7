//! The app state sync keys a phone shares with its companions (`appStateSyncKeyShare`): made
//! once per account, when its first companion links, and kept, so that every companion of the
//! account gets the same keys as from a real phone.
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use wazap::proto::{
    AppStateSyncKey, AppStateSyncKeyData, AppStateSyncKeyFingerprint, AppStateSyncKeyId,
};

use crate::state::codec::HexBytes;
use crate::state::{unix_now, State};

/// Length of a key id: WhatsApp's are 6 bytes (whatsmeow logs them as 8 base64 characters).
pub const KEY_ID_LEN: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStateKey {
    pub id: HexBytes,
    /// The 32-byte key the app state MACs and encryption keys are derived from.
    pub data: HexBytes,
    /// Creation time, unix milliseconds.
    pub timestamp_ms: i64,
}

impl AppStateKey {
    pub fn generate() -> Self {
        let mut id = vec![0u8; KEY_ID_LEN];
        OsRng.fill_bytes(&mut id);
        let mut data = vec![0u8; 32];
        OsRng.fill_bytes(&mut data);
        let timestamp_ms = i64::try_from(unix_now()).unwrap_or(i64::MAX).saturating_mul(1000);
        Self { id: HexBytes(id), data: HexBytes(data), timestamp_ms }
    }
}

/// The keys of `phone`'s account, made on first use; `None` for an unknown account.
pub fn keys_of(state: &mut State, phone: &str) -> Option<Vec<AppStateKey>> {
    state.account(phone)?;
    let keys = state.durable.app_state_keys.entry(phone.to_owned()).or_default();
    if keys.is_empty() {
        keys.push(AppStateKey::generate());
        let keys = keys.clone();
        state.save();
        return Some(keys);
    }
    Some(keys.clone())
}

/// The keys as the share carries them, with the account's key-index fingerprint.
pub fn share(state: &mut State, phone: &str) -> Option<Vec<AppStateSyncKey>> {
    let keys = keys_of(state, phone)?;
    let account = state.account(phone)?;
    let fingerprint = AppStateSyncKeyFingerprint {
        raw_id: Some(account.adv_raw_id),
        current_index: Some(account.next_key_index.saturating_sub(1)),
        device_indexes: std::iter::once(0)
            .chain(account.devices.values().map(|d| d.key_index))
            .collect(),
    };
    Some(
        keys.into_iter()
            .map(|k| AppStateSyncKey {
                key_id: Some(AppStateSyncKeyId { key_id: Some(k.id.0) }),
                key_data: Some(AppStateSyncKeyData {
                    key_data: Some(k.data.0),
                    fingerprint: Some(fingerprint.clone()),
                    timestamp: Some(k.timestamp_ms),
                }),
            })
            .collect(),
    )
}
