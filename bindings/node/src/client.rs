//! `NativeClient`: one core [`Client`] behind a JavaScript class. Every method that talks to
//! the server returns a Promise; status reads are synchronous. After `close()` every method
//! fails with `ERR_CLOSED` and the status reads say "not connected".
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::{Buffer, Function};
use napi::Env;
use napi_derive::napi;
use prost::Message as _;
use wazap::binary::Jid;
use wazap::client::{ChatState, ChatStateMedia, Presence, SendResult};
use wazap::media::{MediaKind, MediaRef};
use wazap::message::{reply, text as text_message, QuotedMessage};
use wazap::pair::CompanionClientType;
use wazap::proto;
use wazap::store::{DeviceStore, SqliteStore};
use wazap::types::ReceiptType;
use wazap::Client;

use crate::config;
use crate::error::{coded, from_client, from_request, CLOSED, INVALID_ARG};
use crate::events::{self, EventFn};

struct Open {
    client: Client,
    handler: Arc<EventFn>,
    pump: napi::tokio::task::JoinHandle<()>,
}

#[napi]
pub struct NativeClient {
    open: Mutex<Option<Open>>,
}

#[napi]
impl NativeClient {
    /// `options_json`: the options object as JSON (see `config.rs`); `on_event` receives each
    /// event as JSON.
    #[napi(constructor)]
    pub fn new(options_json: String, on_event: Function<String, ()>) -> napi::Result<Self> {
        let options = config::parse(&options_json)?;
        let database = if options.store_path == ":memory:" {
            SqliteStore::open_in_memory()
        } else {
            SqliteStore::open(&options.store_path)
        }
        .map_err(|e| coded("ERR_STORE", format!("cannot open {}: {e}", options.store_path)))?;
        let store: Arc<dyn DeviceStore> = Arc::new(database.account(options.account));
        let client = Client::new(store, options.config);
        let handler: Arc<EventFn> = Arc::new(
            on_event
                .build_threadsafe_function::<String>()
                .weak::<true>()
                .callee_handled::<false>()
                .build()?,
        );
        // Subscribe before anything can happen, so the first QR is never missed.
        let pump = events::forward(client.events(), handler.clone());
        Ok(Self { open: Mutex::new(Some(Open { client, handler, pump })) })
    }

    fn lock(&self) -> MutexGuard<'_, Option<Open>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn client(&self) -> napi::Result<Client> {
        self.lock()
            .as_ref()
            .map(|open| open.client.clone())
            .ok_or_else(|| coded(CLOSED, "the client is closed"))
    }

    /// Whether pending events keep the process alive (see `events.rs`). A no-op once closed.
    #[napi]
    pub fn set_keep_alive(&self, env: Env, on: bool) -> napi::Result<()> {
        match self.lock().as_ref() {
            Some(open) => events::keep_alive(&env, &open.handler, on),
            None => Ok(()),
        }
    }

    #[napi]
    pub async fn connect(&self) -> napi::Result<()> {
        self.client()?.connect().await.map_err(from_client)
    }

    #[napi]
    pub async fn disconnect(&self) -> napi::Result<()> {
        self.client()?.disconnect().await;
        Ok(())
    }

    #[napi]
    pub async fn logout(&self) -> napi::Result<()> {
        self.client()?.logout().await.map_err(from_client)
    }

    /// Pairing by phone number: resolves with the code (`XXXX-XXXX`) to type on the phone.
    #[napi]
    pub async fn pair_phone(
        &self,
        phone: String,
        show_push_notification: bool,
        client_type: String,
        display_name: String,
    ) -> napi::Result<String> {
        let client_type = companion_type(&client_type)?;
        let client = self.client()?;
        client
            .pair_phone(&phone, show_push_notification, client_type, &display_name)
            .await
            .map_err(from_client)
    }

    #[napi]
    pub async fn set_push_name(&self, name: String) -> napi::Result<()> {
        self.client()?.set_push_name(&name).await.map_err(from_client)
    }

    /// Sends a text message; resolves with `{"id","timestamp"}` as JSON. `id`: our own message
    /// id; `quoted_*` (all three or none): the message this one replies to; `mentions`: JIDs.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub async fn send_text(
        &self,
        to: String,
        text: String,
        id: Option<String>,
        quoted_id: Option<String>,
        quoted_sender: Option<String>,
        quoted_message: Option<Buffer>,
        mentions: Option<Vec<String>>,
    ) -> napi::Result<String> {
        let to = jid(&to, "to")?;
        let mentions = mentions
            .unwrap_or_default()
            .iter()
            .map(|m| jid(m, "mentions"))
            .collect::<napi::Result<Vec<_>>>()?;
        let message = match (quoted_id, quoted_sender, quoted_message) {
            (None, None, None) if mentions.is_empty() => text_message(text.as_str()),
            (None, None, None) => reply(&text, None, &mentions),
            (Some(quoted_id), Some(sender), Some(quoted)) => {
                let sender = jid(&sender, "replyTo sender")?;
                let quoted = decode_message(&quoted, "replyTo message")?;
                let quote = QuotedMessage { id: &quoted_id, sender: &sender, message: &quoted };
                reply(&text, Some(&quote), &mentions)
            }
            _ => {
                return Err(coded(
                    INVALID_ARG,
                    "a reply needs the quoted message's id, sender and content",
                ))
            }
        };
        let send = self.client()?.send_message_with_id(to, message, id);
        Ok(sent_json(&send.await.map_err(from_client)?))
    }

    /// Sends any message: `message` is an encoded `Message` protobuf. Resolves like `send_text`.
    #[napi]
    pub async fn send_message(
        &self,
        to: String,
        message: Buffer,
        id: Option<String>,
    ) -> napi::Result<String> {
        let to = jid(&to, "to")?;
        let message = decode_message(&message, "message")?;
        let send = self.client()?.send_message_with_id(to, message, id);
        Ok(sent_json(&send.await.map_err(from_client)?))
    }

    /// Uploads `data` and sends it as a media message of `kind` (image, video, audio,
    /// document, sticker). Resolves like `send_text`.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub async fn send_media(
        &self,
        to: String,
        data: Buffer,
        kind: String,
        mimetype: Option<String>,
        caption: Option<String>,
        file_name: Option<String>,
        voice_note: bool,
        id: Option<String>,
    ) -> napi::Result<String> {
        let to = jid(&to, "to")?;
        if data.is_empty() {
            return Err(coded(INVALID_ARG, "data is empty"));
        }
        let kind = MediaKind::from_fields(&kind, caption, file_name, voice_note)
            .map_err(|e| coded(INVALID_ARG, e.to_string()))?;
        let client = self.client()?;
        let sent = client.send_media(to, data.to_vec(), mimetype.as_deref(), kind, id).await;
        Ok(sent_json(&sent.map_err(from_client)?))
    }

    /// A request by name with JSON arguments (groups, users: `wazap::client::REQUESTS`);
    /// resolves with the answer's JSON.
    #[napi]
    pub async fn request(&self, method: String, args_json: String) -> napi::Result<String> {
        let client = self.client()?;
        client.request(&method, &args_json).await.map_err(from_request)
    }

    /// Downloads and decrypts the file of a received media message (its `Message` protobuf).
    #[napi]
    pub async fn download(&self, message: Buffer) -> napi::Result<Buffer> {
        let message = decode_message(&message, "message")?;
        let media = MediaRef::from_message(&message).map_err(|e| {
            coded(INVALID_ARG, format!("the message has no downloadable media: {e}"))
        })?;
        let file = self.client()?.download(&media).await.map_err(from_client)?;
        Ok(file.into())
    }

    /// A receipt of another kind for messages `ids` of `chat`: `read`, `read-self`, `played` or
    /// `played-self`.
    #[napi]
    pub async fn send_receipt(
        &self,
        ids: Vec<String>,
        chat: String,
        sender: Option<String>,
        receipt_type: String,
    ) -> napi::Result<()> {
        let chat = jid(&chat, "chat")?;
        let sender = sender.map(|s| jid(&s, "sender")).transpose()?;
        let receipt_type = match receipt_type.as_str() {
            "read" => ReceiptType::Read,
            "read-self" => ReceiptType::ReadSelf,
            "played" => ReceiptType::Played,
            "played-self" => ReceiptType::PlayedSelf,
            other => return Err(coded(INVALID_ARG, format!("unknown receipt type {other:?}"))),
        };
        self.client()?.send_receipt(&ids, chat, sender, receipt_type).await.map_err(from_client)
    }

    /// Asks for `who`'s presence: 'presence' events follow.
    #[napi]
    pub async fn subscribe_presence(&self, who: String) -> napi::Result<()> {
        let who = jid(&who, "jid")?;
        self.client()?.subscribe_presence(who).await.map_err(from_client)
    }

    /// Marks messages `ids` of `chat` read; `sender` is the author in a group ("" in 1:1).
    #[napi]
    pub async fn mark_read(
        &self,
        ids: Vec<String>,
        chat: String,
        sender: Option<String>,
    ) -> napi::Result<()> {
        let chat = jid(&chat, "chat")?;
        let sender = sender.map(|s| jid(&s, "sender")).transpose()?;
        self.client()?.mark_read(&ids, chat, sender).await.map_err(from_client)
    }

    /// `available` or `unavailable`.
    #[napi]
    pub async fn send_presence(&self, presence: String) -> napi::Result<()> {
        let presence = match presence.as_str() {
            "available" => Presence::Available,
            "unavailable" => Presence::Unavailable,
            other => {
                return Err(coded(INVALID_ARG, format!("unknown presence {other:?}")));
            }
        };
        self.client()?.send_presence(presence).await.map_err(from_client)
    }

    /// `state`: `composing` or `paused`; `media`: `text` or `audio`.
    #[napi]
    pub async fn send_chat_presence(
        &self,
        chat: String,
        state: String,
        media: String,
    ) -> napi::Result<()> {
        let chat = jid(&chat, "chat")?;
        let state = match state.as_str() {
            "composing" => ChatState::Composing,
            "paused" => ChatState::Paused,
            other => return Err(coded(INVALID_ARG, format!("unknown chat state {other:?}"))),
        };
        let media = match media.as_str() {
            "text" => ChatStateMedia::Text,
            "audio" => ChatStateMedia::Audio,
            other => return Err(coded(INVALID_ARG, format!("unknown media {other:?}"))),
        };
        self.client()?.send_chat_presence(chat, state, media).await.map_err(from_client)
    }

    /// Reacts to message `id` in `chat` by `sender`; an empty emoji removes the reaction.
    #[napi]
    pub async fn send_reaction(
        &self,
        chat: String,
        sender: String,
        id: String,
        from_me: bool,
        emoji: String,
    ) -> napi::Result<String> {
        let chat = jid(&chat, "chat")?;
        let sender = jid(&sender, "sender")?;
        let sent = self
            .client()?
            .send_reaction(chat, sender, &id, from_me, &emoji)
            .await
            .map_err(from_client)?;
        Ok(sent_json(&sent))
    }

    #[napi]
    pub fn is_connected(&self) -> bool {
        self.lock().as_ref().is_some_and(|open| open.client.is_connected())
    }

    #[napi]
    pub fn is_logged_in(&self) -> bool {
        self.lock().as_ref().is_some_and(|open| open.client.is_logged_in())
    }

    /// Our device JID once paired (`"123:4@s.whatsapp.net"`).
    #[napi]
    pub fn jid(&self) -> Option<String> {
        self.lock().as_ref().and_then(|open| open.client.jid()).map(|jid| jid.to_string())
    }

    #[napi]
    pub fn lid(&self) -> Option<String> {
        self.lock().as_ref().and_then(|open| open.client.lid()).map(|jid| jid.to_string())
    }

    #[napi]
    pub fn is_closed(&self) -> bool {
        self.lock().is_none()
    }

    /// Disconnects, stops the event task and releases the JavaScript handler. Idempotent.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        let open = self.lock().take();
        if let Some(Open { client, handler, pump }) = open {
            client.disconnect().await;
            pump.abort();
            drop(client);
            drop(handler);
        }
        Ok(())
    }
}

/// The companion kind the phone shows for a pairing-code request.
fn companion_type(name: &str) -> napi::Result<CompanionClientType> {
    Ok(match name {
        "chrome" => CompanionClientType::Chrome,
        "edge" => CompanionClientType::Edge,
        "firefox" => CompanionClientType::Firefox,
        "ie" => CompanionClientType::Ie,
        "opera" => CompanionClientType::Opera,
        "safari" => CompanionClientType::Safari,
        "electron" => CompanionClientType::Electron,
        "uwp" => CompanionClientType::Uwp,
        "other" => CompanionClientType::OtherWebClient,
        "macos" => CompanionClientType::MacOs,
        "android" => CompanionClientType::Android,
        "unknown" => CompanionClientType::Unknown,
        other => return Err(coded(INVALID_ARG, format!("unknown clientType {other:?}"))),
    })
}

/// A JID (`"123@s.whatsapp.net"`, `"…@g.us"`, `"…@lid"`), or a bare phone number.
fn jid(text: &str, what: &str) -> napi::Result<Jid> {
    Jid::parse_address(text).map_err(|e| coded(INVALID_ARG, format!("{what}: {e}")))
}

fn decode_message(bytes: &[u8], what: &str) -> napi::Result<proto::Message> {
    proto::Message::decode(bytes)
        .map_err(|e| coded(INVALID_ARG, format!("{what} is not a Message protobuf: {e}")))
}

fn sent_json(sent: &SendResult) -> String {
    serde_json::json!({ "id": sent.id, "timestamp": sent.timestamp }).to_string()
}
