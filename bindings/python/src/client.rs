//! `NativeClient`: one `wazap::Client` over an account of a SQLite store file, and the one
//! native call, [`NativeClient::request`] (the core's requests by name, `wazap::api`), blocking
//! or `_async` from one definition (`bridge::call`). The wrapper class `wazap.Client` adds the
//! typed methods, their argument types and the answers' classes.
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use wazap::api::{self, Reply};
use wazap::Client;

use crate::bridge::{self, ToPython};
use crate::config::ConfigArgs;
use crate::errors::BindingError;
use crate::subscription::EventSubscription;

/// A client of one account in a SQLite store file.
#[pyclass(module = "wazap._native", frozen)]
pub struct NativeClient {
    pub(crate) client: Client,
}

impl ToPython for Reply {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        match self {
            Reply::Json(json) => json.to_python(py),
            Reply::Bytes(bytes) => Ok(PyBytes::new(py, &bytes).into_any().unbind()),
        }
    }
}

impl NativeClient {
    /// Starts request `method` now (its arguments are checked, a send takes its place in the
    /// send order), to be awaited by the caller.
    fn start(&self, method: &str, args_json: &str, data: Option<Vec<u8>>) -> api::Pending<Reply> {
        api::request(&self.client, method, args_json, data)
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        store_path, *, account = None, url = None, root_key = None,
        device_name = None, origin = None, proxy = None, language = None, country = None,
        connect_timeout = None, iq_timeout = None, reconnect = None,
        reconnect_base_delay = None, reconnect_max_delay = None, prekey_batch = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        store_path: PathBuf,
        account: Option<String>,
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
            account,
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
        let options = args.into_options().map_err(|e| e.into_pyerr(py))?;
        let path = store_path.to_string_lossy().into_owned();
        // Opening runs migrations on disk: without the GIL.
        let client = crate::shutdown::allow_threads(py, move || options.open(&path))
            .map_err(|e| BindingError::from(e).into_pyerr(py))?;
        Ok(Self { client })
    }

    /// A new subscription to this client's events (sees the events emitted from now on).
    fn subscribe(&self) -> EventSubscription {
        EventSubscription::new(self.client.events())
    }

    /// Runs request `method` with `args_json` (and `data`, a file to send); answers its JSON,
    /// or the bytes of a downloaded file. Blocks with the GIL released.
    #[pyo3(signature = (method, args_json, data = None))]
    fn request(
        &self,
        py: Python<'_>,
        method: &str,
        args_json: &str,
        data: Option<Vec<u8>>,
    ) -> PyResult<PyObject> {
        let pending = self.start(method, args_json, data);
        bridge::block(py, async move { Ok(pending.await?) })?.to_python(py)
    }

    /// [`NativeClient::request`] for asyncio: `done(error, answer)` is called once it is done.
    #[pyo3(signature = (done, method, args_json, data = None))]
    fn request_async(&self, done: PyObject, method: &str, args_json: &str, data: Option<Vec<u8>>) {
        let pending = self.start(method, args_json, data);
        bridge::spawn(async move { Ok(pending.await?) }, done)
    }

    /// The QR code to show now, if the device waits to be paired.
    #[getter]
    fn qr(&self) -> Option<String> {
        self.client.qr()
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
