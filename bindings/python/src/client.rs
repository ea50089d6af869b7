//! `NativeClient`: one `wazap::Client` over an account of a SQLite store file. Each core
//! operation is an `*_op` future, exposed twice: blocking (GIL released) and `_async` (a
//! `done(error, value)` callback). The wrapper class `wazap.Client` adds types and idioms.
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use wazap::pair::CompanionClientType;
use wazap::store::SqliteStore;
use wazap::{Client, Event};

use crate::bridge::{self, block, ToPython};
use crate::config::ConfigArgs;
use crate::errors::BindingError;
use crate::messaging::Quote;
use crate::subscription::EventSubscription;

type Op<T> = Result<T, BindingError>;

/// The companion kinds `pair_phone` accepts, by their Python names.
fn client_type(name: &str) -> Result<CompanionClientType, BindingError> {
    Ok(match name {
        "unknown" => CompanionClientType::Unknown,
        "chrome" => CompanionClientType::Chrome,
        "edge" => CompanionClientType::Edge,
        "firefox" => CompanionClientType::Firefox,
        "ie" => CompanionClientType::Ie,
        "opera" => CompanionClientType::Opera,
        "safari" => CompanionClientType::Safari,
        "electron" => CompanionClientType::Electron,
        "uwp" => CompanionClientType::Uwp,
        "other_web_client" => CompanionClientType::OtherWebClient,
        "macos" => CompanionClientType::MacOs,
        "android" => CompanionClientType::Android,
        other => return Err(BindingError::invalid(format!("unknown client_type {other:?}"))),
    })
}

/// Keeps the latest QR code of `client` (the core only reports codes as events; the binding
/// offers the current one as a property). Ends with the client's event stream.
fn track_qr(client: &Client) -> Arc<Mutex<Option<String>>> {
    let slot = Arc::new(Mutex::new(None));
    let mut events = client.events();
    let writer = slot.clone();
    wazap::runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            let update = match event {
                Event::Qr { code, .. } => Some(Some(code)),
                Event::PairSuccess { .. }
                | Event::Connected
                | Event::QrTimeout
                | Event::Disconnected { .. }
                | Event::LoggedOut { .. } => Some(None),
                _ => None,
            };
            if let Some(value) = update {
                *writer.lock().unwrap_or_else(|p| p.into_inner()) = value;
            }
        }
    });
    slot
}

/// A client of one account in a SQLite store file.
#[pyclass(module = "wazap._native", frozen)]
pub struct NativeClient {
    pub(crate) client: Client,
    qr: Arc<Mutex<Option<String>>>,
}

impl NativeClient {
    fn connect_op(&self) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        async move { Ok(client.connect().await?) }
    }

    fn disconnect_op(&self) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        async move {
            client.disconnect().await;
            Ok(())
        }
    }

    fn logout_op(&self) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        async move { Ok(client.logout().await?) }
    }

    fn pair_phone_op(
        &self,
        phone: String,
        show_push_notification: bool,
        kind: &str,
        display_name: String,
    ) -> impl Future<Output = Op<String>> + Send + 'static {
        let client = self.client.clone();
        let kind = client_type(kind);
        async move { Ok(client.pair_phone(&phone, show_push_notification, kind?, &display_name).await?) }
    }

    fn set_push_name_op(&self, name: String) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        async move { Ok(client.set_push_name(&name).await?) }
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        store_path, *, account = "main".to_owned(), url = None, root_key = None,
        device_name = None, origin = None, proxy = None, language = None, country = None,
        connect_timeout = None, iq_timeout = None, reconnect = None,
        reconnect_base_delay = None, reconnect_max_delay = None, prekey_batch = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        store_path: PathBuf,
        account: String,
        url: Option<String>,
        root_key: Option<String>,
        device_name: Option<String>,
        origin: Option<String>,
        proxy: Option<String>,
        language: Option<String>,
        country: Option<String>,
        connect_timeout: Option<f64>,
        iq_timeout: Option<f64>,
        reconnect: Option<bool>,
        reconnect_base_delay: Option<f64>,
        reconnect_max_delay: Option<f64>,
        prekey_batch: Option<u32>,
    ) -> PyResult<Self> {
        let args = ConfigArgs {
            url,
            root_key,
            device_name,
            origin,
            proxy,
            language,
            country,
            connect_timeout,
            iq_timeout,
            reconnect,
            reconnect_base_delay,
            reconnect_max_delay,
            prekey_batch,
        };
        let config = args.into_config().map_err(|e| e.into_pyerr(py))?;
        if account.is_empty() {
            return Err(BindingError::invalid("account must not be empty").into_pyerr(py));
        }
        // Opening runs migrations on disk: without the GIL.
        let store = crate::shutdown::allow_threads(py, move || SqliteStore::open(&store_path))
            .map_err(|e| BindingError::from(e).into_pyerr(py))?;
        let client = Client::new(Arc::new(store.account(account)), config);
        let qr = track_qr(&client);
        Ok(Self { client, qr })
    }

    /// A new subscription to this client's events (sees the events emitted from now on).
    fn subscribe(&self) -> EventSubscription {
        EventSubscription::new(self.client.events())
    }

    fn connect(&self, py: Python<'_>) -> PyResult<()> {
        block(py, self.connect_op())
    }

    fn connect_async(&self, done: PyObject) {
        bridge::spawn(self.connect_op(), done)
    }

    fn disconnect(&self, py: Python<'_>) -> PyResult<()> {
        block(py, self.disconnect_op())
    }

    fn disconnect_async(&self, done: PyObject) {
        bridge::spawn(self.disconnect_op(), done)
    }

    fn logout(&self, py: Python<'_>) -> PyResult<()> {
        block(py, self.logout_op())
    }

    fn logout_async(&self, done: PyObject) {
        bridge::spawn(self.logout_op(), done)
    }

    #[pyo3(signature = (phone, show_push_notification, client_type, display_name))]
    fn pair_phone(
        &self,
        py: Python<'_>,
        phone: String,
        show_push_notification: bool,
        client_type: &str,
        display_name: String,
    ) -> PyResult<String> {
        block(py, self.pair_phone_op(phone, show_push_notification, client_type, display_name))
    }

    #[pyo3(signature = (done, phone, show_push_notification, client_type, display_name))]
    fn pair_phone_async(
        &self,
        done: PyObject,
        phone: String,
        show_push_notification: bool,
        client_type: &str,
        display_name: String,
    ) {
        let op = self.pair_phone_op(phone, show_push_notification, client_type, display_name);
        bridge::spawn(op, done)
    }

    fn set_push_name(&self, py: Python<'_>, name: String) -> PyResult<()> {
        block(py, self.set_push_name_op(name))
    }

    fn set_push_name_async(&self, done: PyObject, name: String) {
        bridge::spawn(self.set_push_name_op(name), done)
    }

    /// Sends a text; `quoted_*` (all or none) make it a reply; returns `(id, timestamp)`.
    #[pyo3(signature = (to, text, id=None, quoted_id=None, quoted_sender=None, quoted_message=None, mentions=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn send_text(
        &self,
        py: Python<'_>,
        to: String,
        text: String,
        id: Option<String>,
        quoted_id: Option<String>,
        quoted_sender: Option<String>,
        quoted_message: Option<Vec<u8>>,
        mentions: Vec<String>,
    ) -> PyResult<PyObject> {
        let quote =
            quote(quoted_id, quoted_sender, quoted_message).map_err(|e| e.into_pyerr(py))?;
        block(py, self.send_text_op(to, text, id, quote, mentions))?.to_python(py)
    }

    #[pyo3(signature = (done, to, text, id=None, quoted_id=None, quoted_sender=None, quoted_message=None, mentions=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn send_text_async(
        &self,
        py: Python<'_>,
        done: PyObject,
        to: String,
        text: String,
        id: Option<String>,
        quoted_id: Option<String>,
        quoted_sender: Option<String>,
        quoted_message: Option<Vec<u8>>,
        mentions: Vec<String>,
    ) -> PyResult<()> {
        let quote =
            quote(quoted_id, quoted_sender, quoted_message).map_err(|e| e.into_pyerr(py))?;
        bridge::spawn(self.send_text_op(to, text, id, quote, mentions), done);
        Ok(())
    }

    /// Sends a `Message` protobuf (its encoded bytes); returns `(id, timestamp)`.
    #[pyo3(signature = (to, message, id=None))]
    fn send_message(
        &self,
        py: Python<'_>,
        to: String,
        message: Vec<u8>,
        id: Option<String>,
    ) -> PyResult<PyObject> {
        block(py, self.send_message_op(to, message, id))?.to_python(py)
    }

    #[pyo3(signature = (done, to, message, id=None))]
    fn send_message_async(&self, done: PyObject, to: String, message: Vec<u8>, id: Option<String>) {
        bridge::spawn(self.send_message_op(to, message, id), done)
    }

    /// Uploads `data` and sends it as a media message of `kind` (image, video, audio,
    /// document, sticker); returns `(id, timestamp)`.
    #[pyo3(signature = (to, data, kind, mimetype=None, caption=None, file_name=None, voice_note=false, id=None))]
    #[allow(clippy::too_many_arguments)]
    fn send_media(
        &self,
        py: Python<'_>,
        to: String,
        data: &[u8],
        kind: String,
        mimetype: Option<String>,
        caption: Option<String>,
        file_name: Option<String>,
        voice_note: bool,
        id: Option<String>,
    ) -> PyResult<PyObject> {
        let op = self.send_media_op(
            to,
            data.to_vec(),
            kind,
            mimetype,
            caption,
            file_name,
            voice_note,
            id,
        );
        block(py, op)?.to_python(py)
    }

    #[pyo3(signature = (done, to, data, kind, mimetype=None, caption=None, file_name=None, voice_note=false, id=None))]
    #[allow(clippy::too_many_arguments)]
    fn send_media_async(
        &self,
        done: PyObject,
        to: String,
        data: &[u8],
        kind: String,
        mimetype: Option<String>,
        caption: Option<String>,
        file_name: Option<String>,
        voice_note: bool,
        id: Option<String>,
    ) {
        let op = self.send_media_op(
            to,
            data.to_vec(),
            kind,
            mimetype,
            caption,
            file_name,
            voice_note,
            id,
        );
        bridge::spawn(op, done)
    }

    /// Runs a request by name (groups, users) with JSON arguments; returns the answer's JSON.
    fn request(&self, py: Python<'_>, method: String, args_json: String) -> PyResult<PyObject> {
        block(py, self.request_op(method, args_json))?.to_python(py)
    }

    fn request_async(&self, done: PyObject, method: String, args_json: String) {
        bridge::spawn(self.request_op(method, args_json), done)
    }

    /// Downloads and decrypts the file of a received media message (its `Message` protobuf).
    fn download(&self, py: Python<'_>, message: Vec<u8>) -> PyResult<PyObject> {
        block(py, self.download_op(message))?.to_python(py)
    }

    fn download_async(&self, done: PyObject, message: Vec<u8>) {
        bridge::spawn(self.download_op(message), done)
    }

    /// Reacts to message `id` of `sender` in `chat`; an empty emoji removes the reaction.
    fn send_reaction(
        &self,
        py: Python<'_>,
        chat: String,
        sender: String,
        id: String,
        from_me: bool,
        emoji: String,
    ) -> PyResult<PyObject> {
        block(py, self.send_reaction_op(chat, sender, id, from_me, emoji))?.to_python(py)
    }

    fn send_reaction_async(
        &self,
        done: PyObject,
        chat: String,
        sender: String,
        id: String,
        from_me: bool,
        emoji: String,
    ) {
        bridge::spawn(self.send_reaction_op(chat, sender, id, from_me, emoji), done)
    }

    /// A receipt (`read`, `read-self`, `played`, `played-self`) for messages `ids` of `chat`.
    #[pyo3(signature = (ids, chat, sender, receipt_type))]
    fn send_receipt(
        &self,
        py: Python<'_>,
        ids: Vec<String>,
        chat: String,
        sender: Option<String>,
        receipt_type: String,
    ) -> PyResult<()> {
        block(py, self.send_receipt_op(ids, chat, sender, receipt_type))
    }

    #[pyo3(signature = (done, ids, chat, sender, receipt_type))]
    fn send_receipt_async(
        &self,
        done: PyObject,
        ids: Vec<String>,
        chat: String,
        sender: Option<String>,
        receipt_type: String,
    ) {
        bridge::spawn(self.send_receipt_op(ids, chat, sender, receipt_type), done)
    }

    fn send_presence(&self, py: Python<'_>, presence: String) -> PyResult<()> {
        block(py, self.send_presence_op(presence))
    }

    fn send_presence_async(&self, done: PyObject, presence: String) {
        bridge::spawn(self.send_presence_op(presence), done)
    }

    fn send_chat_presence(
        &self,
        py: Python<'_>,
        chat: String,
        state: String,
        media: String,
    ) -> PyResult<()> {
        block(py, self.send_chat_presence_op(chat, state, media))
    }

    fn send_chat_presence_async(&self, done: PyObject, chat: String, state: String, media: String) {
        bridge::spawn(self.send_chat_presence_op(chat, state, media), done)
    }

    fn subscribe_presence(&self, py: Python<'_>, jid: String) -> PyResult<()> {
        block(py, self.subscribe_presence_op(jid))
    }

    fn subscribe_presence_async(&self, done: PyObject, jid: String) {
        bridge::spawn(self.subscribe_presence_op(jid), done)
    }

    /// The QR code to show now, if the device waits to be paired.
    #[getter]
    fn qr(&self) -> Option<String> {
        self.qr.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    #[getter]
    fn is_connected(&self) -> bool {
        self.client.is_connected()
    }

    #[getter]
    fn is_logged_in(&self) -> bool {
        self.client.is_logged_in()
    }

    #[getter]
    fn jid(&self) -> Option<String> {
        self.client.jid().map(|jid| jid.to_string())
    }

    #[getter]
    fn lid(&self) -> Option<String> {
        self.client.lid().map(|jid| jid.to_string())
    }
}

/// The quoted message of a reply: all three parts, or none.
fn quote(
    id: Option<String>,
    sender: Option<String>,
    message: Option<Vec<u8>>,
) -> Result<Option<Quote>, BindingError> {
    match (id, sender, message) {
        (None, None, None) => Ok(None),
        (Some(id), Some(sender), Some(message)) => Ok(Some(Quote { id, sender, message })),
        _ => Err(BindingError::invalid(
            "a reply needs the quoted message's id, sender and content together",
        )),
    }
}
