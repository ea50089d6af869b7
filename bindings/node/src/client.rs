//! `NativeClient`: one core [`Client`] behind a JavaScript class, and the one native call,
//! [`NativeClient::request`] (the core's requests by name, `wazap::api`), which returns a
//! Promise. Status reads are synchronous. After `close()` every call fails with `ERR_CLOSED`
//! and the status reads say "not connected".
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::{Buffer, Either, Function, PromiseRaw};
use napi::Env;
use napi_derive::napi;
use wazap::api::{self, ClientOptions, Reply};
use wazap::Client;

use crate::error::{coded, from_api, CLOSED};
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
    /// `options_json`: the core's `ClientOptions` as JSON (`index.js` maps the options object
    /// onto them); `on_event` receives each event as JSON.
    #[napi(constructor)]
    pub fn new(
        store_path: String,
        options_json: String,
        on_event: Function<String, ()>,
    ) -> napi::Result<Self> {
        let options = ClientOptions::from_json(&options_json).map_err(from_api)?;
        let client = options.open(&store_path).map_err(from_api)?;
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

    /// Runs request `method` with `args_json` (and `data`, a file to send). The arguments are
    /// checked and the call started now, in call order; the Promise resolves with the answer's
    /// JSON, or a Buffer for a downloaded file.
    #[napi(ts_return_type = "Promise<string | Buffer>")]
    pub fn request<'env>(
        &self,
        env: &'env Env,
        method: String,
        args_json: String,
        data: Option<Buffer>,
    ) -> napi::Result<PromiseRaw<'env, Either<String, Buffer>>> {
        let client = self.client()?;
        let pending = api::request(&client, &method, &args_json, data.map(|d| d.to_vec()));
        env.spawn_future(async move {
            match pending.await.map_err(from_api)? {
                Reply::Json(json) => Ok(Either::A(json)),
                Reply::Bytes(bytes) => Ok(Either::B(bytes.into())),
            }
        })
    }

    /// The QR code to show now, while the device waits to be paired.
    #[napi]
    pub fn qr(&self) -> Option<String> {
        self.lock().as_ref().and_then(|open| open.client.qr())
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
