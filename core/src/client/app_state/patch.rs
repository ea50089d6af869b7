//! Our own mutations (whatsmeow `SendAppState`, Baileys `appPatch`): encoded on top of the
//! collection's stored state with the newest key, uploaded, and, once the server numbered the
//! patch, stored with the version it got and emitted like any other change. A 409 (another
//! device uploaded first) fetches the patches we missed and encodes again, at most
//! [`MAX_UPLOAD_TRIES`] times.
use std::sync::Arc;

use rand::rngs::OsRng;
use rand::RngCore;

use super::super::{blocking, unix_now_ms, ClientError, Inner};
use super::{sync, MAX_UPLOAD_TRIES};
use crate::appstate::iq;
use crate::appstate::{encode_patch, AppStateError, Change, MutationKeys, MutationSpec};
use crate::store::{CollectionUpdate, StoreError};
use crate::types::{AppStateChange, Event};

const CONFLICT: u16 = 409;

fn random_iv() -> [u8; 16] {
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut iv);
    iv
}

/// Sends `specs` (all of one collection) as one patch.
pub(crate) async fn send(inner: &Arc<Inner>, specs: Vec<MutationSpec>) -> Result<(), ClientError> {
    let c = specs.first().map(|s| s.collection).ok_or_else(|| {
        ClientError::AppState(AppStateError::Malformed("no mutation to send".into()))
    })?;
    if specs.iter().any(|s| s.collection != c) {
        return Err(ClientError::AppState(AppStateError::Malformed(
            "the mutations belong to different collections".into(),
        )));
    }
    inner.own_jids()?;
    if inner.current_conn().is_none() {
        return Err(ClientError::NotConnected);
    }
    let _guard = inner.app_state.lock.lock().await;
    let store = inner.app_state_store().await?;
    // A collection never synced is synced first: the patch must build on the server's state.
    let read = store.clone();
    if blocking(move || read.collection_state(c)).await??.version == 0 {
        sync::sync_locked(inner, c).await;
    }
    for _ in 0..MAX_UPLOAD_TRIES {
        let read = store.clone();
        let (key, state, stored) = blocking(move || {
            Ok::<_, StoreError>((
                read.latest_key()?,
                read.collection_state(c)?,
                read.value_macs(c)?,
            ))
        })
        .await??;
        let key = key.ok_or(ClientError::AppState(AppStateError::NoKeys))?;
        let keys = MutationKeys::expand(&key.data);
        let mut iv = random_iv;
        let encoded =
            encode_patch(c, &state, &key.id, &keys, &specs, unix_now_ms(), &mut iv, &stored);
        let upload = iq::upload(c, state.version, &encoded.patch);
        let conflict = match inner.send_iq(upload, None).await {
            Err(ClientError::ServerError { code: CONFLICT, .. }) => true,
            Err(e) => return Err(e),
            Ok(answer) => {
                let answer = iq::parse_answer(&answer)?
                    .into_iter()
                    .find(|a| a.collection == Some(c))
                    .ok_or_else(|| ClientError::BadResponse(format!("the answer has no {c}")))?;
                match answer.error {
                    None => false,
                    Some((CONFLICT, _)) => true,
                    Some((code, text)) => return Err(ClientError::ServerError { code, text }),
                }
            }
        };
        if conflict {
            tracing::info!(collection = %c, "app state upload conflicts; fetching first");
            sync::sync_locked(inner, c).await;
            continue;
        }
        let changes: Vec<Change> = specs.iter().filter_map(Change::from_spec).collect();
        let write = store.clone();
        let (macs, next, stored_changes) = (encoded.macs, encoded.state, changes.clone());
        blocking(move || {
            write.apply(&CollectionUpdate {
                collection: c,
                state: next,
                replace: false,
                macs: &macs,
                changes: &stored_changes,
            })
        })
        .await??;
        for change in changes {
            inner.emit(Event::AppState(Box::new(AppStateChange {
                collection: c.to_string(),
                change,
                timestamp_ms: Some(unix_now_ms()),
                full_sync: false,
            })));
        }
        return Ok(());
    }
    Err(ClientError::ServerError {
        code: CONFLICT,
        text: "app state upload kept conflicting".into(),
    })
}
