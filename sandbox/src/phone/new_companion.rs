//! What a real phone does for a companion it has just linked: it sends it, as peer messages
//! (`category="peer"`, whatsmeow `handleProtocolMessage`), the account's app state sync keys
//! (`APP_STATE_SYNC_KEY_SHARE`), then history sync notifications for the blobs it uploaded to
//! the media host (`HISTORY_SYNC_NOTIFICATION`: the initial bootstrap, then the push names).
//! As a real phone, which fetches the companion's prekey bundle from the server first, it
//! starts once the companion has published its prekeys (its first upload after login):
//! before that the companion may not even hold the signed prekey a session would use.
use std::sync::Arc;

use thiserror::Error;
use wazap::proto::{protocol_message, AppStateSyncKeyShare, Message, ProtocolMessage};

use super::{app_state_keys, history, send};
use crate::control::ControlError;
use crate::media;
use crate::shared::Shared;

#[derive(Debug, Error)]
pub enum WelcomeError {
    #[error("the account is gone")]
    UnknownAccount,
    #[error("cannot prepare or store a history blob: {0}")]
    Blob(#[from] std::io::Error),
    #[error("cannot send to the companion: {0}")]
    Send(#[from] ControlError),
    #[error("the phone task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Notes that `phone`'s companion `device` was just linked: its welcome starts at its first
/// prekey upload.
pub fn expect(shared: &Shared, phone: &str, device: u16) {
    shared.state().awaiting_welcome.insert((phone.to_owned(), device));
}

/// Starts the welcome of `phone`'s new companion `device` in the background, a round trip
/// after the upload (the phone is as far from the server as the companion: it learns of the
/// upload and fetches the bundle first). Baileys stores its new prekeys only once the server
/// answered their upload: a message that overtook the answer would find none of them.
pub fn spawn(shared: Arc<Shared>, phone: String, device: u16) {
    tokio::spawn(async move {
        tokio::time::sleep(2 * shared.latency).await;
        match welcome(&shared, &phone, device).await {
            Ok(ids) => tracing::info!(%phone, device, ?ids, "app state keys and history sent"),
            Err(e) => tracing::warn!(%phone, device, error = %e, "new companion not welcomed"),
        }
    });
}

fn protocol(message: ProtocolMessage) -> Message {
    Message { protocol_message: Some(Box::new(message)), ..Default::default() }
}

/// Uploads the history blobs and sends the key share and the notifications; returns the ids of
/// the messages sent.
pub async fn welcome(
    shared: &Arc<Shared>,
    phone: &str,
    device: u16,
) -> Result<Vec<String>, WelcomeError> {
    let (bootstrap, names) = {
        let state = shared.state();
        state.account(phone).ok_or(WelcomeError::UnknownAccount)?;
        (history::initial_bootstrap(&state, phone), history::push_names(&state, phone))
    };
    let mut notifications = Vec::new();
    for blob in [bootstrap, names] {
        let prepared = history::prepare(&blob)?;
        shared.media.put(&prepared.blob_id, prepared.blob).await?;
        let mut notification = prepared.notification;
        notification.direct_path = Some(media::direct_path(&prepared.blob_id));
        notifications.push(notification);
    }
    let shared = shared.clone();
    let phone = phone.to_owned();
    tokio::task::spawn_blocking(move || {
        let keys = app_state_keys::share(&mut shared.state(), &phone)
            .ok_or(WelcomeError::UnknownAccount)?;
        let share = protocol(ProtocolMessage {
            r#type: Some(protocol_message::Type::AppStateSyncKeyShare as i32),
            app_state_sync_key_share: Some(AppStateSyncKeyShare { keys }),
            ..Default::default()
        });
        let mut ids = vec![send::send_peer(&shared, &phone, device, &share)?];
        for notification in notifications {
            let message = protocol(ProtocolMessage {
                r#type: Some(protocol_message::Type::HistorySyncNotification as i32),
                history_sync_notification: Some(notification),
                ..Default::default()
            });
            ids.push(send::send_peer(&shared, &phone, device, &message)?);
        }
        Ok::<_, WelcomeError>(ids)
    })
    .await?
}
