//! One user's WhatsApp session: the wazap [`Client`] on the user's account in the shared SQLite
//! store, and the event pump that keeps the session state (login, the user's row) and feeds the
//! user's webhook queue. The current QR code is the client's own ([`Client::qr`]).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use wazap::client::Events;
use wazap::{Client, Event};

use crate::db::Db;
use crate::event_types::subscribed;
use crate::recent::Recent;
use crate::settings::SharedSettings;
use crate::webhook::{Outgoing, WebhookQueue};
use crate::webhook_media::{self, MediaPolicy};
use crate::wuz_events::to_webhook;

/// What the handlers and the pump share about a session.
pub struct SessionState {
    pub id: i64,
    pub settings: SharedSettings,
    /// Logged in, as the pump last saw it (for waiting; the client's own flag is the truth).
    pub logged_in: watch::Sender<bool>,
    /// The user asked to be connected (and not since to disconnect or log out).
    pub wanted: AtomicBool,
    pub queue: WebhookQueue,
    /// The global webhook's queue, when one is configured: it gets every user's events.
    pub global: Option<Arc<WebhookQueue>>,
    pub token: String,
    pub media: MediaPolicy,
    /// Who wrote the session's recent messages (wuzapi's requests do not say in groups).
    pub recent: Recent,
    db: Db,
}

/// What a session is built with besides its client.
pub struct SessionParts {
    pub id: i64,
    pub token: String,
    pub settings: SharedSettings,
    pub queue: WebhookQueue,
    pub global: Option<Arc<WebhookQueue>>,
    pub media: MediaPolicy,
    pub db: Db,
}

/// A user's session: the client and its pump (stopped on drop).
pub struct Session {
    pub client: Client,
    pub state: Arc<SessionState>,
    pump: JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

impl Session {
    pub fn new(client: Client, parts: SessionParts) -> Self {
        let SessionParts { id, token, settings, queue, global, media, db } = parts;
        let state = Arc::new(SessionState {
            id,
            settings,
            logged_in: watch::channel(false).0,
            wanted: AtomicBool::new(false),
            queue,
            global,
            token,
            media,
            recent: Recent::default(),
            db,
        });
        // Subscribe before any connect() so no event is missed.
        let events = client.events();
        let pump = tokio::spawn(pump(events, state.clone(), client.clone()));
        Self { client, state, pump }
    }

    /// Waits up to `limit` for the login; whether it happened.
    pub async fn wait_logged_in(&self, limit: Duration) -> bool {
        // The client itself is the truth: the watch may still hold `true` from before a
        // disconnect whose event the pump has not handled yet.
        let mut rx = self.state.logged_in.subscribe();
        let _ = tokio::time::timeout(limit, async {
            while !self.client.is_logged_in() {
                // Woken by the pump's next login change; re-checked now and then regardless.
                let step = Duration::from_millis(100);
                if let Ok(Err(_)) = tokio::time::timeout(step, rx.changed()).await {
                    tokio::time::sleep(step).await;
                }
            }
        })
        .await;
        self.client.is_logged_in()
    }
}

async fn pump(mut events: Events, state: Arc<SessionState>, client: Client) {
    while let Some(event) = events.recv().await {
        track(&state, &event).await;
        let own: Vec<_> = client.jid().into_iter().chain(client.lid()).collect();
        forward(&state, &client, &event, &own).await;
    }
}

/// Keeps the session state and the user's row in step with `event`.
async fn track(state: &SessionState, event: &Event) {
    let persist = |result: Result<(), crate::db::DbError>| {
        if let Err(e) = result {
            tracing::error!(user = state.id, "saving the session state failed: {e}");
        }
    };
    match event {
        Event::Message { info, .. } => {
            state.recent.record(&info.id, &info.chat, &info.sender);
        }
        Event::PairSuccess { jid, .. } => {
            persist(state.db.set_jid(state.id, jid.to_string()).await);
        }
        Event::Connected => {
            state.logged_in.send_replace(true);
        }
        Event::Disconnected { .. } => {
            state.logged_in.send_replace(false);
        }
        Event::QrTimeout
        | Event::LoggedOut { .. }
        | Event::StreamReplaced
        | Event::TemporaryBan { .. }
        | Event::ClientOutdated => {
            // Terminal: the client does not reconnect, and neither should a restart.
            state.logged_in.send_replace(false);
            state.wanted.store(false, Ordering::SeqCst);
            persist(state.db.set_connected(state.id, false).await);
            if matches!(event, Event::LoggedOut { .. }) {
                persist(state.db.set_jid(state.id, String::new()).await);
            }
        }
        _ => {}
    }
}

/// Queues `event` for the user's webhook and the global one, when subscribed; a media
/// message first gets its file (see [`webhook_media`]).
async fn forward(state: &SessionState, client: &Client, event: &Event, own: &[wazap::binary::Jid]) {
    let Some((kind, mut body)) = to_webhook(event, own) else { return };
    let (user_hook, instance) = {
        let settings = state.settings.read();
        if !subscribed(&settings.events, kind) {
            return;
        }
        (!settings.webhook.is_empty(), settings.name.clone())
    };
    if !user_hook && state.global.is_none() {
        return;
    }
    if let Event::Message { info, message } = event {
        webhook_media::embed(client, state.media, &message.proto, &info.id, &mut body).await;
    }
    let outgoing =
        Outgoing { event: Arc::new(body), user_id: state.id, token: state.token.clone(), instance };
    if let Some(global) = &state.global {
        global.push(outgoing.clone());
    }
    if user_hook {
        state.queue.push(outgoing);
    }
}
