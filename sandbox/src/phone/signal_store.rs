//! Each phone's Signal store: SQLite, in `DIR/phones/<phone>.sqlite` with `--data` (sessions
//! survive restarts) or in memory. Seeded once with the phone's identity and prekeys.
use std::path::Path;

use wazap::crypto::KeyPair;
use wazap::signal::{PreKeyRecord, SignedPreKeyRecord};
use wazap::store::{PreKeyStore, SignedPreKeyStore, SqliteSignalStore, StoreError};

use super::PhoneKeys;

pub fn open(
    dir: Option<&Path>,
    phone: &str,
    keys: &PhoneKeys,
) -> Result<SqliteSignalStore, StoreError> {
    let store = match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Corrupt(io_what(&e)))?;
            SqliteSignalStore::open(dir.join(format!("{phone}.sqlite")))?
        }
        None => SqliteSignalStore::open_in_memory()?,
    };
    store.set_local_identity(&keys.identity_pair(), keys.registration_id)?;
    // Seed once: re-adding one-time prekeys later would bring back used ones.
    if store.load_signed_pre_key(keys.signed_prekey_id)?.is_none() {
        let signature: [u8; 64] = keys
            .signed_prekey_signature
            .0
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Corrupt("signed prekey signature"))?;
        store.store_signed_pre_key(&SignedPreKeyRecord::new(
            keys.signed_prekey_id,
            KeyPair::from_private(keys.signed_prekey.0),
            signature,
        ))?;
        for (id, private) in &keys.prekeys {
            store.store_pre_key(&PreKeyRecord::new(*id, KeyPair::from_private(private.0)))?;
        }
    }
    Ok(store)
}

fn io_what(e: &std::io::Error) -> &'static str {
    tracing::error!(error = %e, "cannot create the phones directory");
    "phones directory"
}
